"""pingtai's speed benchmark: `make bench` (or `.venv/bin/python bench/run.py [--quick]`).

Generates its corpus under bench/corpus/ (gitignored) from sample_dossiers/:
N text-layer dossiers (workbook, 8–10 PDFs, a .docx; each copy's PDFs made
byte-distinct) and M scanned ones. Every case runs in fresh processes, the way
a person or a bureau script runs pingtai, with a private cache dir. Prints one
table (case, median, min, max, ratio to its peer or floor, target, met?) and
writes it as JSON to bench/results/latest.json (and a dated copy).

Cases (targets from issue 7):
- `pingtai --help`, `pingtai rules list`: wall time, and the modules imported.
- one text-layer dossier, cold process, `--no-cache`.
- scanned dossiers: pages OCR'd per dossier, seconds per OCR'd page (timed
  inside the process around the OCR engine; engine start-up reported apart).
- re-check of an unchanged scanned dossier against its first check (cache).
- a batch of N text dossiers with `--jobs 1` and `--jobs 2` (`--no-cache`):
  throughput ratio, distance to the floor (sum of per-dossier extraction
  times measured in one warm process, divided by the workers), and the
  memory of the largest worker (ru_maxrss).

The machine may be shared: before each case the benchmark waits (up to
--wait seconds) for the rest of the machine to go quiet, and for every sample
it records the share of the CPUs that other processes used meanwhile (from
/proc/stat, less this benchmark's own processes): the "others" column. A
"probe" is this script re-run in a fresh process with `--probe KIND ...`, to
time from inside pingtai.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
CORPUS = ROOT / "bench" / "corpus"
RESULTS = ROOT / "bench" / "results"
CACHE = CORPUS / ".cache"
AS_OF = "2026-03-15"
BIN = Path(sys.executable).parent
TEXT_SOURCES = ["liaoning_eligible", "national_low_assets", "xuchang_unstamped"]
SCAN_SOURCES = {
    "heilongjiang_scan_license": "heilongjiang",
    "heilongjiang_remote_relaxed": "heilongjiang",
}
SCAN_CHECKS = {  # facts a correct OCR reads: the benchmark refuses to time a broken pipeline
    "heilongjiang_scan_license": ("scan0001.pdf", "credit_code", "91230103MA17P62J67"),
    "heilongjiang_remote_relaxed": ("02审计报告（扫描件）.pdf", "total_assets", 68),
}
HEAVY = {
    "pypdfium2",
    "pdfplumber",
    "rapidocr_onnxruntime",
    "onnxruntime",
    "openpyxl",
    "python_calamine",
    "docx",
    "docxtpl",
    "PIL",
    "numpy",
    "pydantic",
}


@dataclass
class Case:
    name: str
    unit: str
    samples: list[float]
    target: str = ""
    met: bool | None = None
    ratio: float | None = None
    ratio_of: str = ""
    note: str = ""
    others: list[float] = field(default_factory=list)  # CPU share other processes took, per sample

    @property
    def median(self) -> float:
        return statistics.median(self.samples)


# ---------------------------------------------------------------------------
# the corpus


def build_corpus(text_n: int, scan_n: int) -> tuple[list[Path], list[tuple[Path, str]]]:
    """bench/corpus/text/NNN and bench/corpus/scan/NN, rebuilt when the counts change."""
    stamp = CORPUS / "stamp.json"
    spec = {"text": text_n, "scan": scan_n, "sources": TEXT_SOURCES + list(SCAN_SOURCES), "v": 1}
    if not (stamp.exists() and json.loads(stamp.read_text()) == spec):
        shutil.rmtree(CORPUS, ignore_errors=True)
        for i in range(text_n):
            _vary(SAMPLES / TEXT_SOURCES[i % len(TEXT_SOURCES)], CORPUS / "text" / f"{i:03d}", i)
        names = list(SCAN_SOURCES)
        for i in range(scan_n):
            shutil.copytree(
                SAMPLES / names[i % len(names)],
                CORPUS / "scan" / f"{i:02d}-{names[i % len(names)]}",
            )
        stamp.write_text(json.dumps(spec))
    texts = sorted((CORPUS / "text").iterdir())
    scans = [
        (p, SCAN_SOURCES[p.name.split("-", 1)[1]]) for p in sorted((CORPUS / "scan").iterdir())
    ]
    return texts, scans


def _vary(source: Path, dest: Path, i: int) -> None:
    """A copy whose PDFs differ in bytes (a trailing comment), so no two dossiers share content.

    The scanned lease of xuchang_unstamped is left out: the text dossiers have no scan.
    """
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("扫描件*"))
    for pdf in dest.rglob("*.pdf"):
        with pdf.open("ab") as fh:
            fh.write(f"\n%pingtai-bench copy {i}\n".encode())


# ---------------------------------------------------------------------------
# running pingtai


def env() -> dict[str, str]:
    """Like a user's shell: bytecode cached (as a pip install has it), a private cache dir."""
    out = {**os.environ, "PINGTAI_CACHE_DIR": str(CACHE), "COLUMNS": "120"}
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    return out


