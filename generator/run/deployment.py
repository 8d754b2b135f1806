"""One answers file -> a deployment root (deployments/<name>/) that calls the shared module
(modules/lambda-endpoint/): rendered, verified, scanned together in a staging tree, then
written. In the root, tfgen writes and removes only its own files (the manifest lists them);
every other file there is the user's and stays as it is."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator import __version__
from generator.answers.model import Answers
from generator.core.errors import UsageError
from generator.core.files import is_terraform_working_file, refuse_links_leaving, write_text_atomic
from generator.core.findings import Finding
from generator.core.layout import MANIFEST_FILE
from generator.moduledir.write import (
    manifest_json,
    read_manifest,
    read_module_file,
    sha256_text,
    target_lock,
    write_files,
)
from generator.plan.deployment import DeploymentPlan, plan_deployment
from generator.render.deployment import render_deployment
from generator.run.compare import DriftReport, compare_module
from generator.run.module import (
    DEFAULT_OPTIONS,
    RunOptions,
    RunResult,
    answers_for_target,
    relative_source,
    scan_folder,
)
from generator.run.shared import shared_module_files, write_shared_module

DEPLOYMENT_KIND = "deployment"


def is_deployment(folder: Path) -> bool:
    manifest = read_manifest(folder)
    return manifest is not None and manifest.get("kind") == DEPLOYMENT_KIND


def layout_of(
    layout: str | None,
    answers: Answers | None,
    output: Path | None,
    deployments_root: Path,
) -> str:
    """The layout a render uses: the one asked for; else the layout of what is already at the
    target (`output`, or `deployments_root/<name>` when no output is named: a render keeps a
    deployment a deployment); else deployment when the answers name where the shared module is
    (`deployment:`); else the module layout of 0.2."""
    if layout is not None:
        return layout
    if output is not None:
        return "deployment" if is_deployment(output) else "module"
    if answers is not None and (
        answers.deployment is not None or is_deployment(deployments_root / answers.name)
    ):
        return "deployment"
    return "module"


def holds_deployments(root: Path) -> bool:
    """Whether a batch's output root already holds deployment roots."""
    return root.is_dir() and any(is_deployment(child) for child in sorted(root.iterdir()))


def relative_module(root: Path, module_dir: Path) -> str:
    """The shared module's folder as the root's module source names it (posix, ./ or ../)."""
    relative = Path(os.path.relpath(os.path.abspath(module_dir), os.path.abspath(root)))
    text = relative.as_posix()
    return text if text.startswith("../") else f"./{text}"


def deployment_files(plan: DeploymentPlan, migrated: str | None = None) -> dict[str, str]:
    """Every file tfgen owns in the root, manifest included (`migrated`: the version of the
    0.2 module it took over, recorded so that re-renders keep the moves)."""
    files = render_deployment(plan)
    manifest: dict[str, Any] = {
        "kind": DEPLOYMENT_KIND,
        **({"migrated_from": migrated} if migrated else {}),
        "tfgen_version": __version__,
        "answers_sha256": plan.answers.digest(),
        **({"answers_source": plan.module.source} if plan.module.source else {}),
        "module_source": plan.module_source,
        "files": {name: sha256_text(text) for name, text in sorted(files.items())},
    }
    files[MANIFEST_FILE] = manifest_json(manifest)
    return files


def migrated_from(root: Path) -> str | None:
    """The tfgen version of the 0.2 module whose state the root took over (its manifest)."""
    manifest = read_manifest(root) if root.is_dir() else None
    value = (manifest or {}).get("migrated_from")
    return value if isinstance(value, str) else None


def plan_for_root(
    answers: Answers,
    root: Path,
    module_dir: Path,
    source: Path | None,
    migrated: str | None = None,
) -> DeploymentPlan:
    """The root's plan; its moved blocks stay while its manifest says it was migrated (or
    `migrated` names the version it is being migrated from)."""
    return plan_deployment(
        answers,
        relative_module(root, module_dir),
        relative_source(source, root),
        migrated=(migrated or migrated_from(root)) is not None,
    )


def root_files(
    answers: Answers,
    root: Path,
    module_dir: Path,
    source: Path | None,
    migrated: str | None = None,
) -> tuple[DeploymentPlan, dict[str, str]]:
    """The plan and every tfgen file of the root (the migration carried over from its
    manifest unless `migrated` names it)."""
    migrated = migrated or migrated_from(root)
    plan = plan_for_root(answers, root, module_dir, source, migrated)
    return plan, deployment_files(plan, migrated)


