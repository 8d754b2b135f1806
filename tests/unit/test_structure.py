"""The shape of the library itself: stages import one way (no cycles, even through imports
inside functions), and no stage reaches back into a later one."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"


def module_name(path: Path) -> str:
    """generator/answers/model.py -> answers.model; a package's __init__ -> the package."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def type_checking_only(tree: ast.AST) -> set[int]:
    """ids of the nodes under `if TYPE_CHECKING:` (annotations only: never run)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            skipped |= {id(inner) for part in node.body for inner in ast.walk(part)}
    return skipped


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every generator module `path` imports when it runs: at the top level and inside
    functions (`from generator.pkg import x` counts x when it is a module); imports under
    TYPE_CHECKING are for annotations only and never run, so they do not count."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith("generator."):
                short = name.removeprefix("generator.")
                if short in known:
                    found.add(short)
    return found


def library_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in PACKAGE.rglob("*.py")
        if "policies" not in path.relative_to(PACKAGE).parts and path.name != "__main__.py"
    }


def import_graph() -> dict[str, set[str]]:
    files = library_modules()
    # a package's __init__ holds only its docstring: importing from a package is an edge to the
    # module imported, not to the package
    known = {name for name, path in files.items() if path.name != "__init__.py"}
    return {name: imported_modules(path, known) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One path per cycle found by a depth-first search (enough to name the problem)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*trail[trail.index(target) :], node, target])
            elif target not in state:
                visit(target, [*trail, node] if target != node else trail)
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return found


# The pipeline's stages, in order: a package may import its own modules and those of the
# packages before it, never one after it. core and catalog are shared by every stage.
STAGES = (
    "core",
    "answers",
    "plan",
    "render",
    "verify",
    "scan",
    "moduledir",
    "run",
    "report",
    "adopt",
    "scaffold",
    "cli",
)
# Packages that share a rank: front ends over the run, which must not import one another.
PEERS = {"adopt": "scaffold", "scaffold": "adopt"}


def stage_of(module: str) -> str:
    return module.split(".")[0]


def backward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) for every import that reaches a later stage or a peer."""
    rank = {stage: index for index, stage in enumerate(STAGES)}
    rank["catalog"] = -1
    found = []
    for module, targets in graph.items():
        here = stage_of(module)
        for target in targets:
            there = stage_of(target)
            if (
                there not in rank
                or here not in rank
                or rank[there] > rank[here]
                or PEERS.get(here) == there
            ):
                found.append((module, target))
    return sorted(found)


def test_every_module_sits_in_a_stage_package():
    """No module is left at the top of generator/ (only the version lives there)."""
    for module in library_modules():
        assert module == "" or stage_of(module) in {*STAGES, "catalog"}, module


def test_no_import_cycle_among_generator_modules():
    graph = import_graph()
    assert {"answers.model", "answers.load", "answers.rules", "render.templates"} <= set(graph)
    assert {"verify.module", "moduledir.write", "run.module", "run.batch"} <= set(graph)
    assert cycles(graph) == []


def test_no_stage_imports_a_later_one():
    assert backward_imports(import_graph()) == []


def test_the_direction_check_finds_a_backward_import(tmp_path: Path):
    graph = {
        "answers.rules": {"plan.module_plan", "core.errors"},
        "adopt.command": {"scaffold.questionnaire"},
        "plan.module_plan": {"answers.model"},
    }
    assert backward_imports(graph) == [
        ("adopt.command", "scaffold.questionnaire"),
        ("answers.rules", "plan.module_plan"),
    ]


def test_the_cycle_finder_finds_cycles_through_function_level_imports(tmp_path: Path):
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom generator.b import x\n"
        "if TYPE_CHECKING:\n    from generator.c import y\n"
    )
    (tmp_path / "b.py").write_text("def f():\n    from generator import a\n")
    known = {"a", "b", "c"}
    graph = {p.stem: imported_modules(p, known) for p in tmp_path.glob("*.py")}
    assert graph == {"a": {"b"}, "b": {"a"}}
    assert cycles(graph) == [["a", "b", "a"]]


def test_the_model_knows_nothing_of_loading_or_rules():
    graph = import_graph()
    assert graph["answers.model"] <= {
        "core.errors",
        "answers.fields",
        "answers.base",
        "answers.settings",
    }
    assert graph["answers.settings"] <= {"answers.base", "answers.fields"}
    assert graph["answers.fields"] <= {"core.errors", "core.regions"}
    assert {"answers.model", "answers.rules"} <= graph["answers.load"]


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def test_verify_never_reaches_the_renderer():
    """Verify checks the files against the answers and the plan, not against render's code."""
    graph = import_graph()
    assert "plan.module_plan" in graph["verify.module"]
    for start in ("verify.module", "plan.module_plan"):
        assert not {m for m in reachable(graph, start) if stage_of(m) == "render"}, start


def test_dev_only_code_is_not_shipped():
    """The terraform runner of the tests and refresh scripts lives in tests/support."""
    assert not (PACKAGE / "tfcli.py").exists()
    assert (REPO / "tests" / "support" / "tfcli.py").is_file()
    for path in library_modules().values():
        assert "tfcli" not in path.read_text(encoding="utf-8"), path


MAX_LINES = 500


def library_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_library_file_says_its_one_job_and_stays_short():
    for path in library_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(REPO)} has no module docstring"
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_LINES, f"{path.relative_to(REPO)}: {lines} lines"


def test_the_unit_tier_imports_no_moto_checkov_or_terraform_runner():
    """tests/unit runs in this process alone (its conftest refuses processes); moto, even
    in-process, and the terraform runner belong to tests/integration."""
    for path in sorted((REPO / "tests" / "unit").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(("moto", "tests.support.realtools")), (path, name)
                assert name != "tests.support.tfcli", (path, name)


def test_render_and_docs_read_the_plan_alone():
    """Render and the README's words take what the plan decided (policy statements, import
    targets, moves, peering): nothing of the answers stage beyond the model's types."""
    graph = import_graph()
    for module in ("render.templates", "render.docs"):
        answers_stage = {m for m in graph[module] if stage_of(m) == "answers"}
        assert answers_stage <= {"answers.model"}, (module, answers_stage)
        assert "plan.imports" not in graph[module]