OTHERS: list[float] = []  # per sample: share of all CPUs that other processes used


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except OSError:
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_seconds() -> float:
    """CPU seconds of this benchmark: itself, its finished children, and the children still
    running (a Dask LocalCluster's nannies and workers live through the runs: without them the
    cluster's own work was counted as other processes' load)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + mine.ru_utime + mine.ru_stime + _live_descendants()


def _live_descendants() -> float:
    """CPU seconds of the live descendants of this process and of the children they reaped
    (/proc/PID/stat utime, stime, cutime, cstime); 0 where /proc is not there."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return 0.0
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rpartition(")")[2].split()  # after the command name
        except OSError:
            continue  # gone meanwhile
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(v) for v in fields[11:15]) / tick
    mine, found = {os.getpid()}, True
    while found:  # the tree below this process
        found = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                found = True
    mine.discard(os.getpid())
    return sum(times[pid] for pid in mine)


def wait_idle(limit: float) -> None:
    """Wait (at most `limit` seconds) until other processes use under 10 % of the CPUs."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy, own = busy_seconds(), own_seconds()
        time.sleep(1.0)
        others = (busy_seconds() - busy - (own_seconds() - own)) / (os.cpu_count() or 1)
        if others < 0.10:
            return


def timed(cmd: list[str], probe_out: Path | None = None) -> tuple[float, dict[str, Any]]:
    """Wall seconds of one fresh process, and what its probe wrote (if any)."""
    e = env()
    if probe_out is not None:
        e["PINGTAI_BENCH_PROBE"] = str(probe_out)
        probe_out.unlink(missing_ok=True)
    busy, own = busy_seconds(), own_seconds()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    others = busy_seconds() - busy - (own_seconds() - own)
    OTHERS.append(max(0.0, min(1.0, others / (wall * (os.cpu_count() or 1)))))
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    data = json.loads(probe_out.read_text()) if probe_out is not None else {}
    return wall, data


def pingtai(*args: str) -> list[str]:
    return [str(BIN / "pingtai"), *args]


def probe(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--probe", kind, *args]


def check_args(path: Path, key: str, *extra: str) -> list[str]:
    return ["check", str(path), "-j", key, "--as-of", AS_OF, "-f", "json", "-q", *extra]


def clear_cache() -> None:
    shutil.rmtree(CACHE, ignore_errors=True)


# ---------------------------------------------------------------------------
# the cases

WAIT = 20.0  # seconds to wait for a quiet machine before each case (--wait)


def since(mark: int) -> list[float]:
    return OTHERS[mark:]


CALIBRATION = "sum(i * i for i in range(2_000_000)); import json; json.dumps(list(range(300_000)))"


def case_machine(runs: int) -> list[Case]:
    """How fast this machine is right now, by work that pingtai does not change.

    Shared cloud machines vary from hour to hour; these two rows say whether a slower
    table is the code or the machine (compare them between runs).
    """
    cases = []
    for label, code in (("machine: python -c pass", "pass"), ("machine: fixed pure-Python work", CALIBRATION)):
        mark = len(OTHERS)
        samples = [timed([sys.executable, "-c", code])[0] * 1000 for _ in range(runs)]
        cases.append(Case(label, "ms", samples, others=since(mark)))
    return cases


def case_startup(runs: int) -> list[Case]:
    cases = []
    for label, args in (("pingtai --help", ["--help"]), ("pingtai rules list", ["rules", "list"])):
        timed(pingtai(*args))  # writes bytecode once, as the first run after an install does
        wait_idle(WAIT)
        mark = len(OTHERS)
        samples = [timed(pingtai(*args))[0] * 1000 for _ in range(runs)]
        met = statistics.median(samples) <= 150
        cases.append(Case(label, "ms", samples, "≤ 150 ms", met, others=since(mark)))
    both = (imported(["--help"]) | imported(["rules", "list"])) & HEAVY
    name = "start-up: PDF/OCR/Excel/Word/pydantic modules"
    cases.append(Case(name, "modules", [len(both)], "none", not both, note=", ".join(sorted(both))))
    cases += startup_ratios(2 * runs + 1)
    return cases


# Issue 13 item 7: pingtai's start-up against importing the libraries it cannot do without, in
# the same venv. (name, baseline imports, pingtai's arguments, target ratio)
HELP_BASELINE = "import typer, rich.console"
CHECK_BASELINE = "import typer, rich.console, pypdfium2, python_calamine, docx, pydantic, yaml"
COLD_CHECK = [
    "check", str(SAMPLES / "liaoning_eligible"), "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "-q", "--no-cache",
]  # fmt: skip
STARTUP_RATIOS = (
    ("pingtai --help", HELP_BASELINE, ["--help"], 1.3),
    ("cold text-dossier check (--no-cache)", CHECK_BASELINE, COLD_CHECK, 2.0),
)


def startup_ratios(runs: int) -> list[Case]:
    """Each pair run in turn (baseline, pingtai, baseline, pingtai ...), so a neighbour's load falls
    on both alike; the ratio is the median of the pairs' ratios. `--only startup` runs these too."""
    cases = []
    for label, imports, args, target in STARTUP_RATIOS:
        base_cmd, cmd = [sys.executable, "-c", imports], pingtai(*args)
        timed(base_cmd), timed(cmd)  # bytecode written, files in the OS cache
        wait_idle(WAIT)
        mark = len(OTHERS)
        base, ours = [], []
        for _ in range(runs):
            base.append(timed(base_cmd)[0] * 1000)
            ours.append(timed(cmd)[0] * 1000)
        ratio = statistics.median(o / b for o, b in zip(ours, base, strict=True))
        others = since(mark)
        cases.append(Case(f"baseline: python -c '{imports}'", "ms", base, others=others[::2]))
        cases.append(
            Case(
                f"start-up: {label}",
                "ms",
                ours,
                f"≤ {target}× baseline",
                ratio <= target,
                ratio=ratio,
                ratio_of="to the baseline above, median of interleaved pairs",
                others=others[1::2],
                note=f"ratio of medians {statistics.median(ours) / statistics.median(base):.2f}×, "
                f"of minima {min(ours) / min(base):.2f}×; {runs} pairs",
            )
        )
    return cases