def verify(plan: DeploymentPlan, files: dict[str, str]) -> list[Finding]:
    from generator.run.shared import shared_module_findings
    from generator.verify.deployment import verify_deployment

    return [*shared_module_findings(), *verify_deployment(plan, files, shared_module_files())]


def user_files(root: Path, owned: set[str]) -> list[Path]:
    """The root's files that are not tfgen's (the user's own), Terraform's working files aside."""
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_file() and relative not in owned and not is_terraform_working_file(relative):
            found.append(path)
    return found


def check_root(root: Path, owned: set[str], force: bool) -> dict[str, Any] | None:
    """The root's manifest (None for a new root). A folder that is not a tfgen deployment is
    refused when it holds a file tfgen would write (unless forced); the user's other files
    are welcome."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    if root.is_symlink():
        raise UsageError(f"{root} is a symbolic link; give the real folder")
    manifest = read_manifest(root) if root.is_dir() else None
    if manifest is not None and manifest.get("kind") != DEPLOYMENT_KIND:
        if not force:
            raise UsageError(
                f"{root} holds a tfgen module of another layout: render the deployment into a "
                "new folder (see docs/layout.md, Migrating), or use --force"
            )
        return None
    if manifest is None and not force:
        clash = sorted(name for name in owned if (root / name).exists())
        if clash:
            raise UsageError(
                f"{root} is not a tfgen deployment and already holds {', '.join(clash)}: "
                "tfgen would overwrite them; move them or use --force"
            )
    return manifest


def render_deployment_to_folder(
    answers: Answers,
    root: Path,
    module_dir: Path,
    options: RunOptions = DEFAULT_OPTIONS,
    source: Path | None = None,
    migrated: str | None = None,
) -> RunResult:
    """Render the root and the shared module, verify both, scan them together (the root's
    own files included) in a staging tree, and only then write: the shared module (when the
    root uses the local path), then the root's tfgen files. Nothing is written on a finding."""
    shown = str(root)
    root = Path(os.path.abspath(root))
    try:
        with target_lock(root):
            module = Path(os.path.abspath(module_dir))
            return _render(answers, root, module, options, source, shown, migrated)
    except OSError as error:
        raise UsageError(f"cannot write {error.filename or root}: {error.strerror}") from None


def _render(
    answers: Answers,
    root: Path,
    module_dir: Path,
    options: RunOptions,
    source: Path | None,
    shown: str,
    migrated: str | None = None,
) -> RunResult:
    if root.is_dir():
        refuse_links_leaving(root)
    carried, upgrade = answers_for_target(answers, root, options.drop_retired, options.force)
    plan, files = root_files(carried, root, module_dir, source, migrated)
    previous = check_root(root, set(files), options.force)
    result = RunResult(
        carried.name,
        shown,
        files=sorted(files),
        findings=verify(plan, files),
        warnings=[*plan.warnings, *upgrade],
    )
    if result.findings:
        return result
    local = not plan.module_source.startswith("git::")
    if options.scan:
        with tempfile.TemporaryDirectory(prefix=".tfgen-scan-") as scratch:
            tree = stage_tree(Path(scratch), root, module_dir, files, local)
            scan = scan_folder(tree, options.checkov, cache=options.cache)
            result.scan = rebased(scan, tree, root, module_dir) if local else scan
            result.findings = result.scan.findings + tfgen_skips(
                result.scan, plan, root, module_dir, files
            )
        if result.findings:
            return result
    if local:
        write_shared_module(module_dir, force=options.force)
    result.change = write_owned(root, files, previous)
    result.written = True
    return result


def rebased(report: Any, tree: Path, root: Path, module_dir: Path) -> Any:
    """A scan of a staging tree with each finding's file relative to the root, as the reports
    name files (the shared module's as ../../modules/lambda-endpoint/main.tf)."""
    from dataclasses import replace as copy_with

    common = Path(os.path.commonpath([root, module_dir]))
    staged_root = tree / root.relative_to(common)
    report.findings = [
        copy_with(finding, file=Path(os.path.relpath(tree / finding.file, staged_root)).as_posix())
        for finding in report.findings
    ]
    report.skips = [
        {**skip, "file": Path(os.path.relpath(tree / skip["file"], staged_root)).as_posix()}
        if skip.get("file")
        else skip
        for skip in report.skips
    ]
    return report


