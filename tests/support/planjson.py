"""`terraform plan -out` + `terraform show -json`, read as actions by address.

Shared by the terraform tests: a test says which addresses a plan creates, updates, deletes
or replaces, and everything else must be a no-op (reads of data sources are not changes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.realtools import terraform

PLAN_FILE = "tfgen-test.tfplan"
NO_CHANGE = (("no-op",), ("read",))


@dataclass(frozen=True)
class Plan:
    """A saved plan: its JSON and the exit code of `plan -detailed-exitcode` (0 = no change)."""

    document: dict[str, Any]
    exit_code: int

    @property
    def actions(self) -> dict[str, tuple[str, ...]]:
        """Every resource instance the plan changes -> its actions, e.g. ("delete", "create")."""
        return {
            change["address"]: tuple(change["change"]["actions"])
            for change in self.document.get("resource_changes", [])
            if tuple(change["change"]["actions"]) not in NO_CHANGE
        }

    def addresses(self, kind: str) -> set[str]:
        """Addresses planned to be `create`d, `update`d, `delete`d or `replace`d."""
        wanted = {
            "create": {("create",)},
            "update": {("update",)},
            "delete": {("delete",)},
            "replace": {("delete", "create"), ("create", "delete")},
        }[kind]
        return {address for address, actions in self.actions.items() if actions in wanted}

    def expect(
        self,
        *,
        create: Iterable[str] = (),
        update: Iterable[str] = (),
        delete: Iterable[str] = (),
        replace: Iterable[str] = (),
    ) -> None:
        """Exactly these changes, nothing else (assertion message lists the difference)."""
        expected = {
            **{address: "create" for address in create},
            **{address: "update" for address in update},
            **{address: "delete" for address in delete},
            **{address: "replace" for address in replace},
        }
        got = {
            address: kind
            for kind in ("create", "update", "delete", "replace")
            for address in self.addresses(kind)
        }
        odd = {a: actions for a, actions in self.actions.items() if a not in got}
        assert not odd, f"unexpected actions: {odd}"
        missing = {a: k for a, k in expected.items() if got.get(a) != k}
        extra = {a: k for a, k in got.items() if a not in expected}
        assert not missing and not extra, (
            f"missing or different: {missing}; unexpected: {extra}; "
            f"changed attributes: { {a: self.changed_attributes(a) for a in extra} }"
        )

    def changed_attributes(self, address: str) -> dict[str, tuple[Any, Any]]:
        """attribute -> (before, after) of one planned change (after may be unknown: None)."""
        for change in self.document.get("resource_changes", []):
            if change["address"] == address:
                before = change["change"].get("before") or {}
                after = change["change"].get("after") or {}
                unknown = change["change"].get("after_unknown") or {}
                return {
                    key: (
                        before.get(key),
                        "(known after apply)" if unknown.get(key) else after.get(key),
                    )
                    for key in sorted(set(before) | set(after) | set(unknown))
                    if before.get(key) != after.get(key) or unknown.get(key)
                }
        return {}

    def never(self, kinds: Iterable[str], addresses: Iterable[str]) -> None:
        """None of these addresses (prefixes match instances) gets any of these actions."""
        for kind in kinds:
            for address in self.addresses(kind):
                for forbidden in addresses:
                    assert not (address == forbidden or address.startswith(forbidden + "[")), (
                        f"{address} would be {kind}d"
                    )


def plan(folder: Path, *args: str, endpoint: str | None = None) -> Plan:
    """`terraform plan -out` in `folder` (extra `args` passed on), then `show -json`."""
    result = terraform(
        ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={PLAN_FILE}", *args],
        folder,
        check=False,
        endpoint=endpoint,
    )
    assert result.returncode in (0, 2), result.stdout + result.stderr
    shown = terraform(["show", "-json", PLAN_FILE], folder)
    return Plan(json.loads(shown.stdout), result.returncode)


def apply(folder: Path, endpoint: str | None = None) -> None:
    """Apply the plan `plan` saved (exactly what was asserted, nothing re-planned)."""
    terraform(["apply", "-input=false", "-no-color", PLAN_FILE], folder, endpoint=endpoint)