def imported(args: list[str]) -> set[str]:
    cmd = [sys.executable, "-X", "importtime", "-m", "pingtai_cli", *args]
    proc = subprocess.run(cmd, env=env(), capture_output=True, text=True)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("import time:")]
    return {ln.rsplit("|", 1)[1].strip().split(".")[0] for ln in lines}


def case_text_cold(texts: list[Path], runs: int) -> Case:
    distinct = texts[: len(TEXT_SOURCES)]
    timed(pingtai(*check_args(distinct[0], "liaoning", "--no-cache")))
    wait_idle(WAIT)
    mark = len(OTHERS)
    samples = [
        timed(pingtai(*check_args(distinct[i % len(distinct)], "liaoning", "--no-cache")))[0]
        for i in range(runs)
    ]
    met = statistics.median(samples) <= 0.6
    note = f"{len(distinct)} dossiers in turn, each a workbook, 8–10 PDFs, a .docx"
    name = "text dossier, cold process, --no-cache"
    return Case(name, "s", samples, "≤ 0.6 s", met, others=since(mark), note=note)


def case_scans(scans: list[tuple[Path, str]], runs: int) -> list[Case]:
    out = CORPUS / "probe.json"
    first, again, per_page, cpu_per_page, engine, rss = [], [], [], [], [], []
    pages: dict[str, str] = {}
    wait_idle(WAIT)
    mark = len(OTHERS)
    for path, key in scans:
        for _ in range(runs):
            clear_cache()
            wait_idle(WAIT / 4)  # OCR runs on both cores: a busy neighbour halves it
            wall, data = timed(probe("check", *check_args(path, key)), out)
            _verify(path, data["result"])
            first.append(wall)
            rss.append(data["self_maxrss_mb"])
            pages[path.name.split("-", 1)[1]] = (
                f"{data['ocr_pages']} ({data['ocr_calls']} OCR runs)"
            )
            per_page.append(data["ocr_seconds"] / max(1, data["ocr_pages"]))
            cpu_per_page.append(data["ocr_cpu_seconds"] / max(1, data["ocr_pages"]))
            engine.append(data["engine_seconds"])
            again.append(timed(pingtai(*check_args(path, key)))[0])
    others = since(mark)
    ratio = statistics.median(first) / statistics.median(again)
    return [
        Case(
            "scanned dossier: pages OCR'd",
            "pages",
            [float(p.split()[0]) for p in pages.values()],
            "only what facts need",
            None,
            note=", ".join(f"{n}: {p}" for n, p in pages.items()),
        ),
        Case(
            "scanned dossier: seconds per OCR'd page",
            "s",
            per_page,
            "≤ 1.3 s/page",
            statistics.median(per_page) <= 1.3,
            others=others[::2],
            note=f"CPU {statistics.median(cpu_per_page):.2f} s per page (2 threads); "
            f"engine start {statistics.median(engine):.2f} s per process, not included",
        ),
        Case("scanned dossier: first check (cold cache)", "s", first, others=others[::2]),
        Case(
            "scanned dossier: re-check, unchanged",
            "s",
            again,
            "≥ 10× faster",
            ratio >= 10,
            ratio=ratio,
            ratio_of="first check / re-check",
            others=others[1::2],
        ),
        Case("scanned dossier: peak memory of the checking process", "MB", rss, note="ru_maxrss"),
    ]


