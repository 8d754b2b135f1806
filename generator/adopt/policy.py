"""An endpoint policy read from AWS -> the answers' `policy:` section, exactly or not at all.

Three outcomes, never a silent change: the policy is AWS's default full-access one (kept as
`full_access: true`, with a warning), it translates into statements whose rendered document is
equivalent to the original (same Version, Sid, Effect, and the same sets of principals,
actions, resources and condition values, as IAM and the AWS provider compare them), or it is
refused with the reason (`PolicyNotExpressible`)."""

from __future__ import annotations

import json
from typing import Any

from generator.answers.model import EndpointPolicy
from generator.core.errors import preview

STATEMENT_KEYS = ("Sid", "Effect", "Principal", "Action", "Resource", "Condition")
VERSIONS = ("2012-10-17", "2008-10-17")


class PolicyNotExpressible(ValueError):
    """The policy says something the answers cannot say exactly: the reason."""


def _strings(value: Any, where: str) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) for item in items):
        raise PolicyNotExpressible(f"{where} is {preview(value)}: answers hold strings only")
    return list(items)


def is_full_access(document: dict[str, Any]) -> bool:
    """AWS's default endpoint policy: everyone, every action, every resource."""
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if set(document) - {"Version", "Statement"} or not isinstance(statements, list):
        return False
    if len(statements) != 1 or not isinstance(statements[0], dict):
        return False
    only = statements[0]
    principal = only.get("Principal")
    return (
        set(only) <= {"Sid", "Effect", "Principal", "Action", "Resource"}
        and only.get("Effect") == "Allow"
        and (principal == "*" or principal == {"AWS": "*"} or principal == {"AWS": ["*"]})
        and only.get("Action") in ("*", ["*"])
        and only.get("Resource") in ("*", ["*"])
    )


def _principals(value: Any, where: str) -> list[str]:
    if value == "*":
        return ["*"]
    if isinstance(value, dict) and set(value) == {"AWS"}:
        principals = _strings(value["AWS"], f"{where}.AWS")
        if "*" in principals:
            # tfgen writes a wildcard principal as "*", which IAM reads the same but the
            # policy text would change: refuse rather than rewrite it.
            raise PolicyNotExpressible(
                f'{where} is {{"AWS": "*"}}: answers write a wildcard principal as "*"'
            )
        return principals
    raise PolicyNotExpressible(
        f"{where} is {preview(value)}: answers take only AWS principals (IAM ARNs, account ids) "
        'or "*"'
    )


def _functions(resources: list[str], where: str) -> list[str]:
    """Resources back to answers' functions: an unqualified ARN listed with its `:*` form is one
    function (tfgen adds the `:*` itself); anything else is kept as written."""
    present = set(resources)
    functions = []
    for resource in resources:
        if resource.endswith(":*") and resource[:-2] in present:
            continue
        if not resource.endswith(":*") and f"{resource}:*" not in present and ":" in resource:
            unqualified = resource.count(":") == 6
            if unqualified:
                raise PolicyNotExpressible(
                    f"{where} lists {resource} without {resource}:* (tfgen always adds the "
                    "qualified form, AWS's guide needs both): the policy would change"
                )
        functions.append(resource)
    return functions


