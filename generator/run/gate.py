"""The gate: every answers file rendered in memory and compared with the committed modules,
nothing written (`tfgen check --answers DIR`, `tfgen render --check`).

It fails (exit 1, a unified diff per file) when a committed file differs from what its
answers render, when an answers file has no committed module, when two answers files name
one module, and when a folder under the modules root holds Terraform files that no answers
file renders (a module without answers or manifest). A shard renders only its share of the
answers files, but the duplicate and missing/extra checks always see the whole set.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.errors import TfgenError, UsageError
from generator.core.files import is_terraform_working_file, walk
from generator.run.compare import HAND_EDIT, DriftReport, FileDrift, compare_module

if TYPE_CHECKING:  # loading answers is imported where it runs: `tfgen check` may not need it
    from generator.answers.model import Answers

TERRAFORM_FILE_SUFFIXES = (".tf", ".tf.json")


def gate_sources(paths: list[Path], shard: str | None) -> tuple[list[Path], list[Path] | None]:
    """The answers files named (a folder: its *.yaml, *.yml, *.json) and the shard of them to
    compare (None: all). UsageError when there are none."""
    from generator.run.batch import expand_sources, parse_shard, select_shard

    sources = expand_sources(paths)
    if not sources:
        shown = " ".join(str(path) for path in paths)
        raise UsageError(f"{shown}: no answers files (*.yaml, *.yml, *.json)")
    return sources, select_shard(sources, *parse_shard(shard)) if shard else None


def expected_files(answers: Answers, target: Path, source: Path) -> dict[str, bytes]:
    """What `tfgen render SOURCE -o TARGET` would write there now (retired peers carried over
    from the module's record, as a render does)."""
    from generator.run.module import answers_for_target, relative_source, rendered_files

    carried, _warnings = answers_for_target(answers, target, drop_retired=False, force=True)
    files = rendered_files(carried, relative_source(source, target))
    return {name: text.encode("utf-8") for name, text in files.items()}


def expected_deployment_files(
    answers: Answers, root: Path, module_dir: Path, source: Path
) -> dict[str, bytes]:
    """What `tfgen render SOURCE --layout deployment -o ROOT` would write there now."""
    from generator.run.deployment import root_files
    from generator.run.module import answers_for_target

    carried, _warnings = answers_for_target(answers, root, drop_retired=False, force=True)
    _plan, files = root_files(carried, root, module_dir, source)
    return {name: text.encode("utf-8") for name, text in files.items()}


def check_sources(
    sources: list[Path],
    modules_root: Path,
    selected: list[Path] | None = None,
    whole_set: bool = True,
    module_dir: Path | None = None,
) -> tuple[list[DriftReport], list[tuple[str, TfgenError]]]:
    """The gate over answers files: (one report per module or problem, answers that fail to
    load). `selected`: the shard to compare (default: all); `whole_set`: also report folders
    under the root that no answers file renders. `module_dir`: the answers render as
    deployment roots under `modules_root` that call the shared module there (checked too)."""
    from generator.answers.load import load_answers

    if modules_root.exists() and not modules_root.is_dir():
        raise UsageError(f"{modules_root}: the modules root is not a folder")
    loaded: dict[Path, Answers] = {}
    errors: list[tuple[str, TfgenError]] = []
    for source in sources:
        try:
            loaded[source] = load_answers(source)
        except TfgenError as error:
            errors.append((str(source), error))
    owners: dict[str, list[Path]] = {}
    for source, answers in loaded.items():
        owners.setdefault(answers.name, []).append(source)
    reports: list[DriftReport] = []
    for name, named in sorted(owners.items()):
        if len(named) > 1:
            reports.append(duplicate_report(name, modules_root / name, named))
    chosen = set(sources if selected is None else selected)
    for source, answers in loaded.items():
        if source not in chosen or len(owners[answers.name]) > 1:
            continue
        target = modules_root / answers.name
        if module_dir is not None:
            expected = expected_deployment_files(answers, target, module_dir, source)
            report = compare_module(target, answers.name, expected, owned=set(expected))
        else:
            report = compare_module(target, answers.name, expected_files(answers, target, source))
        if not target.is_dir():
            report.missing_module = str(source)
        reports.append(report)
    if whole_set:
        reports += unrendered_folders(modules_root, set(owners))
    if module_dir is not None and not (whole_set and module_dir.parent == modules_root):
        from generator.run.shared import expected_shared_files

        reports.append(compare_module(module_dir, module_dir.name, expected_shared_files()))
    return reports, errors


def duplicate_report(name: str, target: Path, sources: list[Path]) -> DriftReport:
    listed = ", ".join(str(source) for source in sources)
    report = DriftReport(name, str(target))
    report.drift.append(
        FileDrift(".", "duplicate name", f"module name {name!r} is named by {listed}\n", HAND_EDIT)
    )
    return report


def unrendered_folders(root: Path, names: set[str]) -> list[DriftReport]:
    """Folders under root holding Terraform files that no answers file renders into."""
    from generator.run.shared import expected_shared_files, is_shared_module

    if not root.is_dir():
        return []
    found = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        if folder.name in names or folder.name.startswith("."):
            continue
        if is_shared_module(folder):
            # the deployments' shared module: held to what this tfgen renders, byte for byte
            found.append(compare_module(folder, folder.name, expected_shared_files()))
            continue
        terraform = [
            relative
            for relative, path in walk(folder)
            if relative.endswith(TERRAFORM_FILE_SUFFIXES)
            and not is_terraform_working_file(relative)
            and path.is_file()
        ]
        if terraform:
            report = DriftReport(folder.name, str(folder))
            report.drift.append(
                FileDrift(
                    ".",
                    "no answers",
                    f"{len(terraform)} Terraform file(s) ({', '.join(terraform[:3])}) that no "
                    "answers file renders: add its answers file or remove the folder\n",
                    HAND_EDIT,
                )
            )
            found.append(report)
    return found