def _verify(path: Path, result: dict[str, Any]) -> None:
    name, key, want = SCAN_CHECKS[path.name.split("-", 1)[1]]
    facts = {f["path"]: f["facts"] for f in result["files"]}[name]
    got = facts.get(key, {}).get("value")
    if got != want:
        raise SystemExit(f"{path.name}: {name} {key} read as {got!r}, not {want!r}: OCR is broken")


def case_batch(texts: list[Path], runs: int) -> list[Case]:
    n = len(texts)
    out = CORPUS / "probe.json"
    args = [
        "check",
        str(CORPUS / "text"),
        "-j",
        "liaoning",
        "--as-of",
        AS_OF,
        "-f",
        "jsonl",
        "-q",
        "--no-cache",
    ]
    timed(probe("floor", *map(str, texts[:3])), out)  # bytecode and the OS file cache warm
    wait_idle(WAIT)
    # The floor is measured again before each run, so that a neighbour's load that comes and goes
    # falls on a floor and its run alike (one floor taken quiet against runs taken busy said 4.96×).
    floors: list[float] = []
    floor_others: list[float] = []
    walls: dict[int, list[float]] = {1: [], 2: []}
    others: dict[int, list[float]] = {1: [], 2: []}
    rss: list[float] = []
    for _ in range(runs):
        wait_idle(WAIT / 4)
        _, floor = timed(probe("floor", *map(str, texts)), out)
        floors.append(floor["seconds"])
        floor_others.append(OTHERS[-1])
        for jobs in (1, 2):
            wait_idle(WAIT / 4)
            wall, data = timed(probe("cli", *args, "--jobs", str(jobs)), out)
            walls[jobs].append(wall)
            others[jobs].append(OTHERS[-1])
            if jobs == 2:
                rss.append(data["children_maxrss_mb"])
    one, two = statistics.median(walls[1]), statistics.median(walls[2])
    floor = {"seconds": statistics.median(floors)}
    floor2 = floor["seconds"] / 2
    to_floor = statistics.median(w / (f / 2) for w, f in zip(walls[2], floors, strict=True))
    return [
        Case(
            f"batch of {n} text dossiers, --jobs 1",
            "s",
            walls[1],
            others=others[1],
            note=f"{n / one:.1f} dossiers/s; per-dossier times sum to {floor['seconds']:.2f} s "
            f"(median of {runs}, one before each run; others {100 * statistics.median(floor_others):.0f} % meanwhile)",
        ),
        Case(
            f"batch of {n} text dossiers, --jobs 2",
            "s",
            walls[2],
            "≥ 1.7× --jobs 1",
            one / two >= 1.7,
            ratio=one / two,
            ratio_of="throughput vs --jobs 1",
            others=others[2],
            note=f"{n / two:.1f} dossiers/s",
        ),
        Case(
            f"batch of {n}, --jobs 2 against the floor",
            "s",
            walls[2],
            "≤ 1.15× floor",
            to_floor <= 1.15,
            ratio=to_floor,
            ratio_of=f"wall / floor, median of the runs' pairs (floor {floor2:.2f} s)",
            others=others[2],
            note=f"ratio of medians {two / floor2:.2f}×",
        ),
        Case("batch --jobs 2: memory of the largest worker", "MB", rss, note="ru_maxrss"),
    ]


