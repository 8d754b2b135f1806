"""The module folder's layout, declared once: every file tfgen writes there and the template
each one comes from. Render, verify, plan, write and drift all read these names."""

from __future__ import annotations

MAIN_FILE = "main.tf"
VERSIONS_FILE = "versions.tf"
VARIABLES_FILE = "variables.tf"
OUTPUTS_FILE = "outputs.tf"
PEERING_FILE = "peering.tf"  # only with peers
RESOLVER_FILE = "resolver.tf"  # only with on_premises
MOVED_FILE = "moved.tf"  # only when an instance's address changed
EXAMPLE_FILE = "example/main.tf"  # the deployment root that calls the module
README_FILE = "README.md"
ANSWERS_FILE = "tfgen.answers.yaml"
MANIFEST_FILE = "tfgen.manifest.json"

# The module's own Terraform files, in the order they are written and listed.
MODULE_FILES = (VERSIONS_FILE, VARIABLES_FILE, MAIN_FILE, OUTPUTS_FILE)
# Output file -> template (under templates/terraform).
MODULE_TEMPLATES = {
    **{name: f"{name}.j2" for name in MODULE_FILES},
    EXAMPLE_FILE: f"{EXAMPLE_FILE}.j2",
}
PEERING_TEMPLATES = {PEERING_FILE: f"{PEERING_FILE}.j2"}
RESOLVER_TEMPLATES = {RESOLVER_FILE: f"{RESOLVER_FILE}.j2"}
MOVED_TEMPLATES = {MOVED_FILE: f"{MOVED_FILE}.j2"}
# Every file a module folder may hold that tfgen wrote (the manifest lists the rest's checksums).
WRITTEN_FILES = (
    *MODULE_TEMPLATES,
    *PEERING_TEMPLATES,
    *RESOLVER_TEMPLATES,
    *MOVED_TEMPLATES,
    README_FILE,
    ANSWERS_FILE,
)

# ---- the shared module (modules/lambda-endpoint) and the deployment roots that call it ------
LICENSE_FILE = "LICENSE"
SHARED_TEMPLATE_DIR = "shared"  # under templates/terraform
# The shared module's Terraform and test files, each rendered from <name>.j2.
SHARED_TERRAFORM_FILES = (
    VERSIONS_FILE,
    VARIABLES_FILE,
    MAIN_FILE,
    PEERING_FILE,
    "dns.tf",
    RESOLVER_FILE,
    OUTPUTS_FILE,
    "modules/peer/versions.tf",
    "modules/peer/variables.tf",
    "modules/peer/main.tf",
    "modules/peer/outputs.tf",
    "examples/basic/main.tf",
    "examples/peers/main.tf",
    "tests/guards.tftest.hcl",
    "tests/outputs.tftest.hcl",
)

# A deployment root's files (deployments/<name>/): the only files tfgen owns there.
PROVIDERS_FILE = "providers.tf"
IMPORTS_FILE = "imports.tf"  # only when something is adopted
DEPLOYMENT_TEMPLATE_DIR = "deployment"  # under templates/terraform
DEPLOYMENT_FILES = (PROVIDERS_FILE, MAIN_FILE, OUTPUTS_FILE)
