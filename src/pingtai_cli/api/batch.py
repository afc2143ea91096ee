"""Batch runs: find the dossiers under the given paths and check them in worker processes.

Each worker is a long-lived process (the OCR engine and imports are paid once);
the parent kills a worker whose dossier runs past the time limit and starts a
fresh one, so one pathological dossier cannot hang a bureau's intake.
"""

from __future__ import annotations

import os
import queue
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pingtai_cli.api import check_many, error_result
from pingtai_cli.core.deadline import TimeLimit, time_limit
from pingtai_cli.core.models import CheckResult
from pingtai_cli.engine.duplicates import duplicate_findings

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
BATCH_TIMEOUT = 300.0  # seconds per dossier in a batch when the user gives none


@dataclass
class Job:
    """What every dossier of a batch is checked for."""

    jurisdictions: list[str]
    as_of: date
    rulesets_dir: Path | None = None
    limits: Any = None
    use_cache: bool = True
    timeout: float | None = None  # None: BATCH_TIMEOUT in a batch, no limit for one dossier in-process
    jobs: int = 1
    missing_paths: list[str] = field(default_factory=list)
    # What a worker does with one dossier (default: check_path). fill-forms reads and checks and
    # keeps the dossier it read; a module-level function, so that it pickles for remote workers.
    task: Callable[[Path, Job], list[CheckResult]] | None = None
    scheduler: str | None = None  # a Dask distributed scheduler (tcp://HOST:8786): each dossier a task
    encode_json: bool = False  # workers make each result's compact JSON too (`check -f json|jsonl`)
    # Work for this process while the workers check (fill-forms opens its templates): run once,
    # right after the workers have started, so that nothing it loads is forked into them. Only a
    # pool of workers runs it (one dossier in-process, or a cluster: not at all, nor is it sent).
    meanwhile: Callable[[], None] | None = None
    # The caller reads nothing of a result but that JSON, the verdict and what duplicates compare
    # (`check -q -f json|jsonl`): workers send results stripped to that (_stripped).
    json_only: bool = False


def _has_workbook(path: Path) -> bool:
    try:
        return any(e.suffix.lower() in WORKBOOK_SUFFIXES and e.is_file() for e in path.iterdir())
    except OSError:
        return False


def _dossier_children(path: Path) -> list[Path]:
    """Subfolders holding a workbook, and zips: what makes a folder an intake of several dossiers."""
    try:
        entries = sorted(e for e in path.iterdir() if not e.name.startswith("."))
    except OSError:
        return []
    # A link may point anywhere on the machine: neither a linked folder nor a linked zip is
    # taken as a dossier of the intake.
    zips = [e for e in entries if e.suffix.lower() == ".zip" and e.is_file() and not e.is_symlink()]
    dirs = [e for e in entries if e.is_dir() and not e.is_symlink()]
    if not zips and not any(_has_workbook(d) for d in dirs):
        return []
    return sorted(zips + dirs)


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """(dossiers, paths that do not exist). A folder of dossiers expands to its children."""
    found: list[Path] = []
    missing: list[str] = []
    for p in paths:
        if not p.exists():
            missing.append(str(p))
        elif p.is_file() or _has_workbook(p) or not (children := _dossier_children(p)):
            found.append(p)  # one dossier: a zip, a folder with its workbook, or a folder of loose files
        else:
            found.extend(children)  # listed once: an intake of hundreds is stat'ed entry by entry
    return found, missing


