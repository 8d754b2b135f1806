"""The script tfgen runs in checkov's own Python (`python -c <this file's text>`): checkov's CLI,
unchanged in what it checks and reports, minus costs that are the same on every run.

It is never imported by tfgen (checkov lives in another environment; see checkov.py), so it
imports nothing from tfgen. It imports checkov before the folder exists, reads its command line
(executable first) as one JSON line on stdin and runs `checkov.main.Checkov` with it, as the
console script would. An empty line (nothing to scan) ends it quietly.

What it saves, each a memo of a pure function or a start-up cost, so a report's checks, results,
files, resources and lines equal plain `checkov`'s (tests/integration/test_scan.py compares them
on the benchmark's modules):

- the cyclic collector is off while checkov is imported (about 4,000 modules, a fifth of the
  import) and frozen afterwards, and the process leaves with os._exit once its report is out
  (tearing down checkov's objects took about 0.5 s for one module);
- checkov's HCL parse (bc-python-hcl2, pure Python) is remembered by file text: a batch of
  tfgen modules holds few distinct texts of versions.tf, variables.tf, outputs.tf and main.tf;
  each use gets its own copy (checkov edits what it parsed);
- the asteval interpreter checkov builds for every expression it evaluates (tens of thousands
  per batch) is built once per thread and reset to a new one's state before each use;
- bc_jsonpath_ng's PLY parser tables, built again for every jsonpath expression, are built
  once per parser class and thread.

A patch whose target is not what it expects (another checkov version) is left out: the scan
is then only slower. checkov's own `CHECKOV_*`/`LOG_LEVEL` settings apply as usual.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import sys
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any, TextIO


def _memo_hcl_parse() -> None:
    from checkov.terraform import parser_utils  # type: ignore[import-not-found]

    real = parser_utils.hcl2
    if not callable(getattr(real, "loads", None)):
        return
    memo: dict[str, bytes] = {}
    lock = threading.Lock()

    class Hcl2:
        """hcl2 with `load` remembered by text (hcl2.load is `loads(file.read())`)."""

        def load(self, handle: TextIO) -> Any:
            text = handle.read()
            with lock:
                hit = memo.get(text)
            if hit is None:
                hit = pickle.dumps(real.loads(text), pickle.HIGHEST_PROTOCOL)
                with lock:
                    memo[text] = hit
            return pickle.loads(hit)

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

    parser_utils.hcl2 = Hcl2()


_FRESH: tuple[tuple[str, Callable[[], Any]], ...] = (
    ("error", list),
    ("error_msg", lambda: None),
    ("expr", lambda: None),
    ("retval", lambda: None),
    ("_interrupt", lambda: None),
    ("_calldepth", lambda: 0),
    ("lineno", lambda: 0),
    ("code_text", list),
    ("start_time", time.time),
)


def _reuse_asteval() -> None:
    from checkov.terraform.graph_builder.variable_rendering import (  # type: ignore[import-not-found]
        safe_eval_functions as module,
    )

    make = getattr(module, "get_asteval", None)
    probe = make() if callable(make) else None
    if make is None or probe is None or not all(hasattr(probe, name) for name, _ in _FRESH):
        return
    local = threading.local()

    def get_asteval() -> Any:
        interpreter = getattr(local, "interpreter", None)
        if interpreter is None:
            interpreter = local.interpreter = make()
            return interpreter
        for name, fresh in _FRESH:  # what Interpreter.__init__ sets, as it sets it
            setattr(interpreter, name, fresh())
        return interpreter

    module.get_asteval = get_asteval


def _reuse_jsonpath_tables() -> None:
    import ply.yacc as ply_yacc  # type: ignore[import-not-found]
    from bc_jsonpath_ng import parser as jsonpath  # type: ignore[import-not-found]

    if getattr(jsonpath, "ply", None) is None or not hasattr(jsonpath, "JsonPathParser"):
        return
    real = ply_yacc.yacc
    local = threading.local()

    def yacc(*args: Any, **options: Any) -> Any:
        owner = options.get("module")
        if args or not isinstance(owner, jsonpath.JsonPathParser):
            return real(*args, **options)
        built = local.__dict__.setdefault("built", {})
        key = (type(owner), options.get("start"), options.get("debug"), options.get("tabmodule"))
        if key not in built:
            built[key] = real(*args, **options)
        return built[key]

    ply_yacc.yacc = yacc  # bc_jsonpath_ng calls ply.yacc.yacc(...) each parse


PATCHES = (_memo_hcl_parse, _reuse_asteval, _reuse_jsonpath_tables)


def main() -> None:
    gc.disable()  # while checkov is imported
    from checkov.main import Checkov  # type: ignore[import-not-found]

    for patch in PATCHES:
        if os.environ.get("TFGEN_CHECKOV_PLAIN"):
            break
        with contextlib.suppress(Exception):  # another checkov: run it as it is
            patch()
    gc.freeze()  # what the import made is never garbage
    gc.set_threshold(50_000, 20, 100)
    gc.enable()

    line = sys.stdin.readline()
    if not line.strip():
        os._exit(0)
    sys.argv = json.loads(line)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=SyntaxWarning)
        try:
            code = Checkov(argv=sys.argv[1:]).run()
        except SystemExit as done:
            code = done.code
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


if __name__ == "__main__":
    main()
