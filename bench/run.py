#!/usr/bin/env python3
"""tfgen benchmark (issues 7, 18): render, verify and scan 1 to 1,000 modules, against checkov
alone.

For each N (--sizes) it writes N distinct, valid answers files (names, ids, CIDRs, regions,
policies and peers varied deterministically; about 3 in 4 have peers) into a temporary folder
and measures, --repeat times each, the median:

  (a) render only, in-process: load_answers + render_module per file, one process. The CLI
      cannot switch verify off (`tfgen render --no-scan` still verifies), so (a) and (b) run
      in a fresh Python process that imports generator (one core, import time excluded).
  (b) render + verify, in-process: load_answers + rendered_files + verify_module, one process.
  (b') `tfgen render DIR --root OUT --no-scan`: the CLI batch without the scan (parallel workers,
      verify and the atomic writes included).
  (c) `tfgen render DIR --root OUT --no-cache`: the full batch with the scan; peak memory too.
  (d) `checkov -d OUT -o json --skip-download --framework terraform`: tfgen's own checkov
      alone over the same N rendered modules, one process; (d') the same with tfgen's policy
      pack (`--external-checks-dir`), when this tfgen has one.
  (e) N separate `tfgen render one.yaml -o OUT/<name> --no-cache` processes, one after the
      other (only for N = --separate-n, 10 by default).
  (f) `tfgen check` over the N rendered, unchanged modules, checked before (each module's
      render is remembered by its inputs' hash in the cache folder, generator/run/drift.py:
      its files are compared with those checksums), and (f cold) the same with none of those
      renders remembered (the cache folder's check/ removed before each run: a CI runner
      without a restored cache), which renders each module again.

plus `tfgen --help` start-up (median of --help-runs), and (from a checkout) how long loading
refuses each file of tests/bad_answers/, 1,500 peers among them (issue 16). Every run records
the machine's load averages before and after it (other work on a shared machine distorts wall
times). Every command runs under a small wrapper process that times it and records the CPU
time of its process tree (less sensitive to other load on the machine than wall time) and its
peak memory: the largest single process (getrusage(RUSAGE_CHILDREN).ru_maxrss, exact) and, on
Linux, the sampled sum over the process tree (tfgen, its workers and checkov at once; shared
pages counted once per process, so an upper bound).

The scan cache cannot distort (c): tfgen runs with --no-cache, a private XDG_CACHE_HOME, and
TFGEN_CHECKOV set to tfgen's checkov executable (found before XDG_CACHE_HOME is replaced; an
explicit checkov is never cached either). That private cache starts as on any machine after
tfgen's first run there: one render + verify of a single module before the measurements builds
python-hcl2's parser tables and compiles the templates (about 1.5 s, once per install), so
that a size measured once does not carry that cost and a size measured three times does not
carry it only in its first run.

Only the standard library here; (a) and (b) import generator in tfgen's own Python.

    .venv/bin/python bench/run.py                       # sizes 1,10,40,100, repeat 3
    .venv/bin/python bench/run.py --quick               # sizes 1,10, repeat 1 (smoke run)
    .venv/bin/python bench/run.py --sizes 40,100,1000 --repeat-at 1000=1 --only 1000=c_full
    .venv/bin/python bench/run.py --from-json bench/results.json --markdown   # for bench/README.md
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_SIZES = (1, 10, 40, 100)
QUICK_SIZES = (1, 10)
GIB = 1024**3

# What each measurement is, in the order of the table and the JSON.
MEASUREMENTS = {
    "a_render": "(a) render only, in-process, 1 core",
    "b_render_verify": "(b) render + verify, in-process, 1 core",
    "b_cli_no_scan": "(b') tfgen render DIR --no-scan (batch CLI)",
    "c_full": "(c) tfgen render DIR --no-cache (with scan)",
    "d_checkov": "(d) checkov -d alone, one process",
    "d_checkov_pack": "(d') checkov -d alone with tfgen's policy pack (--external-checks-dir)",
    "e_separate": "(e) N separate tfgen render processes",
    "f_check_cold": "(f cold) tfgen check, N unchanged modules, none of their renders remembered",
    "f_check": "(f) tfgen check, N unchanged modules (checked before: renders remembered)",
}

# Regions with AZ ids that exist (use1-az3 is refused by tfgen, so us-east-1 is left out).
REGIONS = (
    ("us-east-2", ("use2-az1", "use2-az2", "use2-az3")),
    ("eu-west-1", ("euw1-az1", "euw1-az2", "euw1-az3")),
    ("us-west-2", ("usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4")),
    ("ap-southeast-2", ("apse2-az1", "apse2-az2", "apse2-az3")),
    ("eu-central-1", ("euc1-az1", "euc1-az2", "euc1-az3")),
)
ACTIONS = ("lambda:InvokeFunction", "lambda:GetFunction", "lambda:InvokeAsync")


# ---------------------------------------------------------------- answers files


def _hex17(*parts: object) -> str:
    return hashlib.sha256("-".join(map(str, parts)).encode()).hexdigest()[:17]


def _account(i: int, k: int = 0) -> str:
    return f"{100000000000 + i * 1009 + k * 7:012d}"


def answers_data(i: int) -> dict[str, Any]:
    """The i-th benchmark answers file: valid, distinct, deterministic. i % 4 picks the peers:
    0 none, 1 one peer in the same account, 2 one in another account and region over an
    existing connection, 3 two peers (same account with DNS; another account, new connection,
    no DNS)."""
    region, azs = REGIONS[i % len(REGIONS)]
    account = _account(i)
    subnet_count = 2 + i % 2
    data: dict[str, Any] = {
        "version": 1,
        "name": f"bench-{i:04d}",
        "region": region,
        "vpc": {"id": f"vpc-{_hex17('vpc', i)}", "cidr": f"10.{i % 256}.{(i // 256) * 64}.0/18"},
        "subnets": [
            {"id": f"subnet-{_hex17('subnet', i, k)}", "az_id": azs[(i + k) % len(azs)]}
            for k in range(subnet_count)
        ],
        "private_dns": i % 6 != 5,
        "policy": {
            "statements": [
                {
                    "sid": f"Invoke{k}",
                    "principals": [f"arn:aws:iam::{account}:role/invoker-{i}-{k}"],
                    "actions": list(ACTIONS[: 1 + (i + k) % len(ACTIONS)]),
                    "functions": [
                        f"arn:aws:lambda:{region}:{account}:function:fn-{i}-{k}-{f}"
                        for f in range(1 + i % 3)
                    ],
                }
                for k in range(1 + i % 2)
            ]
        },
        "tags": {"team": f"team-{i % 7}", "bench": str(i)},
    }
    if i % 5 == 0:
        data["security_group"] = {
            "allow_cidrs": [f"192.168.{i % 256}.0/24"],
            "allow_security_group_ids": [f"sg-{_hex17('sg', i)}"],
        }
    other_region = REGIONS[(i + 1) % len(REGIONS)][0]
    peer_rtb = [f"rtb-{_hex17('rtb-peer', i, 0)}"]
    local_rtb = [f"rtb-{_hex17('rtb-local', i, 0)}", f"rtb-{_hex17('rtb-local', i, 1)}"]
    same = {
        "name": "analytics",
        "vpc_id": f"vpc-{_hex17('peer', i, 0)}",
        "cidr": f"172.16.{i % 256}.0/24",
        "route_table_ids": peer_rtb,
        "local_route_table_ids": local_rtb,
    }
    if i % 4 == 1:
        data["peering"] = [same]
    elif i % 4 == 2:
        data["peering"] = [
            {
                "name": "data-science",
                "vpc_id": f"vpc-{_hex17('peer', i, 1)}",
                "cidr": f"172.17.{i % 256}.0/24",
                "account_id": _account(i, 1),
                "region": other_region,
                "connection_id": f"pcx-{_hex17('pcx', i)}",
                "route_table_ids": [f"rtb-{_hex17('rtb-peer', i, 1)}"],
                "local_route_table_ids": local_rtb[:1],
            }
        ]
    elif i % 4 == 3:
        data["peering"] = [
            same,
            {
                "name": "partner",
                "vpc_id": f"vpc-{_hex17('peer', i, 2)}",
                "cidr": f"172.18.{i % 256}.0/24",
                "account_id": _account(i, 2),
                "route_table_ids": [f"rtb-{_hex17('rtb-peer', i, 2)}"],
                "local_route_table_ids": local_rtb,
                "dns": False,
            },
        ]
    return data


def write_answers(folder: Path, count: int) -> list[Path]:
    """count answers files (JSON is valid YAML too; tfgen reads both) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"bench-{i:04d}.json"
        path.write_text(json.dumps(answers_data(i), indent=2) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------- child processes


def _tree_rss(root: int, page: int) -> int:
    """Sum of the resident memory of root and all its descendants (Linux /proc)."""
    parent: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parent[pid] = int(fields[1])
        rss[pid] = int(fields[21]) * page
    total, seen, todo = 0, set(), [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measure_child(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one command (this is the wrapper process): wall time, exit code, peak memory."""
    out = open(spec["stdout"], "wb")  # noqa: SIM115 - closed below
    err = open(spec["stderr"], "wb")  # noqa: SIM115
    sampled = {"peak": 0}
    done = threading.Event()
    load_before = load_averages()
    start = time.perf_counter()
    process = subprocess.Popen(
        spec["command"], cwd=spec["cwd"], env=spec["env"], stdout=out, stderr=err
    )
    if sys.platform.startswith("linux"):
        page = os.sysconf("SC_PAGE_SIZE")

        def sample() -> None:
            while not done.is_set():
                sampled["peak"] = max(sampled["peak"], _tree_rss(process.pid, page))
                done.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    returncode = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    out.close()
    err.close()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss = usage.ru_maxrss
    return {
        "seconds": seconds,
        # CPU time of the whole process tree: barely moved by other load on the machine
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "returncode": returncode,
        # ru_maxrss is KiB on Linux, bytes on macOS
        "peak_rss_bytes": maxrss if sys.platform == "darwin" else maxrss * 1024,
        "peak_rss_tree_bytes": sampled["peak"] or None,
        "load_before": load_before,
        "load_after": load_averages(),
    }


def inprocess_child(mode: str, folder: str) -> dict[str, Any]:
    """(a) or (b) over every answers file of folder, in this process (generator imported)."""
    started = time.perf_counter()
    from generator.answers.load import load_answers
    from generator.render.templates import render_module
    from generator.run.module import render_and_verify
    from generator.verify import module as verify  # noqa: F401 - imported where it runs

    imported = time.perf_counter()
    paths = sorted(Path(folder).glob("*.json"))
    start = time.perf_counter()
    cpu = time.process_time()
    files = 0
    first = None
    for path in paths:
        if first is None and files:
            first = time.perf_counter() - start  # the first module, one-time loading included
        answers = load_answers(path)
        if mode == "render":
            files += len(render_module(answers))
        else:
            rendered, findings, _warnings, _skips = render_and_verify(answers)  # what the CLI runs
            if findings:
                raise SystemExit(f"{path}: verify findings: {findings}")
            files += len(rendered)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "import_seconds": imported - started,
        "first_module_seconds": first,
        "files": files,
    }


HOSTILE = Path(__file__).resolve().parent.parent / "tests" / "bad_answers"


def refusal_child(folder: str) -> dict[str, Any]:
    """How long loading refuses each hostile answers file of folder (tests/bad_answers), in
    this process: the largest (1,500 peers, 5,000 subnets...) must be refused at once."""
    from generator.answers.load import load_answers
    from generator.core.errors import AnswersError

    seconds: dict[str, float] = {}
    for path in sorted([*Path(folder).glob("*.yaml"), *Path(folder).glob("*.json")]):
        start = time.perf_counter()
        try:
            load_answers(path)
        except AnswersError:
            seconds[path.name] = time.perf_counter() - start
        else:
            raise SystemExit(f"{path}: accepted, but it is in the bad-answers corpus")
    slowest = max(seconds, key=seconds.__getitem__)
    return {
        "files": len(seconds),
        "peers_1500_s": seconds.get("huge-peering.yaml"),
        "slowest": slowest,
        "slowest_s": seconds[slowest],
    }


def load_averages() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (what `uptime` shows)."""
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


class Runner:
    """Runs the measured commands: a private environment, logs kept in the work folder."""

    def __init__(
        self, work: Path, tfgen: str, python: str, checkov: str, pack: str | None = None
    ) -> None:
        self.work = work
        self.tfgen = tfgen
        self.python = python
        self.checkov = checkov
        self.pack = pack
        self.logs = work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        cache = work / "xdg-cache"
        cache.mkdir(exist_ok=True)
        self.env = {
            **os.environ,
            "XDG_CACHE_HOME": str(cache),
            "TFGEN_CHECKOV": checkov,
            "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        }
        # the same settings tfgen gives checkov (generator/scan/checkov.py), so (d) differs from the
        # scan inside (c) only by what tfgen itself does
        self.checkov_env = {
            **self.env,
            "BC_SKIP_MAPPING": "TRUE",
            "CHECKOV_NO_OUTPUT": "",
            "LOG_LEVEL": "ERROR",
        }
        self.count = 0

    def run(
        self, command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Run command under the wrapper; fail loudly unless it exits 0."""
        self.count += 1
        log = self.logs / f"{self.count:04d}"
        spec = {
            "command": command,
            "cwd": str(cwd or self.work),
            "env": env or self.env,
            "stdout": f"{log}.out",
            "stderr": f"{log}.err",
        }
        wrapper = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "_measure", json.dumps(spec)],
            capture_output=True,
            text=True,
        )
        if wrapper.returncode != 0:
            raise RuntimeError(f"benchmark wrapper failed:\n{wrapper.stderr[-3000:]}")
        result = json.loads(wrapper.stdout)
        if result["returncode"] != 0:
            tail = Path(spec["stderr"]).read_text(errors="replace")[-3000:]
            raise RuntimeError(
                f"{shlex.join(command)} exited {result['returncode']} (log {log}.*):\n{tail}"
            )
        return result

    def inprocess(self, mode: str, folder: Path) -> dict[str, Any]:
        script = str(Path(__file__).resolve())
        result = self.run([self.python, script, "_inprocess", mode, str(folder)])
        document = json.loads(Path(self.logs / f"{self.count:04d}.out").read_text())
        return {**result, **document}


# ---------------------------------------------------------------- the benchmark


def summarize(runs: list[dict[str, Any]], modules: int) -> dict[str, Any]:
    seconds = [run["seconds"] for run in runs]
    median = statistics.median(seconds)
    summary: dict[str, Any] = {
        "runs_s": seconds,
        "median_s": median,
        "min_s": min(seconds),
        "cpu_runs_s": [run["cpu_seconds"] for run in runs],
        "median_cpu_s": statistics.median(run["cpu_seconds"] for run in runs),
        "per_module_s": median / modules,
        "modules_per_s": modules / median if median > 0 else None,
        "peak_rss_bytes": max(run["peak_rss_bytes"] for run in runs),
    }
    trees = [run["peak_rss_tree_bytes"] for run in runs if run.get("peak_rss_tree_bytes")]
    summary["peak_rss_tree_bytes"] = max(trees) if trees else None
    summary["load_runs"] = [[run.get("load_before"), run.get("load_after")] for run in runs]
    firsts = [run["first_module_seconds"] for run in runs if run.get("first_module_seconds")]
    if firsts and modules > 1:
        # Throughput after the first module, which alone pays the one-time loading (parser
        # tables, templates, the module's shared blocks parsed the first time): information.
        rest = statistics.median(s - f for s, f in zip(seconds, firsts, strict=False))
        summary["first_module_s"] = statistics.median(firsts)
        summary["after_first_modules_per_s"] = (modules - 1) / rest if rest > 0 else None
    return summary


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def bench_size(
    runner: Runner,
    n: int,
    repeat: int,
    separate_n: int,
    jobs: int | None,
    only: set[str] | None = None,
) -> dict:
    """Every measurement at one size (`only`: just those keys; (c) always runs)."""
    root = runner.work / f"n{n}"
    answers = root / "answers"
    write_answers(answers, n)
    jobs_args = ["-j", str(jobs)] if jobs else []
    results: dict[str, Any] = {}

    def timed(key: str, make) -> None:
        if only is not None and key not in only and key != "c_full":
            return
        runs = []
        for r in range(repeat):
            runs.append(make(r))
            note(f"N={n} {key} run {r + 1}/{repeat}: {runs[-1]['seconds']:.3f} s")
        results[key] = summarize(runs, n)

    timed("a_render", lambda r: runner.inprocess("render", answers))
    timed("b_render_verify", lambda r: runner.inprocess("verify", answers))

    def cli_no_scan(r: int) -> dict[str, Any]:
        out = root / f"no-scan-{r}"
        try:
            return runner.run(
                [runner.tfgen, "render", str(answers), "--root", str(out), "--no-scan"]
            )
        finally:
            shutil.rmtree(out, ignore_errors=True)

    timed("b_cli_no_scan", cli_no_scan)

    # (c): each repeat renders into a fresh <root>/full-<r>/modules; the first one is kept for
    # (d) and (f), which measure the very modules (c) wrote.
    def full(r: int) -> dict[str, Any]:
        out = root / f"full-{r}" / "modules"
        result = runner.run(
            [runner.tfgen, "render", str(answers), "--root", str(out), "--no-cache", *jobs_args]
        )
        if r:
            shutil.rmtree(out.parent, ignore_errors=True)
        return result

    timed("c_full", full)
    modules = root / "full-0" / "modules"
    written = sorted(p.name for p in modules.iterdir() if p.is_dir())
    if len(written) != n:
        raise RuntimeError(f"(c) wrote {len(written)} modules, expected {n}")

    report = root / "checkov.json"
    checkov = [
        runner.checkov,
        "-d",
        str(modules),
        "-o",
        "json",
        "--skip-download",
        "--framework",
        "terraform",
    ]

    def checkov_alone(r: int) -> dict[str, Any]:
        result = runner.run(checkov, env=runner.checkov_env)
        shutil.copy(runner.logs / f"{runner.count:04d}.out", report)
        return result

    timed("d_checkov", checkov_alone)
    if "d_checkov" in results:
        results["d_checkov"]["command"] = shlex.join(checkov)
    if runner.pack:
        # tfgen's scan also loads its own checkov policy pack: (d') is the scan tfgen wraps
        with_pack = [*checkov, "--external-checks-dir", runner.pack]
        timed("d_checkov_pack", lambda r: runner.run(with_pack, env=runner.checkov_env))
        if "d_checkov_pack" in results:
            results["d_checkov_pack"]["command"] = shlex.join(with_pack)

    if n == separate_n:

        def separate(r: int) -> dict[str, Any]:
            out = root / f"separate-{r}"
            total: dict[str, Any] = {"seconds": 0.0, "cpu_seconds": 0.0, "peak_rss_bytes": 0}
            trees = []
            for path in sorted(answers.glob("*.json")):
                one = runner.run(
                    [
                        runner.tfgen,
                        "render",
                        str(path),
                        "-o",
                        str(out / path.stem),
                        "--no-cache",
                    ]
                )
                total["seconds"] += one["seconds"]
                total["cpu_seconds"] += one["cpu_seconds"]
                total["peak_rss_bytes"] = max(total["peak_rss_bytes"], one["peak_rss_bytes"])
                trees.append(one["peak_rss_tree_bytes"] or 0)
            total["peak_rss_tree_bytes"] = max(trees) or None
            shutil.rmtree(out, ignore_errors=True)
            return total

        timed("e_separate", separate)

    def check_cold(r: int) -> dict[str, Any]:
        shutil.rmtree(runner.work / "xdg-cache" / "tfgen" / "check", ignore_errors=True)
        return runner.run([runner.tfgen, "check"], cwd=modules.parent)

    timed("f_check_cold", check_cold)
    # the cold runs leave every module's render remembered: (f) is a check run again
    timed("f_check", lambda r: runner.run([runner.tfgen, "check"], cwd=modules.parent))

    c = results["c_full"]["median_s"]
    if "d_checkov" in results:
        d = results["d_checkov"]["median_s"]
        results["ratio_c_d"] = c / d
        results["ratio_c_d_cpu"] = (
            results["c_full"]["median_cpu_s"] / results["d_checkov"]["median_cpu_s"]
        )
        results["tfgen_overhead_per_module_s"] = (c - d) / n
    if "d_checkov_pack" in results:
        d_pack = results["d_checkov_pack"]["median_s"]
        results["ratio_c_d_pack"] = c / d_pack
        results["ratio_c_d_pack_cpu"] = (
            results["c_full"]["median_cpu_s"] / results["d_checkov_pack"]["median_cpu_s"]
        )
        results["tfgen_overhead_pack_per_module_s"] = (c - d_pack) / n
    if "e_separate" in results:
        results["ratio_e_c"] = results["e_separate"]["median_s"] / c
    results["modules"] = n
    results["repeat"] = repeat
    results["with_peers"] = sum(1 for i in range(n) if i % 4)
    return results


def machine_info(runner: Runner) -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    versions = subprocess.run(
        [runner.tfgen, "--version"], capture_output=True, text=True, env=runner.env
    ).stdout.strip()
    checkov = subprocess.run(
        [runner.checkov, "--version"], capture_output=True, text=True, env=runner.checkov_env
    ).stdout.strip()
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": cores,
        "memory_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        if hasattr(os, "sysconf")
        else None,
        "tfgen": versions,
        "checkov": checkov,
    }


def ratio_runs(result: dict[str, Any]) -> list[float]:
    """(c)/(d) of each repeat: run r of (c) over run r of (d) (measured minutes apart)."""
    c = result.get("c_full", {}).get("runs_s", [])
    d = result.get("d_checkov", {}).get("runs_s", [])
    return [x / y for x, y in zip(c, d, strict=False) if y]


def evaluate_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets against what was measured (reported, never asserted)."""
    sizes = report["results"]
    cores = report["machine"]["cores"]

    def at(n: int) -> dict[str, Any] | None:
        return sizes.get(str(n))

    def target(name: str, value, limit: str, ok, measured_at: str) -> dict[str, Any]:
        status = "not measured" if value is None else ("met" if ok else "missed")
        return {
            "target": name,
            "limit": limit,
            "value": value,
            "measured_at": measured_at,
            "status": status,
        }

    targets = []
    helped = report["help"]["median_s"]
    targets.append(target("tfgen --help start-up", helped, "< 0.3 s", helped < 0.3, "median"))
    peers = report.get("hostile", {}).get("peers_1500_s")
    targets.append(
        target(
            "answers with 1,500 peers refused (issue 16)",
            peers,
            "< 0.5 s",
            peers is not None and peers < 0.5,
            "in-process load of tests/bad_answers/huge-peering.yaml",
        )
    )
    # below N=100 the first-call costs (templates, parser tables) dominate: no verdict there
    steady = max((int(n) for n, r in sizes.items() if "b_render_verify" in r), default=0)
    b = sizes[str(steady)]["b_render_verify"]["modules_per_s"] if steady >= 100 else None
    targets.append(
        target(
            "render+verify throughput per core",
            b,
            ">= 150 modules/s",
            b is not None and b >= 150,
            f"N={steady}, (b) in one process",
        )
    )
    after = sizes[str(steady)]["b_render_verify"].get("after_first_modules_per_s") if b else None
    targets.append(
        target(
            "render+verify throughput per core, after the first module (information)",
            after,
            ">= 100 modules/s",
            after is not None and after >= 100,
            f"N={steady}, (b) without the first module and its one-time loading",
        )
    )
    no_scan = sizes[str(steady)].get("b_cli_no_scan") if steady >= 100 else None
    cli = no_scan["modules_per_s"] / cores if no_scan else None
    targets.append(
        target(
            "render+verify throughput per core, CLI batch (information)",
            cli,
            ">= 100 modules/s",
            cli is not None and cli >= 100,
            f"N={steady}, (b') / {cores} cores, start-up and writes included",
        )
    )
    one = at(1) or {}
    single = (
        one["e_separate"]["median_s"] / one["d_checkov"]["median_s"]
        if "e_separate" in one and "d_checkov" in one
        else None
    )
    targets.append(
        target(
            "(e)/(d) one module: tfgen render one.yaml vs checkov -d on it",
            single,
            "<= 0.80",
            single is not None and single <= 0.80,
            "N=1 (--separate-n 1)",
        )
    )
    for n, limit in ((40, 0.70), (100, 0.55)):
        ratio = (at(n) or {}).get("ratio_c_d")
        runs = ratio_runs(at(n) or {})
        targets.append(
            target(
                f"(c)/(d) full render vs checkov alone, N={n}",
                ratio,
                f"<= {limit:.2f}",
                ratio is not None and ratio <= limit,
                f"N={n}, median; runs side by side: {', '.join(f'{r:.2f}' for r in runs)}",
            )
        )
    hundred = at(100) or {}
    check = hundred["f_check"]["median_s"] if "f_check" in hundred else None
    targets.append(
        target(
            "tfgen check of 100 unchanged modules",
            check,
            "< 0.5 s",
            check is not None and check < 0.5,
            "N=100, checked before (renders remembered)",
        )
    )
    cold = hundred["f_check_cold"]["median_s"] if "f_check_cold" in hundred else None
    targets.append(
        target(
            "tfgen check of 100 unchanged modules, no render remembered (information)",
            cold,
            "< 0.5 s",
            cold is not None and cold < 0.5,
            "N=100, the cache folder's check/ removed before each run",
        )
    )
    big = at(1000)
    rss = None
    if big:
        rss = big["c_full"]["peak_rss_tree_bytes"] or big["c_full"]["peak_rss_bytes"]
    targets.append(
        target(
            "peak RSS of (c)",
            rss,
            "< 1 GiB",
            rss is not None and rss < GIB,
            "N=1000, sum over the process tree (sampled)",
        )
    )
    return targets


# ---------------------------------------------------------------- output


def _s(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mib(value: int | None) -> str:
    return "-" if not value else f"{value / 1024**2:.0f} MiB"


def table_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    header = [
        "N",
        "(a) render",
        "(b) +verify",
        "(b') CLI no-scan",
        "(c) full",
        "(d) checkov",
        "(d') +pack",
        "(c)/(d)",
        "(c)/(d) CPU",
        "(c)/(d')",
        "(e) N procs",
        "(f cold) check",
        "(f) check",
        "(c)-(d) /module",
        "(b) modules/s",
        "peak RSS (c)",
        "load 1 min",
    ]
    rows = []
    for n, result in report["results"].items():

        def median(key: str, result=result) -> float | None:
            return result[key]["median_s"] if key in result else None

        c = result["c_full"]
        loads = [
            value[0]
            for key in MEASUREMENTS
            if key in result
            for pair in result[key].get("load_runs", [])
            for value in pair
            if value
        ]
        rows.append(
            [
                n,
                _s(median("a_render")),
                _s(median("b_render_verify")),
                _s(median("b_cli_no_scan")),
                _s(median("c_full")),
                _s(median("d_checkov")),
                _s(median("d_checkov_pack")),
                f"{result['ratio_c_d']:.2f}" if "ratio_c_d" in result else "-",
                f"{result['ratio_c_d_cpu']:.2f}" if "ratio_c_d_cpu" in result else "-",
                f"{result['ratio_c_d_pack']:.2f}" if "ratio_c_d_pack" in result else "-",
                _s(median("e_separate")),
                _s(median("f_check_cold")),
                _s(median("f_check")),
                _s(result.get("tfgen_overhead_per_module_s")),
                f"{result['b_render_verify']['modules_per_s']:.1f}"
                if "b_render_verify" in result
                else "-",
                f"{_mib(c['peak_rss_tree_bytes'])} ({_mib(c['peak_rss_bytes'])})",
                f"{min(loads):.1f}-{max(loads):.1f}" if loads else "-",
            ]
        )
    return header, rows


def _value(item: dict[str, Any]) -> str:
    value = item["value"]
    if value is None:
        return "-"
    if "RSS" in item["target"]:
        return _mib(value)
    if "throughput" in item["target"]:
        return f"{value:.1f} modules/s"
    if item["target"].startswith(("(c)/(d", "(e)/(d)")):  # ratios
        return f"{value:.2f}"
    return _s(value)


def markdown(report: dict[str, Any]) -> str:
    """The tables as Markdown (for bench/README.md)."""
    header, rows = table_rows(report)
    lines = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += ["", "| target | limit | measured | at | status |", "|---|---|---|---|---|"]
    lines += [
        f"| {t['target']} | {t['limit']} | {_value(t)} | {t['measured_at']} | {t['status']} |"
        for t in report["targets"]
    ]
    return "\n".join(lines)


def print_report(report: dict[str, Any], as_markdown: bool = False) -> None:
    header, rows = table_rows(report)
    targets = report["targets"]
    if as_markdown:
        print(markdown(report))
        print(f"\ntfgen --help: {_s(report['help']['median_s'])} (median)")
        return
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
        for row in [header, *rows]:
            print("  ".join(str(x).rjust(w) for x, w in zip(row, widths, strict=True)))
        print(f"tfgen --help: {_s(report['help']['median_s'])} (median)")
        for item in targets:
            print(f"{item['status']:>12}  {item['target']}: {_value(item)} ({item['limit']})")
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)  # a log or a pipe: no wrapping inside the cells
    table = Table(title=f"tfgen benchmark (median of {report['repeat']}; {report['date']})")
    for column in header:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    helped = report["help"]
    console.print(
        f"tfgen --help: {_s(helped['median_s'])} (median of {len(helped['runs_s'])}); "
        "peak RSS: sum over the process tree (largest single process)"
    )
    targets_table = Table(title="targets")
    for column in ("target", "limit", "measured", "at", "status"):
        targets_table.add_column(column)
    colors = {"met": "green", "missed": "red", "not measured": "yellow"}
    for item in targets:
        targets_table.add_row(
            item["target"],
            item["limit"],
            _value(item),
            item["measured_at"],
            f"[{colors[item['status']]}]{item['status']}[/]",
        )
    console.print(targets_table)


# ---------------------------------------------------------------- main


def parse_sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 1,10,100")
    return sizes


def parse_repeat_at(text: str) -> tuple[int, int]:
    try:
        n, r = (int(part) for part in text.split("="))
    except ValueError:
        raise argparse.ArgumentTypeError("expected N=R, e.g. 500=1") from None
    return n, r


def parse_only(text: str) -> tuple[int, set[str]]:
    size, _, keys = text.partition("=")
    chosen = {key for key in keys.split("+") if key}
    if not size.isdigit() or not chosen or not chosen <= set(MEASUREMENTS):
        raise argparse.ArgumentTypeError(f"expected N=KEY[+KEY...] with keys from {MEASUREMENTS}")
    return int(size), chosen


def default_tfgen() -> str | None:
    beside = Path(sys.executable).parent / "tfgen"
    return str(beside) if beside.is_file() else shutil.which("tfgen")


def find_checkov(python: str) -> str | None:
    """tfgen's own checkov, as tfgen finds it with the user's environment (before the
    benchmark replaces XDG_CACHE_HOME)."""
    code = "from generator.scan.checkov import checkov_executable as c; print(c() or '')"
    found = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return found.stdout.strip() or None


def find_policy_pack(python: str) -> str | None:
    """tfgen's checkov policy pack folder, if this tfgen has one (generator/scan/checkov.py)."""
    code = (
        "try:\n from generator.scan import checkov as scan\nexcept ImportError:\n"
        " from generator import scan\nf = getattr(scan, 'policy_pack_dir', None); "
        "print(f() if f else '')"
    )
    found = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return found.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_measure"]:
        print(json.dumps(measure_child(json.loads(argv[1]))))
        return 0
    if argv[:1] == ["_inprocess"]:
        print(json.dumps(inprocess_child(argv[1], argv[2])))
        return 0
    if argv[:1] == ["_refusal"]:
        print(json.dumps(refusal_child(argv[1])))
        return 0
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0], allow_abbrev=False
    )
    parser.add_argument("--sizes", type=parse_sizes, help="N values (default 1,10,100,500)")
    parser.add_argument("--repeat", type=int, help="runs per measurement, median (default 3)")
    parser.add_argument(
        "--repeat-at",
        type=parse_repeat_at,
        action="append",
        default=[],
        metavar="N=R",
        help="another repeat count for one size, e.g. 500=1 (repeatable)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: sizes 1,10 and repeat 1 unless given"
    )
    parser.add_argument(
        "--separate-n",
        type=int,
        default=10,
        metavar="N",
        help="the size at which (e), N separate processes, is measured (default 10)",
    )
    parser.add_argument("--help-runs", type=int, default=10, help="tfgen --help runs (10)")
    parser.add_argument(
        "--only",
        type=parse_only,
        action="append",
        default=[],
        metavar="N=KEYS",
        help="at size N measure only these keys (+-separated, e.g. 1000=c_full; (c) always runs)",
    )
    parser.add_argument("-j", "--jobs", type=int, help="tfgen render -j for (c) (default: CPUs)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "results.json",
        help="JSON report (default: bench/results.json)",
    )
    parser.add_argument("--tfgen", default=default_tfgen(), help="tfgen executable")
    parser.add_argument(
        "--python", help="Python with generator importable (default: beside --tfgen)"
    )
    parser.add_argument("--checkov", help="checkov executable (default: tfgen's own)")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temp dir)")
    parser.add_argument(
        "--markdown", action="store_true", help="print the tables as Markdown (for bench/README.md)"
    )
    parser.add_argument(
        "--from-json", type=Path, metavar="FILE", help="print a saved JSON report, run nothing"
    )
    args = parser.parse_args(argv)
    if args.from_json:
        print_report(json.loads(args.from_json.read_text(encoding="utf-8")), args.markdown)
        return 0

    sizes = args.sizes or (list(QUICK_SIZES) if args.quick else list(DEFAULT_SIZES))
    repeat = args.repeat or (1 if args.quick else 3)
    repeat_at = dict(args.repeat_at)
    only = dict(args.only)
    if not args.tfgen:
        parser.error("no tfgen executable found: pass --tfgen")
    python = args.python or str(Path(args.tfgen).parent / "python")
    if not Path(python).is_file():
        python = sys.executable
    checkov = args.checkov or os.environ.get("TFGEN_CHECKOV") or find_checkov(python)
    if not checkov or not Path(checkov).is_file():
        parser.error("no checkov executable: run `tfgen setup` or pass --checkov")

    command = shlex.join(["bench/run.py", *argv])
    with tempfile.TemporaryDirectory(prefix="tfgen-bench-") as temp:
        work = args.workdir or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        runner = Runner(work.resolve(), args.tfgen, python, checkov, find_policy_pack(python))
        warm = work / "warm-up"
        warm.mkdir(exist_ok=True)
        write_answers(warm, 1)
        runner.inprocess("verify", warm)  # tfgen's one-time caches (see the docstring)
        started = time.perf_counter()
        report: dict[str, Any] = {
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": command,
            "sizes": sizes,
            "repeat": repeat,
            "repeat_at": {str(n): r for n, r in repeat_at.items()},
            "only": {str(n): sorted(keys) for n, keys in only.items()},
            "measurements": MEASUREMENTS,
            "machine": machine_info(runner),
            "checkov_executable": checkov,
            "policy_pack": runner.pack,
        }
        helps = [runner.run([args.tfgen, "--help"]) for _ in range(args.help_runs)]
        report["help"] = {
            "runs_s": [run["seconds"] for run in helps],
            "median_s": statistics.median(run["seconds"] for run in helps),
            "peak_rss_bytes": max(run["peak_rss_bytes"] for run in helps),
        }
        note(f"tfgen --help: {report['help']['median_s']:.3f} s (median)")
        if HOSTILE.is_dir():  # a checkout: the bad-answers corpus is there
            runner.run([runner.python, str(Path(__file__).resolve()), "_refusal", str(HOSTILE)])
            report["hostile"] = json.loads((runner.logs / f"{runner.count:04d}.out").read_text())
            note(f"1,500 peers refused in {report['hostile']['peers_1500_s']:.3f} s")
        report["results"] = {}
        for n in sizes:
            load = load_average()
            report["results"][str(n)] = bench_size(
                runner, n, repeat_at.get(n, repeat), args.separate_n, args.jobs, only.get(n)
            )
            # other work on the machine distorts the timings: the 1-minute load before and
            # after each size shows it (this benchmark alone keeps it near the core count)
            report["results"][str(n)]["load_average_before_after"] = [load, load_average()]
        report["total_seconds"] = time.perf_counter() - started
        report["targets"] = evaluate_targets(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_report(report, args.markdown)
    print(f"JSON report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
