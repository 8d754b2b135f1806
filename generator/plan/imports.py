"""Which existing resources the example root adopts (answers `import:` -> Terraform import blocks).

Pure data, no Terraform text: each target is a resource address inside the module call and the
id AWS knows it by. The addresses are the module's own (main.tf.j2): the endpoint, and where the
group is taken over, the group and one ingress rule per source, keyed as the module keys them.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.answers.model import Answers

SOURCE_GROUP_RULE = "aws_vpc_security_group_ingress_rule.security_group"
SHARED_SOURCE_GROUP_RULE = "aws_vpc_security_group_ingress_rule.source_group"


@dataclass(frozen=True)
class ImportTarget:
    resource: str  # "<type>.<name>" inside the module
    key: int | str | None  # count index, for_each key, or None for a single resource
    id: str  # the id `terraform import` takes for that type


def import_targets(answers: Answers) -> list[ImportTarget]:
    imported = answers.import_
    if imported is None:
        return []
    # The endpoint's private DNS setting is a resource of its own in the module
    # (aws_vpc_endpoint_private_dns), imported by the endpoint's id.
    targets = [
        ImportTarget("aws_vpc_endpoint.lambda", None, imported.endpoint_id),
        ImportTarget("aws_vpc_endpoint_private_dns.lambda", None, imported.endpoint_id),
    ]
    if imported.security_group_id is not None:
        targets.append(ImportTarget("aws_security_group.endpoint", 0, imported.security_group_id))
    group = answers.security_group
    for rule in imported.security_group_rules:
        if rule.source == answers.vpc.cidr:
            targets.append(ImportTarget("aws_vpc_security_group_ingress_rule.vpc", 0, rule.id))
        elif rule.source in group.allow_cidrs:
            targets.append(
                ImportTarget("aws_vpc_security_group_ingress_rule.cidr", rule.source, rule.id)
            )
        else:
            # Keyed by the group's id, as the answers list it (main.tf.j2).
            targets.append(ImportTarget(SOURCE_GROUP_RULE, rule.source, rule.id))
    return targets


def deployment_imports(targets: tuple[ImportTarget, ...]) -> list[ImportTarget]:
    """The same targets in the shared module: a deployment root passes its source groups as
    allowed_security_groups (by id), whose rules are `source_group`, not `security_group`."""
    return [
        ImportTarget(SHARED_SOURCE_GROUP_RULE, target.key, target.id)
        if target.resource == SOURCE_GROUP_RULE
        else target
        for target in targets
    ]
