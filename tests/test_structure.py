"""The shape of the library itself: stages import one way (no cycles, even through imports
inside functions), and no stage reaches back into a later one."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "generator"


def module_name(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")


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
    functions (`from generator import x` counts when x is a module); imports under
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


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.glob("*.py")}
    known = set(files)
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


def test_no_import_cycle_among_generator_modules():
    graph = import_graph()
    assert {"answers", "load", "rules", "render", "verify", "write"} <= set(graph)
    assert cycles(graph) == []


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
    assert graph["answers"] <= {"errors", "fields"}
    assert graph["fields"] <= {"errors", "regions"}
    assert "answers" in graph["load"] and "rules" in graph["load"]


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
    assert "plan" in graph["verify"]
    assert "render" not in reachable(graph, "verify")
    assert "render" not in reachable(graph, "plan")


MAX_LINES = 500


def library_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_library_file_says_its_one_job_and_stays_short():
    for path in library_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(REPO)} has no module docstring"
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_LINES, f"{path.relative_to(REPO)}: {lines} lines"