def not_dossiers(paths: list[Path]) -> list[Path]:
    """Loose files beside the dossiers of an intake folder (a 说明.txt): said, never silently dropped."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir() and not _has_workbook(p) and (kids := set(_dossier_children(p))):
            out.extend(e for e in sorted(p.iterdir()) if e not in kids and not e.name.startswith(".") and e.is_file())
    return out


def check_path(path: Path, job: Job) -> list[CheckResult]:

    return check_many(
        path,
        job.jurisdictions,
        as_of=job.as_of,
        rulesets_dir=job.rulesets_dir,
        limits=job.limits,
        use_cache=job.use_cache,
    )


def _safe_check(path: Path, job: Job) -> list[CheckResult]:
    """Never lets one dossier's surprise end the batch: it becomes that dossier's error result."""
    try:
        return (job.task or check_path)(path, job)
    except Exception as e:  # a bug or an unforeseen file: one result, the rest go on
        return _errors(path, job, f"内部错误 {type(e).__name__}: {e}")


def _check_in_time(path: Path, job: Job, limit: float) -> list[CheckResult]:
    """One dossier in this process, stopped by an alarm past the limit (no worker to kill)."""

    try:
        with time_limit(limit):
            return _safe_check(path, job)
    except TimeLimit:
        return _errors(path, job, _TIMED_OUT.format(limit=limit))


_TIMED_OUT = "超过单个卷宗时限 {limit:g} 秒，已中止"


def _errors(path: Path, job: Job, reason: str) -> list[CheckResult]:
    from pingtai_cli.rules.schema import load_ruleset

    out = []
    for key in job.jurisdictions:
        rs = load_ruleset(key, job.rulesets_dir)
        out.append(error_result(str(path), rs, job.as_of, reason))
    return out


def _die_with_parent(parent: int) -> None:
    """A worker never outlives the command: the kernel kills it when the parent dies (Linux
    PR_SET_PDEATHSIG), elsewhere a thread watching the parent ends it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, not a traceback here
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if not _set_pdeathsig():
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


def _set_pdeathsig() -> bool:
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker(tasks: Any, results: Any, job: Job, parent: int | None = None) -> None:
    import gc

    _die_with_parent(parent or os.getppid())
    # What the parent built before the fork (typer, rulesets) lives as long as the worker: out of
    # the collector's sight it is neither traversed nor copied page by page (~3 % of a batch).
    gc.freeze()
    while True:
        item = tasks.get()
        if item is None:
            return
        index, path = item
        results.put(("start", index, os.getpid()))
        results.put(("done", index, _encoded(_safe_check(Path(path), job), job)))


def _encoded(results: list[CheckResult], job: Job) -> list[CheckResult]:
    """With `job.encode_json`, the JSON output is made here, in parallel, rather than by the parent
    one result after another once all are in (a tenth of the floor of a 100-dossier batch)."""
    if not job.encode_json:
        return results
    from pingtai_cli.outputs.report.json import encode

    for r in results:
        try:
            encode(r)
        except Exception:  # the parent's own render will say what is wrong
            r.encoded = None
    if job.json_only:
        return [_stripped(r) if r.encoded is not None else r for r in results]
    return results


def _stripped(result: CheckResult) -> CheckResult:
    """The result as `job.json_only` needs it beside its JSON: verdict and error (the exit code),
    findings (a duplicate finding is spliced in), credit code, name and file hashes (what
    duplicates compare). A few dozen objects to pickle and unpickle instead of a thousand or more:
    the parent unpickled every result while it competed with the workers for the cores."""
    from dataclasses import replace

    from pingtai_cli.core.models import MaterialFile

    code = result.facts.get("credit_code")
    return replace(
        result,
        conditions=[],
        functions=None,
        exclusions=[],
        materials=[],
        facts={"credit_code": code} if code is not None else {},
        files=[MaterialFile(f.path, f.kind, sha256=f.sha256) for f in result.files],
        encoded=replace(result.encoded, stripped=True),
    )


