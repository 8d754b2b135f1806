"""The endpoint policy's statements as the README states them, decided in the plan: function
names resolved to ARNs, actions split by whether AWS authorizes them on a function."""

from __future__ import annotations

from dataclasses import dataclass

from generator.answers.model import Answers
from generator.answers.policy import FUNCTION_ARN_RE, function_arn, split_actions


@dataclass(frozen=True)
class StatementPlan:
    """One statement of the answers' policy, as plain facts for the README's words."""

    effect: str
    principals: tuple[str, ...]
    scoped_actions: tuple[str, ...]  # authorized on the statement's functions
    any_resource_actions: tuple[str, ...]  # authorized only on Resource "*"
    functions: tuple[str, ...]  # ARNs (bare names resolved in account_id), or "*"
    qualified: tuple[str, ...]  # of `functions`, the ones with a qualifier (`f:live`)
    has_conditions: bool


def statement_plans(answers: Answers) -> tuple[StatementPlan, ...]:
    plans = []
    for statement in answers.policy.statements:
        scoped, unscoped = split_actions(statement)
        arns = tuple(function_arn(function, answers) for function in statement.functions)
        qualified = tuple(
            arn
            for arn in arns
            if (match := FUNCTION_ARN_RE.match(arn)) is not None and match.group("qualifier")
        )
        plans.append(
            StatementPlan(
                effect=statement.effect,
                principals=tuple(statement.principals),
                scoped_actions=tuple(scoped),
                any_resource_actions=tuple(unscoped),
                functions=arns,
                qualified=qualified,
                has_conditions=bool(statement.conditions),
            )
        )
    return tuple(plans)