def _conditions(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise PolicyNotExpressible(f"{where} is {preview(value)}: not a condition block")
    conditions: dict[str, dict[str, Any]] = {}
    for operator, pairs in value.items():
        conditions[operator] = {}
        for key, values in pairs.items():
            items = _strings(values, f"{where}.{operator}.{key}")
            conditions[operator][key] = values if isinstance(values, str) else items
    return conditions


def statement_answers(statement: Any, where: str) -> dict[str, Any]:
    if not isinstance(statement, dict):
        raise PolicyNotExpressible(f"{where} is {preview(statement)}: not a statement object")
    extra = sorted(set(statement) - set(STATEMENT_KEYS))
    if extra:
        raise PolicyNotExpressible(
            f"{where} uses {', '.join(extra)}: answers take only {', '.join(STATEMENT_KEYS)}"
        )
    for required in ("Effect", "Principal", "Action", "Resource"):
        if required not in statement:
            raise PolicyNotExpressible(f"{where} has no {required}: answers always write one")
    data: dict[str, Any] = {}
    if "Sid" in statement:
        data["sid"] = statement["Sid"]
    data["effect"] = statement["Effect"]
    data["principals"] = _principals(statement["Principal"], f"{where}.Principal")
    data["actions"] = _strings(statement["Action"], f"{where}.Action")
    data["functions"] = _functions(
        _strings(statement["Resource"], f"{where}.Resource"), f"{where}.Resource"
    )
    if "Condition" in statement:
        data["conditions"] = _conditions(statement["Condition"], f"{where}.Condition")
    return data


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json.loads' object hook: a key given twice is an error (json keeps the last one)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


def policy_answers(text: str | None) -> tuple[dict[str, Any], list[str]]:
    """The `policy:` section for a policy document as AWS returns it, and warnings."""
    if text is None or not text.strip():
        # An interface endpoint without a policy document has AWS's full-access default.
        return {"full_access": True}, [FULL_ACCESS_WARNING]
    try:
        document = json.loads(text, object_pairs_hook=_unique_keys)
    except DuplicateKey as error:
        raise PolicyNotExpressible(
            f"the policy document has the key {preview(error.key)} twice in one object: IAM "
            "and a JSON reader may each take another value (refused, not guessed)"
        ) from None
    except ValueError:
        raise PolicyNotExpressible("the policy is not JSON") from None
    if not isinstance(document, dict):
        raise PolicyNotExpressible("the policy is not a JSON object")
    if is_full_access(document):
        return {"full_access": True}, [FULL_ACCESS_WARNING]
    extra = sorted(set(document) - {"Version", "Statement"})
    if extra:
        raise PolicyNotExpressible(f"the policy has {', '.join(extra)}: answers cannot write it")
    version = document.get("Version")
    if version is not None and version not in VERSIONS:
        raise PolicyNotExpressible(f"Version {preview(version)} is not {' or '.join(VERSIONS)}")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise PolicyNotExpressible("the policy has no statements")
    section: dict[str, Any] = {"version": version}
    section["statements"] = [
        statement_answers(statement, f"Statement[{index}]")
        for index, statement in enumerate(statements)
    ]
    if any(
        "*" in value or "?" in value
        for statement in section["statements"]
        for field in ("principals", "actions", "functions")
        for value in statement[field]
    ):
        section["allow_wildcards"] = True
    return section, []


FULL_ACCESS_WARNING = (
    "policy: the endpoint has AWS's default full-access policy; kept as full_access: true "
    "(any principal may call any Lambda action through it): write statements to narrow it"
)


def _as_set(value: Any) -> frozenset[Any] | None:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in items):
        return None
    return frozenset(items) if len(set(items)) == len(items) else None


def _principal_key(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return tuple(sorted((k, _as_set(v)) for k, v in value.items()))
    return None


def _statement_key(statement: dict[str, Any]) -> Any:
    conditions = statement.get("Condition") or {}
    return (
        statement.get("Sid"),
        statement.get("Effect"),
        _principal_key(statement.get("Principal")),
        _as_set(statement.get("Action")),
        _as_set(statement.get("Resource")),
        tuple(
            sorted(
                (op, tuple(sorted((k, _as_set(v)) for k, v in pairs.items())))
                for op, pairs in conditions.items()
            )
        ),
        tuple(sorted(set(statement) - set(STATEMENT_KEYS))),
    )


def equivalent(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Same policy as IAM (and the AWS provider's diff) reads it: a lone string equals a
    one-item list, list order inside an element does not matter, everything else does."""
    if set(ours) != set(theirs) or ours.get("Version") != theirs.get("Version"):
        return False

    def statements(document: dict[str, Any]) -> list[Any]:
        value = document.get("Statement")
        return [value] if isinstance(value, dict) else list(value or [])

    left, right = statements(ours), statements(theirs)
    if len(left) != len(right):
        return False
    return all(
        isinstance(a, dict) and isinstance(b, dict) and _statement_key(a) == _statement_key(b)
        for a, b in zip(left, right, strict=True)
    )


def check_round_trip(
    policy: EndpointPolicy, rendered: dict[str, Any] | None, text: str | None
) -> None:
    """The safety net: what tfgen will render must be the policy AWS has."""
    if policy.full_access:
        return
    original = json.loads(text or "{}", object_pairs_hook=_unique_keys)
    if rendered is not None and equivalent(rendered, original):
        return
    ours, theirs = _statements(rendered or {}), _statements(original)
    if len(ours) != len(theirs):
        reason = (
            f"tfgen would render {len(ours)} statements for the policy's {len(theirs)} "
            "(actions that take no function ARN get a statement of their own with "
            'Resource "*")'
        )
    else:
        index = next((i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b), 0)
        compact = json.dumps(ours[index] if ours else None, separators=(",", ":"))
        reason = f"Statement[{index}] would render as {preview(compact)}"
    raise PolicyNotExpressible(reason)


def _statements(document: dict[str, Any]) -> list[Any]:
    value = document.get("Statement")
    return [value] if isinstance(value, dict) else list(value or [])