def run(
    paths: list[Path],
    job: Job,
    progress: Callable[[Path], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
) -> Iterator[tuple[int, list[CheckResult]]]:
    """Yield (index, results) per dossier as they finish (`on_start`, `progress`: told of each).

    One dossier without a time limit is checked in this process; anything else goes to
    workers, which are what a time limit can stop.
    """
    meanwhile, job.meanwhile = job.meanwhile, None  # never pickled for a cluster
    if job.scheduler:
        from pingtai_cli.api.distributed import run_on_cluster

        yield from run_on_cluster(paths, job, progress, on_start)
        return
    if len(paths) == 1 and job.jobs <= 1 and job.timeout is None:
        yield 0, _check_in_time(paths[0], job, BATCH_TIMEOUT)
        if progress:
            progress(paths[0])
        return
    yield from _pool(paths, job, progress, on_start=on_start, meanwhile=meanwhile)


def _spawn(ctx: Any, tasks: Any, results: Any, job: Job, workers: dict[int, Any]) -> None:
    """Start one worker; its stop token goes on the queue behind the remaining tasks."""
    tasks.put(None)
    w = ctx.Process(target=_worker, args=(tasks, results, job, os.getpid()), daemon=True)
    w.start()
    workers[w.pid] = w


def _pool(
    paths: list[Path],
    job: Job,
    progress: Callable[[Path], None] | None,
    on_start: Callable[[Path], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[tuple[int, list[CheckResult]]]:
    import multiprocessing as mp  # here, not at the top: one dossier (or --jobs 1) never needs it

    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    tasks: Any = ctx.Queue()
    results: Any = ctx.Queue()
    for i, p in enumerate(paths):
        tasks.put((i, str(p)))
    n = max(1, min(job.jobs, len(paths)))
    workers: dict[int, Any] = {}
    for _ in range(n):
        _spawn(ctx, tasks, results, job, workers)
    running: dict[int, tuple[int, float]] = {}  # pid → (index, started)
    limit = BATCH_TIMEOUT if job.timeout is None else job.timeout
    finished: set[int] = set()  # a dossier is reported once, even if a late result follows a kill
    try:
        if meanwhile is not None:  # the workers' messages wait in the queue (a start is timed from its reading)
            meanwhile()
        while len(finished) < len(paths):
            msgs = _next_message(results)
            while True:
                for msg in msgs:
                    if msg[0] == "start":
                        running[msg[2]] = (msg[1], time.monotonic())
                        if on_start:
                            on_start(paths[msg[1]])
                        continue
                    running = {pid: v for pid, v in running.items() if v[0] != msg[1]}
                    if msg[1] not in finished:
                        finished.add(msg[1])
                        if progress:
                            progress(paths[msg[1]])
                        yield msg[1], msg[2]
                # A worker that ended normally (its stop token read) flushed its last result into
                # the pipe before exiting, but the parent may see it gone before reading that
                # result: read everything sent before calling any dossier lost with its worker,
                # also when the wait for a message timed out an instant before the last one came.
                ended = any(not workers[pid].is_alive() for pid in running)
                msgs = _drain(results) if ended else []
                if not msgs:
                    break
            if not any(w.is_alive() for w in workers.values()) and len(finished) < len(paths):
                _spawn(ctx, tasks, results, job, workers)  # every worker died between tasks
            for pid, (index, started) in list(running.items()):
                w = workers[pid]
                timed_out = time.monotonic() - started > limit
                if timed_out or not w.is_alive():
                    w.kill()
                    w.join()
                    del running[pid]
                    if index in finished:
                        continue
                    reason = _TIMED_OUT.format(limit=limit) if timed_out else "读取进程意外退出"
                    finished.add(index)
                    if progress:
                        progress(paths[index])
                    yield index, _errors(paths[index], job, reason)
                    _spawn(ctx, tasks, results, job, workers)
    finally:
        for w in workers.values():
            if w.is_alive():
                w.kill()
            w.join(timeout=1)


def _next_message(results: Any) -> list[Any]:
    try:
        return [results.get(timeout=0.5)]
    except queue.Empty:
        return []


def _drain(results: Any) -> list[Any]:
    """Every message already sent (the senders have ended: nothing more is on its way from them)."""
    out = []
    while True:
        try:
            out.append(results.get(timeout=0.2))
        except queue.Empty:
            return out


def announce(paths: list[Path], job: Job, say: Callable[[str], None]) -> list[Path]:
    """The dossiers the paths hold; what is missing or not a dossier is said (and kept in `job`)."""
    dossiers, missing = discover(paths)
    job.missing_paths = missing
    for m in missing:
        say(f"错误：路径不存在或无法访问：{m}")
    for f in not_dossiers(paths):
        say(f"注意：{f} 不是卷宗（卷宗是文件夹或 .zip），未检查")
    return dossiers


def check_all(
    dossiers: list[Path],
    job: Job,
    progress: Callable[[Path], None] | None = None,
    on_start: Callable[[Path], None] | None = None,
) -> list[CheckResult]:
    """Every dossier's results in the order given, the same applicant's copies marked as duplicates."""

    ordered: list[list[CheckResult]] = [[] for _ in dossiers]
    for i, results in run(dossiers, job, progress, on_start):
        ordered[i] = results
    results = [r for rs in ordered for r in rs]
    if len(results) > 1:
        _mark_duplicates(results)
    return results


def _mark_duplicates(results: list[CheckResult]) -> None:
    """Each copy's duplicate finding, spliced into the JSON its worker made, if it made one."""
    from pingtai_cli.outputs.report.json import add_finding

    for i, finding in duplicate_findings(results).items():
        add_finding(results[i], finding)