def tfgen_skips(
    report: Any, plan: DeploymentPlan, root: Path, module_dir: Path, owned: Iterable[str]
) -> list[Finding]:
    """The checks checkov skipped in tfgen's files (the root's and the shared module's, as a
    rebased report names them) without a skip of the plan; a skip in the user's files is theirs."""
    from generator.verify.skips import unexpected_skips

    shared = {
        Path(os.path.relpath(module_dir / name, root)).as_posix() for name in shared_module_files()
    }
    return unexpected_skips(report.skips, plan.skips, {*owned, *shared})


def stage_tree(
    scratch: Path,
    root: Path,
    module_dir: Path,
    files: dict[str, str],
    local: bool,
    module: dict[str, str] | None = None,
) -> Path:
    """A copy of what the scan must see, laid out as on disk: the root (its user files too)
    and the shared module at the same relative path (`module`: its files, default the ones
    this tfgen renders); the folder to scan (their common parent, which checkov needs to
    follow the module source)."""
    common = Path(os.path.commonpath([root, module_dir])) if local else root
    staged_root = scratch / "tree" / root.relative_to(common)
    for path in user_files(root, set(files)):
        relative = path.relative_to(root)
        if relative.suffix in (".tf", ".tfvars", ".json") or relative.name.endswith(".tf.json"):
            target = staged_root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    write_files(staged_root, files)
    if local:
        # the module's code only: its examples call it too, and checkov reports one result
        # per module resource address, which an example's call could stand for
        code = {
            name: text
            for name, text in (shared_module_files() if module is None else module).items()
            if not name.startswith(("examples/", "tests/"))
        }
        write_files(scratch / "tree" / module_dir.relative_to(common), code)
    return scratch / "tree"


def write_owned(root: Path, files: dict[str, str], previous: dict[str, Any] | None) -> str:
    """Write tfgen's files into the root, each atomically, the manifest last; remove the files
    the previous render wrote that this one does not; never touch any other file. `created`
    (no deployment there before), `changed` or `unchanged`."""
    root.mkdir(parents=True, exist_ok=True)
    changed = False
    for name in [*sorted(set(files) - {MANIFEST_FILE}), MANIFEST_FILE]:
        path = root / name
        if path.is_file() and read_module_file(path) == files[name].encode("utf-8"):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, files[name])
        changed = True
    for name in sorted(set((previous or {}).get("files", {})) - set(files)):
        if (root / name).is_file():
            (root / name).unlink()
            changed = True
    if previous is None:
        return "created"
    return "changed" if changed else "unchanged"


def folder_module_dir(root: Path) -> Path:
    """The shared module folder a root's manifest names as its local source (the default
    layout's when it names a git source or none)."""
    manifest = read_manifest(root) or {}
    named = manifest.get("module_source")
    if isinstance(named, str) and named.startswith(("./", "../")) and "//" not in named:
        return Path(os.path.normpath(root / named))
    return Path(os.path.normpath(root / "../../modules/lambda-endpoint"))


def expected_deployment(root: Path) -> tuple[DeploymentPlan, dict[str, bytes]]:
    """What a render of the root's answers (its source, else its record) would write there."""
    from generator.run.module import folder_answers

    answers, source, _warnings = folder_answers(root)
    plan, files = root_files(answers, root, folder_module_dir(root), source)
    return plan, {name: text.encode("utf-8") for name, text in files.items()}


def check_deployment(root: Path) -> DriftReport:
    """Drift of a deployment root: its tfgen files only; the user's files are never reported."""
    from generator.run.compare import UPGRADE, FileDrift
    from generator.run.shared import shared_module_version

    plan, expected = expected_deployment(root)
    report = compare_module(root, plan.answers.name, expected, owned=set(expected))
    module_dir = folder_module_dir(root)
    shared = shared_module_version(module_dir) if module_dir.is_dir() else None
    if shared is not None and report.rendered_by is not None and shared != report.rendered_by:
        report.drift.append(
            FileDrift(
                ".",
                "version mismatch",
                f"rendered by tfgen {report.rendered_by}, but its shared module {module_dir} "
                f"by tfgen {shared}: render both with one tfgen\n",
                UPGRADE,
            )
        )
    return report


def fix_deployment(root: Path, options: RunOptions = DEFAULT_OPTIONS) -> bool:
    """Render the root again from its answers (verified and scanned); True when written."""
    from generator.run.module import folder_answers

    answers, source, _warnings = folder_answers(root)
    result = render_deployment_to_folder(
        answers, root, folder_module_dir(root), replace(options, force=True), source
    )
    return result.written


