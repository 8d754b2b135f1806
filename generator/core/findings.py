"""Findings: what verify and scan report about a rendered module."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Stage = Literal["verify", "schema", "scan"]


@dataclass(frozen=True, order=True)
class Finding:
    stage: Stage
    file: str
    message: str
    line: int | None = None
    check_id: str | None = None
    resource: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        code = f"{self.check_id} " if self.check_id else ""
        subject = f" [{self.resource}]" if self.resource else ""
        return f"{self.stage}: {where}: {code}{self.message}{subject}"

    def to_json(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}