FORMS_N = 30  # scanned dossiers of the fill-forms case


def _scan_intake(n: int) -> Path:
    """bench/corpus/scan30/NN-<source>: n copies of the scanned dossiers (rebuilt when missing)."""
    root = CORPUS / f"scan{n}"
    if not root.is_dir() or len(list(root.iterdir())) != n:
        shutil.rmtree(root, ignore_errors=True)
        names = list(SCAN_SOURCES)
        for i in range(n):
            shutil.copytree(SAMPLES / names[i % len(names)], root / f"{i:02d}-{names[i % len(names)]}")
    return root


def case_forms(runs: int) -> list[Case]:
    """fill-forms against check over the same scanned dossiers, both warm (the cache filled)."""
    intake = _scan_intake(FORMS_N)
    out = CORPUS / "forms-out"
    key = "heilongjiang"
    check = pingtai("check", str(intake), "-j", key, "--as-of", AS_OF, "-f", "jsonl", "-q", "--jobs", "2")
    forms = pingtai(
        "fill-forms", str(intake), "-j", key, "--as-of", AS_OF, "-q", "--jobs", "2",
        "--include-all", "--force", "--out", str(out),
    )  # fmt: skip
    clear_cache()
    timed(check)  # the cache filled: OCR once per distinct scan
    timed(forms)
    wait_idle(WAIT)
    walls: dict[str, list[float]] = {"check": [], "forms": [], "rendered": []}
    others: dict[str, list[float]] = {"check": [], "forms": [], "rendered": []}
    for _ in range(runs):
        for name, cmd in (("check", check), ("forms", forms), ("rendered", forms)):
            if name == "rendered":  # the forms kept by the run before dropped: every form rendered
                shutil.rmtree(CACHE / "forms", ignore_errors=True)
            wait_idle(WAIT / 4)
            walls[name].append(timed(cmd)[0])
            others[name].append(OTHERS[-1])
    shutil.rmtree(out, ignore_errors=True)
    c, f = statistics.median(walls["check"]), statistics.median(walls["forms"])
    r = statistics.median(walls["rendered"])
    return [
        Case(f"check, {FORMS_N} scanned dossiers, warm, --jobs 2", "s", walls["check"], others=others["check"]),
        Case(
            f"fill-forms, {FORMS_N} scans, extraction warm, no form kept",
            "s",
            walls["rendered"],
            ratio=r / c,
            ratio_of="fill-forms / check (every form rendered)",
            others=others["rendered"],
            note="the forms cache (forms.stored) emptied before each run: 61 forms rendered",
        ),
        Case(
            f"fill-forms, {FORMS_N} scanned dossiers, warm, --jobs 2",
            "s",
            walls["forms"],
            "≤ 2× check",
            f <= 2 * c,
            ratio=f / c,
            ratio_of="fill-forms / check, warm",
            others=others["forms"],
            note=f"{FORMS_N} 推荐汇总表 rows, {FORMS_N} × (申请报告 + 审核意见表); forms kept by the run before (forms.stored)",
        ),
    ]