def validate_deployment(root: Path, options: RunOptions = DEFAULT_OPTIONS) -> RunResult:
    """`tfgen validate` of a deployment root: its tfgen files as on disk, verified against its
    answers (and against what they render), then scanned with the shared module and the
    user's own files, as a render scans them. Writes nothing."""
    from generator.run.module import folder_answers

    shown, root = str(root), Path(os.path.abspath(root))
    refuse_links_leaving(root)
    answers, source, warnings = folder_answers(root)
    module_dir = folder_module_dir(root)
    plan, expected = root_files(answers, root, module_dir, source)
    on_disk = {
        name: read_module_file(root / name).decode("utf-8", "replace")
        for name in expected
        if (root / name).is_file()
    }
    report = compare_module(
        root,
        answers.name,
        {name: text.encode("utf-8") for name, text in expected.items()},
        owned=set(expected),
    )
    result = RunResult(
        answers.name, shown, files=sorted(on_disk), warnings=[*warnings, *plan.warnings]
    )
    result.findings = verify(plan, on_disk) + [
        Finding("verify", item.path, f"{item.kind}: differs from what its answers render")
        for item in report.drift
    ]
    if options.scan:
        local = not plan.module_source.startswith("git::")
        with tempfile.TemporaryDirectory(prefix=".tfgen-scan-") as scratch:
            tree = stage_tree(Path(scratch), root, module_dir, on_disk, local)
            scan = scan_folder(tree, options.checkov, cache=options.cache)
            result.scan = rebased(scan, tree, root, module_dir) if local else scan
        result.findings += result.scan.findings
        result.findings += tfgen_skips(result.scan, plan, root, module_dir, on_disk)
    return result


def render_deployments(
    sources: list[Path],
    out_root: Path,
    module_dir: Path,
    options: RunOptions = DEFAULT_OPTIONS,
    progress: Any = None,
) -> list[Any]:
    """A batch in the deployment layout: each answers file into out_root/<name>, one after
    another (each verified and scanned with the shared module, which the first one writes);
    an answers file that fails stops only itself. Two answers files naming one root: the
    second is refused."""
    from generator.answers.load import load_answers
    from generator.core.errors import TfgenError
    from generator.run.batch import BatchItem

    items: list[BatchItem] = []
    seen: dict[str, Path] = {}
    for source in sources:
        note = progress or (lambda _source, _event: None)
        try:
            answers = load_answers(source)
            if answers.name in seen:
                raise UsageError(f"{source}: name {answers.name!r} is also {seen[answers.name]}'s")
            seen[answers.name] = source
            result = render_deployment_to_folder(
                answers, out_root / answers.name, module_dir, options, source
            )
            items.append(BatchItem(str(source), result=result))
            note(str(source), "written" if result.written else "verify failed")
        except TfgenError as error:
            items.append(BatchItem(str(source), error=error))
            note(str(source), "error")
    return items


def scan_deployment(root: Path, executable: Path, checks: list[str] | None = None) -> Any:
    """checkov over a deployment root as Terraform reads it: its files as on disk, with the
    shared module its manifest names at the same relative path (scanning the root alone
    would leave the module call unresolved, and the pack's checks with nothing to read)."""
    from generator.scan.checkov import run_checkov

    root = Path(os.path.abspath(root))
    refuse_links_leaving(root)
    manifest = read_manifest(root) or {}
    owned = {
        name: read_module_file(root / name).decode("utf-8", "replace")
        for name in manifest.get("files", {})
        if (root / name).is_file()
    }
    module_dir = folder_module_dir(root)
    local = module_dir.is_dir() and not str(manifest.get("module_source", "")).startswith("git::")
    # the module as it is on disk, not as this tfgen renders it
    on_disk = (
        {
            path.relative_to(module_dir).as_posix(): read_module_file(path).decode(
                "utf-8", "replace"
            )
            for path in module_dir.rglob("*.tf")
            if ".terraform" not in path.parts
        }
        if local
        else None
    )
    with tempfile.TemporaryDirectory(prefix=".tfgen-scan-") as scratch:
        staged = stage_tree(Path(scratch), root, module_dir, owned, local, on_disk)
        report = run_checkov([staged], executable, checks)
        return rebased(report, staged, root, module_dir) if local else report
