"""The tests of tests/unit/test_write.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.run import module as pipeline
from generator.run.module import RunOptions, render_to_folder
from tests.unit.test_write import (  # noqa: F401
    modes,
    snapshot,
    umask_022,
)


@pytest.mark.parametrize("stage", ["render", "verify", "write", "scan", "commit"])
def test_a_run_killed_at_any_stage_keeps_the_previous_module(
    stage: str, example_answers, tmp_path: Path, monkeypatch
):
    import generator.moduledir.write as write

    target = tmp_path / "out"
    assert render_to_folder(example_answers, target, RunOptions(scan=False)).written
    before = snapshot(target)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt(f"killed during {stage}")

    if stage == "write":  # die after the first file of the staged copy is written
        real_open = open
        calls = []

        def dying_open(path, *args, **kwargs):
            calls.append(path)
            if len(calls) > 1:
                raise KeyboardInterrupt("killed during write")
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr("builtins.open", dying_open)
    elif stage == "commit":  # die between the two renames of the swap
        real_rename = os.rename

        def dying_rename(source, destination):
            if ".tfgen-old-" not in str(destination) and ".tfgen-old-" not in str(source):
                raise KeyboardInterrupt("killed during commit")
            return real_rename(source, destination)

        monkeypatch.setattr(write.os, "rename", dying_rename)
    else:
        module, name = {
            "render": (pipeline, "render_plan"),
            "verify": (pipeline, "verify_plan"),
            "scan": (pipeline, "scan_folder"),
        }[stage]
        monkeypatch.setattr(module, name, killed)
    with pytest.raises(KeyboardInterrupt):
        render_to_folder(example_answers, target, RunOptions(scan=True))
    monkeypatch.undo()
    assert snapshot(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "temp folders left behind"