CLUSTER_RUNS = 5  # pairs (local, cluster) at least: three gave 0.59× one day and 1.21× another


def case_cluster(texts: list[Path], runs: int) -> list[Case]:
    """The same batch on a Dask LocalCluster (2 worker processes, 1 thread each) against --jobs 2.

    The cluster is started once (its start-up is a row of its own, as a bureau starts its cluster
    once a day); the runs alternate local and cluster so a neighbour's load falls on both alike,
    and the ratio is the median of the pairs' ratios.
    """
    try:
        from distributed import LocalCluster
    except ImportError:
        return [Case("batch on a Dask LocalCluster", "s", [0.0], note="distributed not installed")]
    n = len(texts)
    base = pingtai("check", str(CORPUS / "text"), "-j", "liaoning", "--as-of", AS_OF, "-f", "jsonl", "-q", "--no-cache")
    os.environ["PINGTAI_CACHE_DIR"] = str(CACHE)  # the workers inherit it
    wait_idle(WAIT)
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    started = time.perf_counter() - start
    runs = max(runs, CLUSTER_RUNS)
    try:
        remote = [*base, "--scheduler", cluster.scheduler_address]
        timed(remote)  # the workers import pingtai once
        wait_idle(WAIT)
        walls: dict[str, list[float]] = {"local": [], "cluster": []}
        others: dict[str, list[float]] = {"local": [], "cluster": []}
        for _ in range(runs):
            for name, cmd in (("local", [*base, "--jobs", "2"]), ("cluster", remote)):
                wait_idle(WAIT / 4)
                walls[name].append(timed(cmd)[0])
                others[name].append(OTHERS[-1])
    finally:
        cluster.close()
    loc, clu = statistics.median(walls["local"]), statistics.median(walls["cluster"])
    ratio = statistics.median(c / lo for c, lo in zip(walls["cluster"], walls["local"], strict=True))
    return [
        Case("Dask LocalCluster start-up, 2 workers", "s", [started], note="once per cluster, not in the runs below"),
        Case(f"batch of {n}, --jobs 2 (the cluster's peer)", "s", walls["local"], others=others["local"]),
        Case(
            f"batch of {n} on a Dask LocalCluster, 2 workers",
            "s",
            walls["cluster"],
            "measured (overhead)",
            None,
            ratio=ratio,
            ratio_of="cluster / --jobs 2, median of interleaved pairs",
            others=others["cluster"],
            note=f"ratio of medians {clu / loc:.2f}×; {runs} pairs; workers warm (pingtai imported), "
            "each run a fresh client process (imports distributed, connects)",
        ),
    ]


# ---------------------------------------------------------------------------
# probes: run inside a fresh process, write what they measured to $PINGTAI_BENCH_PROBE


