"""Batch runs: find the dossiers under the given paths and check them in worker processes.

Each worker is a long-lived process (the OCR engine and imports are paid once);
the parent kills a worker whose dossier runs past the time limit and starts a
fresh one, so one pathological dossier cannot hang a bureau's intake.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pingtai_cli.api import check_many, error_result
from pingtai_cli.core.deadline import TimeLimit, time_limit
from pingtai_cli.core.models import CheckResult
from pingtai_cli.engine.duplicates import duplicate_findings, shared_file_findings
from pingtai_cli.intake.listing import (
    form_kind,
    is_book,
    part_folder,
    zip_dossiers,
    zip_part,
    zip_unread,
)

BATCH_TIMEOUT = 300.0  # seconds per dossier in a batch when the user gives none
Told = Callable[[Path], None]  # told of a dossier as it starts (on_start) or finishes (progress)
AsFinished = Iterator[tuple[int, list[CheckResult]]]  # (index, results) per dossier as each finishes


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
        return any(is_book(e.name) and e.is_file() for e in path.iterdir())
    except OSError:
        return False


def _dossier_children(path: Path, depth: int = 0) -> list[Path]:
    """Subfolders holding a 申请表 (`_has_form`), and zips: what makes a folder an intake of several dossiers.
    A subfolder that is itself an intake (`_nested_intake`: a county's folder of its applicants, a
    folder holding only the applicant's zip) stands for the dossiers in it, not for one."""
    try:
        entries = sorted(e for e in path.iterdir() if not e.name.startswith("."))
    except OSError:
        return []
    # A link may point anywhere on the machine: neither a linked folder nor a linked zip is
    # taken as a dossier of the intake.
    zips = [e for e in entries if e.suffix.lower() == ".zip" and e.is_file() and not e.is_symlink()]
    dirs = [e for e in entries if e.is_dir() and not e.is_symlink()]
    nested = {d: kids for d in dirs if depth < MAX_NESTING and (kids := _nested_intake(d, depth + 1))}
    forms = _form_folders(dirs)
    # 申请表/ beside 附件/: one dossier's materials sorted into folders, not an intake of two
    sorted_parts = len(forms) == 1 and part_folder(forms[0].name)
    if not zips and not nested and (not forms or sorted_parts):
        return []
    found: list[Path] = []
    for e in sorted(zips + dirs):
        found.extend(nested.get(e) or (zip_dossiers(e)[0] if e in zips else []) or [e])
    return found


MAX_NESTING = 3  # 收件/县区/申报单位/: the levels below an intake that may group its dossiers
_JUNK = frozenset({"thumbs.db", "desktop.ini"})


def _nested_intake(path: Path, depth: int) -> list[Path]:
    """The dossiers of a folder inside an intake that is not one dossier but groups several (two or
    more subfolders with a 申请表, `_has_form`; its other subfolders are dossiers too, as in an intake), or
    holds only zips (the applicant's materials, zipped, in a folder of its name); [] for a dossier
    (a workbook of its own, or one 申请表 subfolder among 附件/)."""
    if _has_form(path):
        return []
    kids = _dossier_children(path, depth)
    if not kids:
        return []
    try:
        entries = [e for e in path.iterdir() if not e.name.startswith(".") and e.name.lower() not in _JUNK]
    except OSError:
        return []
    only_zips = all(e.is_file() and e.suffix.lower() == ".zip" for e in entries)
    # two dossiers among them at least: subfolders with a 申请表 of their own, or found in a group
    # below (one 申请表/ beside 附件/ is one dossier's materials, sorted into folders)
    forms = set(_form_folders([k for k in kids if k.parent == path and k.is_dir()]))
    dossiers = [k for k in kids if k.parent != path or k in forms]
    return kids if only_zips or len(dossiers) >= 2 else []


def _form_kind(path: Path) -> int:
    """How surely a folder is an applicant's dossier by its files (intake.listing.form_kind)."""
    try:
        return form_kind([e.name for e in path.iterdir() if not e.name.startswith(".") and e.is_file()])
    except OSError:
        return 0


def _has_form(path: Path) -> bool:
    return _form_kind(path) > 0


def _form_folders(dirs: list[Path]) -> list[Path]:
    """The folders among `dirs` that are applicants' dossiers by their 申请表: those with one named
    so, else, when none has, those with a 申请报告 among other materials if two or more have
    (one such folder beside others is one dossier's materials sorted into folders)."""
    kinds = {d: _form_kind(d) for d in dirs}
    strong = [d for d in dirs if kinds[d] == 2]
    if strong:
        return strong
    weak = [d for d in dirs if kinds[d] == 1]
    return weak if len(weak) >= 2 else []


def discover(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """(dossiers, paths that do not exist). A folder of dossiers expands to its children."""
    found: list[Path] = []
    missing: list[str] = []
    for p in paths:
        if zip_part(p) is not None:
            found.append(p)  # an applicant's folder of a zip, as a batch over the zip named it
        elif not p.exists():
            missing.append(str(p))
        elif p.is_file():
            found.extend(zip_dossiers(p)[0] or [p])  # a zip is one dossier, or holds several
        elif _has_workbook(p) or not (children := _dossier_children(p)):
            found.append(p)  # one dossier: a folder with its workbook, or a folder of loose files
        else:
            found.extend(children)  # listed once: an intake of hundreds is stat'ed entry by entry
    return found, missing


def not_dossiers(paths: list[Path]) -> list[Path]:
    """Loose files beside the dossiers of an intake folder (a 说明.txt), in it or in a folder of it
    that groups dossiers (a county's): said, never silently dropped."""
    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out += zip_dossiers(p)[1]
        elif p.is_dir() and not _has_workbook(p) and (kids := set(_dossier_children(p))):
            split = {part[0] for k in kids if (part := zip_part(k)) is not None}  # zips of several
            groups = sorted({k.parent for k in kids if k.exists()} | {p})
            for g in groups:
                out.extend(
                    e
                    for e in sorted(g.iterdir())
                    if e not in kids and e not in split and not e.name.startswith(".") and e.is_file()
                )
            out += [f for z in sorted(split) for f in zip_dossiers(z)[1]]
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
_UNSENT = "检查结果无法从读取进程传回"


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


def _worker(conn: Any, job: Job, parent: int | None = None, others: tuple[Any, ...] = ()) -> None:
    """Check each dossier the parent sends down `conn`, in order, and send back its results; a
    None (or the parent's end closed) is the end."""
    import gc

    _die_with_parent(parent or os.getppid())
    for other in others:  # the parent's ends of every pipe, forked into this process with it
        other.close()
    # What the parent built before the fork (typer, rulesets) lives as long as the worker: out of
    # the collector's sight it is neither traversed nor copied page by page (~3 % of a batch).
    gc.freeze()
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        index, path = item
        results = _encoded(_safe_check(Path(path), job), job)
        try:
            conn.send((index, results))
        except Exception as e:  # a result that does not pickle: pickling fails before a byte is sent
            conn.send((index, _errors(Path(path), job, f"{_UNSENT}（{type(e).__name__}）")))


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
    progress: Told | None = None,
    on_start: Told | None = None,
) -> AsFinished:
    """Yield (index, results) per dossier as they finish (`on_start`, `progress`: told of each).

    One dossier without a time limit is checked in this process; anything else goes to
    workers, which are what a time limit can stop.
    """
    meanwhile, job.meanwhile = job.meanwhile, None  # never pickled for a cluster
    if job.scheduler:
        from pingtai_cli.api.distributed import run_on_cluster

        yield from run_on_cluster(paths, job, progress=progress, on_start=on_start)
        return
    if len(paths) == 1 and job.jobs <= 1 and job.timeout is None:
        yield 0, _check_in_time(paths[0], job, BATCH_TIMEOUT)
        if progress:
            progress(paths[0])
        return
    yield from _pool(paths, job, progress, on_start=on_start, meanwhile=meanwhile)


# Dossiers sent ahead to a worker: with 2, a worker that finishes one starts the next at once
# instead of waiting for the parent to read its result and send another. Never more than a fair
# share of what is left, so that no worker sits on a dossier at the end while another idles.
IN_FLIGHT = 2


@dataclass
class _Worker:
    """One worker process, its end of the pipe, and the dossiers it holds (sent and not yet
    answered, in the order it checks them: the first is the one it is on, since `started`)."""

    process: Any
    conn: Any
    held: list[int] = field(default_factory=list)
    started: float = 0.0


def _spawn(ctx: Any, job: Job, workers: list[_Worker], stopped: list[_Worker]) -> _Worker:
    """Start one worker with a pipe of its own: the parent always knows which dossiers it holds,
    and a worker killed or dead takes no other worker's message or lock down with it."""
    mine, theirs = ctx.Pipe()
    # Only the worker keeps its end (this process closes it once forked), so the pipe reads as
    # ended the moment the worker is gone, whatever it had half-sent. A forked worker closes its
    # copies of this process's ends (its own, and every other worker's).
    forked = ctx.get_start_method() == "fork"
    others = (mine, *(w.conn for w in workers + stopped)) if forked else ()
    p = ctx.Process(target=_worker, args=(theirs, job, os.getpid(), others), daemon=True)
    p.start()
    theirs.close()
    w = _Worker(p, mine)
    workers.append(w)
    return w


def _wait(objects: list[Any], timeout: float | None) -> list[Any]:
    """The pipes with a message (or ended) and the sentinels of workers gone, within `timeout`."""
    from multiprocessing.connection import wait

    return wait(objects, timeout)


def _pool(
    paths: list[Path],
    job: Job,
    progress: Told | None,
    on_start: Told | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> AsFinished:
    """The workers of a batch, each fed its next dossier by this process down its own pipe."""
    import multiprocessing as mp  # here, not at the top: one dossier (or --jobs 1) never needs it

    ctx = mp.get_context("fork") if hasattr(os, "fork") else mp.get_context()
    n = max(1, min(job.jobs, len(paths)))
    limit = BATCH_TIMEOUT if job.timeout is None else job.timeout
    pending = list(range(len(paths)))[::-1]  # popped from the end: the first dossier first
    workers: list[_Worker] = []  # the live ones this process feeds
    stopped: list[_Worker] = []  # told to end, holding nothing
    finished: set[int] = set()  # a dossier is reported once, whatever comes after
    out: list[tuple[int, list[CheckResult]]] = []  # to report, once the bookkeeping is done

    def give(w: _Worker, most: int = IN_FLIGHT) -> None:
        """Top `w` up to its share of what is left; tell it to end when nothing is left for it."""
        while pending and (not w.held or (len(w.held) < most and len(pending) >= n)):
            index = pending.pop()
            try:
                w.conn.send((index, str(paths[index])))
            except OSError:  # gone: its sentinel says so at the next wait
                pending.append(index)
                return
            w.held.append(index)
            if len(w.held) == 1:
                begin(w)
        if not w.held and not pending:
            with suppress(OSError):
                w.conn.send(None)
            workers.remove(w)
            stopped.append(w)

    def begin(w: _Worker) -> None:
        """`w` is on its first dossier from now (it starts each as soon as the one before ends)."""
        w.started = time.monotonic()
        if on_start:
            on_start(paths[w.held[0]])

    def report(index: int, results: list[CheckResult]) -> None:
        if index not in finished:
            finished.add(index)
            out.append((index, results))

    def read(w: _Worker) -> bool:
        """Every message `w` has sent; False once its pipe has ended (the worker is gone)."""
        try:
            while w.conn.poll(0):
                try:
                    index, results = w.conn.recv()
                except (EOFError, OSError):
                    raise
                except Exception as e:  # bytes that do not unpickle here, read whole: the pipe goes on
                    if not w.held:
                        continue
                    index = w.held[0]  # a worker answers in the order it was given them
                    results = _errors(paths[index], job, f"{_UNSENT}（{type(e).__name__}）")
                w.held.remove(index)
                report(index, results)
                if w.held:
                    begin(w)
        except (EOFError, OSError):
            return False
        return True

    def lose(w: _Worker, reason: str) -> None:
        """`w` is gone, or killed past the limit: what it sent is read, the dossier it was on gets
        `reason`, those sent behind it go to another worker, and its pipe is dropped."""
        w.process.kill()
        w.process.join()
        read(w)  # to its end: every fd of its pipe is closed now, so nothing half-sent blocks
        w.conn.close()
        workers.remove(w)
        if w.held:
            report(w.held[0], _errors(paths[w.held[0]], job, reason))
            pending.extend(reversed(w.held[1:]))
            w.held = []

    try:
        for _ in range(n):
            _spawn(ctx, job, workers, stopped)
        for most in range(1, IN_FLIGHT + 1):  # one each first, then the next one each
            for w in list(workers):
                give(w, most)
        if meanwhile is not None:  # the workers go on; their results wait in their pipes
            meanwhile()
        while len(finished) < len(paths):
            deadline = min((w.started + limit for w in workers if w.held), default=None)
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            owner = {w.conn: w for w in workers} | {w.process.sentinel: w for w in workers}
            ready = {id(owner[o]) for o in _wait(list(owner), timeout)}
            for w in [w for w in workers if id(w) in ready]:
                if not read(w) or not w.process.is_alive():
                    lose(w, "读取进程意外退出")
            for w in [w for w in workers if w.held and time.monotonic() - w.started > limit]:
                if not read(w):  # a result sent at the limit is still a result
                    lose(w, "读取进程意外退出")
                elif w.held and time.monotonic() - w.started > limit:
                    lose(w, _TIMED_OUT.format(limit=limit))
            for w in list(workers):
                give(w)
            while pending and len(workers) < n:
                give(_spawn(ctx, job, workers, stopped))
            for index, results in out:
                if progress:
                    progress(paths[index])
                yield index, results
            out.clear()
    finally:
        for w in workers:  # still holding dossiers: the batch was stopped
            w.process.kill()
        for w in workers + stopped:
            w.process.join(timeout=1)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()


def announce(paths: list[Path], job: Job, say: Callable[[str], None]) -> list[Path]:
    """The dossiers the paths hold; what is missing or not a dossier is said (and kept in `job`)."""
    dossiers, missing = discover(paths)
    job.missing_paths = missing
    for m in missing:
        say(f"错误：路径不存在或无法访问：{m}")
    for f in not_dossiers(paths):
        say(f"注意：{f} 不是卷宗（卷宗是文件夹或 .zip），未检查")
    split = sorted({part[0] for d in dossiers if (part := zip_part(d)) is not None})
    for message in (m for z in split for m in zip_unread(z)):
        say(f"注意：{message}")
    return dossiers


def check_all(
    dossiers: list[Path],
    job: Job,
    progress: Told | None = None,
    on_start: Told | None = None,
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
    """Each copy's duplicate finding, and each shared-files one, spliced into the JSON its worker made."""
    from pingtai_cli.outputs.report.json import add_finding

    for i, finding in duplicate_findings(results).items():
        add_finding(results[i], finding)
    for i, finding in shared_file_findings(results).items():
        add_finding(results[i], finding)
