"""The answers' deployment settings (the deployment layout): how a provider block reaches an
account, and where a deployment root finds the shared module."""

from __future__ import annotations

from pydantic import Field

from generator.answers.base import Strict
from generator.answers.fields import ExternalId, GitRef, ModuleSource, ProfileName, RoleArn


class ProviderSettings(Strict):
    """How a deployment's provider block reaches an account (the deployment layout): an IAM
    role to assume there, or a named profile; none = the default credentials."""

    role_arn: RoleArn | None = Field(
        default=None,
        description="A role to assume (arn:aws:iam::<account>:role/<name>): in a peer's "
        "account, one that may accept the peering, manage its route tables and associate its "
        "VPC with the private hosted zone.",
    )
    external_id: ExternalId | None = Field(
        default=None, description="The external id the role's trust policy asks for."
    )
    profile: ProfileName | None = Field(
        default=None, description="A named profile of the AWS config files, instead of a role."
    )


class DeploymentSettings(Strict):
    """Where a deployment root finds the shared module (the deployment layout)."""

    module_source: ModuleSource | None = Field(
        default=None,
        description="A git source of the shared module instead of the local path, e.g. "
        "git::https://github.com/acme/infra.git//modules/lambda-endpoint (with module_ref).",
    )
    module_ref: GitRef | None = Field(
        default=None, description="The tag, branch or commit of module_source to pin (v0.3.0)."
    )