def case_degraded(runs: int) -> tuple[list[Case], str]:
    """The degraded-scan set (scripts/degraded_scans.py) read in a fresh process: a table of
    what each variant gave, and OCR seconds per page upright (orientation off/on, alternating
    in one run) and turned 90°."""
    wait_idle(WAIT)
    out = CORPUS / "degraded.json"
    CORPUS.mkdir(parents=True, exist_ok=True)
    script = ROOT / "scripts" / "degraded_scans.py"
    subprocess.run(
        [sys.executable, str(script), "--json", str(out), "--speed", str(runs)],
        check=True, env=env(), stdout=subprocess.DEVNULL,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    speed = report["speed"]
    runs_of = speed.get("samples", {})
    cases = [
        Case("OCR s/页：正向页，方向处理关闭", "s", runs_of.get("upright_off") or [speed["upright_off"]]),
        Case("OCR s/页：正向页，方向处理开启", "s", runs_of.get("upright_on") or [speed["upright_on"]],
             ratio=speed["upright_ratio"], ratio_of="开启 / 关闭", target="≤ 1.15×",
             met=speed["upright_ratio"] <= 1.15),
        Case("OCR s/页：旋转90°页", "s", runs_of.get("sideways_on") or [speed["sideways_on"]],
             ratio=speed["sideways_ratio"], ratio_of="旋转 / 正向", target="≤ 2×",
             met=speed["sideways_ratio"] <= 2.0),
    ]
    return cases, degraded_table(report["rows"])


def degraded_table(rows: list[dict[str, Any]]) -> str:
    """Markdown: one row per variant, ✔ where the expected value was read."""
    head = "| 变体 | 执照识别 | 信用代码 | 成立日期 | 审计年度 | 资产总计 | OCR页 | 秒 |"
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        miss = set(row["misses"])
        marks = ["✘" if k in miss else "✔" for k in ("classified", "credit_code", "registration_date", "audit_year", "total_assets")]
        lines.append(f"| {row['what']} | {' | '.join(marks)} | {row['ocr_pages']} | {row['seconds']:.1f} |")
    full = sum(1 for r in rows if r["fully_read"])
    lines.append(f"\n完全读出 {full}/{len(rows)} 个变体")
    return "\n".join(lines)


def run_probe(kind: str, args: list[str]) -> None:
    report: dict[str, Any] = {}
    if kind == "floor":
        report["seconds"] = _floor([Path(a) for a in args])
    else:
        import io

        from pingtai_cli import cli

        timing = _time_ocr() if kind == "check" else None
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured), contextlib.suppress(SystemExit):
            cli._register()
            cli.app(args, standalone_mode=False)
        if timing is not None:
            report.update(timing.report())
            report["result"] = json.loads(captured.getvalue())
            report["ocr_pages"] = _ocr_pages_of(report["result"])
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        report["children_maxrss_mb"] = children / 1024
        report["self_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(os.environ["PINGTAI_BENCH_PROBE"]).write_text(json.dumps(report, ensure_ascii=False))


class _OcrTiming:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.cpu_seconds = 0.0  # all threads of the process
        self.calls = 0
        self.engine_seconds = 0.0

    def report(self) -> dict[str, Any]:
        return {
            "ocr_seconds": self.seconds,
            "ocr_cpu_seconds": self.cpu_seconds,
            "ocr_calls": self.calls,
            "engine_seconds": self.engine_seconds,
        }


def _time_ocr() -> _OcrTiming:
    """Wrap the OCR engine's creation and each OCR run; pages OCR'd come from the result."""
    from pingtai_cli.intake.sources import ocr

    timing = _OcrTiming()
    make_engine, run = ocr.engine, ocr.ocr_image

    def engine() -> Any:
        start = time.perf_counter()
        try:
            return make_engine()
        finally:
            timing.engine_seconds += time.perf_counter() - start

    def ocr_image(img: Any, **kwargs: Any) -> Any:
        engine()  # created (and timed) apart from the first page
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return run(img, **kwargs)
        finally:
            timing.seconds += time.perf_counter() - start
            timing.cpu_seconds += time.process_time() - cpu
            timing.calls += 1

    ocr.engine, ocr.ocr_image = engine, ocr_image
    return timing


def _floor(paths: list[Path]) -> float:
    """Sum of per-dossier check times (read + evaluate, no cache) in one warm process."""
    from datetime import date

    from pingtai_cli.api import check_many

    when = date.fromisoformat(AS_OF)
    check_many(paths[0], ["liaoning"], as_of=when, use_cache=False)  # imports and rulesets warm
    total = 0.0
    for p in paths:
        start = time.perf_counter()
        check_many(p, ["liaoning"], as_of=when, use_cache=False)
        total += time.perf_counter() - start
    return total


def _ocr_pages_of(result: dict[str, Any]) -> int:
    return sum(f.get("ocr_pages", 0) for f in result.get("files", []))


# ---------------------------------------------------------------------------
# the table


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def table(cases: list[Case]) -> str:
    header = ("case", "median", "min", "max", "ratio", "target", "met?", "others")
    rows: list[tuple[str, ...]] = [header]
    for c in cases:
        ratio = f"{c.ratio:.2f}× ({c.ratio_of})" if c.ratio is not None else ""
        met = {True: "yes", False: "NO", None: "—"}[c.met]
        others = f"{100 * statistics.median(c.others):.0f} %" if c.others else ""
        values = (c.median, min(c.samples), max(c.samples))
        rows.append((c.name, *(fmt(v, c.unit) for v in values), ratio, c.target, met, others))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    notes = [f"- {c.name}: {c.note}" for c in cases if c.note]
    notes.append("- others: median share of the CPUs that other processes used during the samples")
    return "\n".join(lines + ([""] + notes if notes else []))


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def machine() -> dict[str, Any]:
    """What the numbers were measured on (Linux details left empty elsewhere)."""
    model = commit = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as fh:
        model = next(
            (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), ""
        )
    with contextlib.suppress(OSError):
        git = ["git", "rev-parse", "--short", "HEAD"]
        commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": commit,
    }


