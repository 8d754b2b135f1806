"""Migration over deployed state (issue 24): a 0.2 module folder that terraform applied is
migrated with `tfgen migrate` into a deployment root (its state copied there), and
`terraform plan` in the root must plan moves and in-place updates only. The scenarios that
apply a golden case's kind of module call this before their destroy; the root is only planned,
never applied, so the module folder's state stays the one that destroys."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli.main import cli
from tests.support.planjson import Plan, plan
from tests.support.realtools import terraform


def migrated_plan(module: Path, root: Path, endpoint: str) -> Plan:
    """Migrate `module` into `root` (the shared module beside it, in root/../modules), plan
    there against `endpoint`, and assert that nothing is created, deleted or replaced and that
    every resource in the old state is still planned for (moved or in place)."""
    shared = root.parent / "modules" / "lambda-endpoint"
    result = CliRunner().invoke(
        cli, ["migrate", str(module), "-o", str(root), "--module-dir", str(shared), "--no-scan"]
    )
    assert result.exit_code == 0, result.output
    assert (root / "terraform.tfstate").is_file()
    terraform(["init", "-input=false", "-no-color"], root)
    planned = plan(root, endpoint=endpoint)
    for kind in ("create", "delete", "replace"):
        assert planned.addresses(kind) == set(), (kind, planned.addresses(kind))
    state = terraform(["state", "list"], module / "example").stdout.splitlines()
    managed = {a for a in state if not a.startswith("data.") and ".data." not in a}
    moved = {
        change["previous_address"]
        for change in planned.document["resource_changes"]
        if change.get("previous_address")
    }
    kept = {change["address"] for change in planned.document["resource_changes"]}
    assert managed <= moved | kept, sorted(managed - moved - kept)
    return planned