def main() -> None:
    global WAIT  # noqa: PLW0603
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, a 20-dossier batch")
    parser.add_argument(
        "--wait",
        type=float,
        default=WAIT,
        help="seconds to wait for a quiet machine before each case (default 20)",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups to run: machine,startup,text,scans,batch,forms,cluster,degraded (default all)",
    )
    parser.add_argument("--probe", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.probe:
        run_probe(opts.probe[0], opts.probe[1:])
        return
    WAIT = opts.wait
    if opts.only == "degraded":  # the degraded-scan set alone, with its own table
        cases, degraded = case_degraded(3 if opts.quick else 5)
        print(table(cases))
        print()
        print(degraded)
        return
    runs, text_n, scan_runs, batch_runs = (3, 20, 1, 1) if opts.quick else (7, 100, 3, 3)
    started = time.perf_counter()
    only = set(filter(None, opts.only.split(",")))

    def want(group: str) -> bool:
        return not only or group in only

    corpus = any(want(g) for g in ("text", "scans", "batch", "cluster"))  # `--only startup`: none
    texts, scans = build_corpus(text_n, len(SCAN_SOURCES)) if corpus else ([], [])

    cases = case_machine(runs) if want("machine") else []
    cases += case_startup(runs) if want("startup") else []
    if want("text"):
        cases.append(case_text_cold(texts, runs))
    cases += case_scans(scans, scan_runs) if want("scans") else []
    cases += case_batch(texts, batch_runs) if want("batch") else []
    cases += case_forms(batch_runs) if want("forms") else []
    cases += case_cluster(texts, batch_runs) if want("cluster") else []
    degraded_cases, degraded = case_degraded(runs) if want("degraded") else ([], None)
    cases += degraded_cases
    clear_cache()
    text = table(cases)
    print(text)
    if degraded is not None:
        print()
        print(degraded)
    took = time.perf_counter() - started
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(f"\n{stamp}, {os.cpu_count()} CPUs, {took:.0f} s{' (--quick)' if opts.quick else ''}")
    report = {
        "when": stamp,
        "quick": opts.quick,
        "seconds": round(took, 1),
        "machine": machine(),
        "cases": [{**asdict(c), "median": c.median} for c in cases],
        "table": text,
        "degraded": degraded,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in ("latest.json", f"run-{stamp.replace(':', '')}.json"):
        (RESULTS / name).write_text(
            json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )


if __name__ == "__main__":
    main()
