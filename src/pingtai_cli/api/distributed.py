"""A batch on a Dask distributed cluster (`--scheduler tcp://HOST:8786`): each dossier is one task.

No networking of pingtai's own: Dask's scheduler places the tasks, its workers run them, and
the results come back as the same CheckResult objects a local run makes, so every output is
identical. What the workers need: the same pingtai version installed (checked before any task
is sent), and the dossiers at the same path (a shared file system), since a task carries a
path, not the files. The extraction cache is each worker machine's own.

A task tells this process when it starts (a Dask event on the run's own topic), which gives
the progress its 仍在检查 names and the time limit its clock. Dask cannot stop a running task:
past the limit the dossier is an error result here, its task is cancelled, and its worker is
restarted by its nanny (what `dask worker` runs under by default), which is the only way to
end a task's thread. A worker without a nanny is left alone, since restarting it would shut it
down for good; its thread then runs on until the dossier ends, its result unused.

Optional: `pip install "pingtai[distributed]"`; imported only when `--scheduler` is given.
"""

from __future__ import annotations

import queue
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.core.models import CheckResult
from pingtai_cli.core.version import __version__

if TYPE_CHECKING:
    from pingtai_cli.api.batch import AsFinished, Told

CONNECT_TIMEOUT = "10s"
RESTART_TIMEOUT = 60  # seconds for a nanny to replace a worker stopped past the time limit
INSTALL_HINT = '--scheduler 需要 Dask 分布式组件：pip install "pingtai[distributed]"'


def worker_version() -> str:
    """Run on every worker before the batch: a worker with another pingtai would judge otherwise."""
    from pingtai_cli.intake.cached import extractor_version

    return f"{__version__}/{extractor_version()}"


def check_task(path: str, job: Any, topic: str | None = None, index: int = -1) -> list[CheckResult]:
    """One dossier on a worker: exactly what a local worker process does with it, once it has
    said on `topic` that it started (the time limit counts from then, not from submission)."""
    from pingtai_cli.api.batch import _safe_check

    if topic is not None:
        _announce(topic, index)
    return _safe_check(Path(path), job)


def _announce(topic: str, index: int) -> None:
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a worker (a task run in-process by a test): nobody listens
        return
    worker.log_event(topic, {"index": index, "worker": worker.address})


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError as e:
        raise PingtaiError(INSTALL_HINT) from e
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise PingtaiError(f"无法连接 Dask 调度器 {address}：{e}") from e


def _check_workers(client: Any, address: str) -> None:
    want = worker_version()
    try:
        got: dict[str, str] = client.run(worker_version)
    except Exception as e:  # a worker without pingtai at all cannot even unpickle the function
        raise PingtaiError(f"调度器 {address} 的工作节点无法运行 pingtai（未安装？）：{e}") from e
    if not got:
        raise PingtaiError(f"调度器 {address} 没有可用的工作节点（dask worker {address}）。")
    other = {w: v for w, v in got.items() if v != want}
    if other:
        shown = "；".join(f"{w}：{v}" for w, v in sorted(other.items())[:5])
        raise PingtaiError(f"工作节点的 pingtai 版本与本机（{want}）不同，结果会不一致，已停止：{shown}")


def run_on_cluster(
    paths: list[Path],
    job: Any,
    *,  # two callbacks of one type: named at the call, so a swap cannot pass silently
    progress: Told | None,
    on_start: Told | None,
) -> AsFinished:
    """Yield (index, results) per dossier as the cluster finishes them (`on_start`, `progress`:
    told of each); a lost task, or one past the time limit, is an error result."""
    from dataclasses import replace

    local = replace(job, scheduler=None, missing_paths=[])  # what a task needs, nothing of the run
    client = _client(job.scheduler)
    try:
        _check_workers(client, job.scheduler)
        run_id = uuid.uuid4().hex[:12]
        topic = f"pingtai-{run_id}"
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        client.subscribe_topic(topic, lambda event: events.put(("start", event[1])))
        futures = []
        for i, p in enumerate(paths):
            future = client.submit(check_task, str(p), local, topic, i, key=f"{topic}-{i}", pure=False)
            future.add_done_callback(lambda _f, i=i: events.put(("done", i)))
            futures.append(future)
        yield from _follow(client, futures, paths, job, events, progress, on_start)
    finally:
        client.close()


def _follow(
    client: Any,
    futures: list[Any],
    paths: list[Path],
    job: Any,
    events: queue.Queue[tuple[str, Any]],
    progress: Told | None,
    on_start: Told | None,
) -> AsFinished:
    from pingtai_cli.api.batch import _TIMED_OUT, BATCH_TIMEOUT, _errors

    limit = BATCH_TIMEOUT if job.timeout is None else job.timeout
    running: dict[int, tuple[float, str]] = {}  # index → (started here, worker address)
    finished: set[int] = set()  # a dossier is reported once: a late result after the limit is dropped
    while len(finished) < len(paths):
        try:
            kind, data = events.get(timeout=0.5)
        except queue.Empty:
            kind, data = "", None
        if kind == "start" and data["index"] not in finished:
            running[data["index"]] = (time.monotonic(), data["worker"])
            if on_start:
                on_start(paths[data["index"]])
        elif kind == "done" and data not in finished:
            running.pop(data, None)
            finished.add(data)
            if progress:
                progress(paths[data])
            yield data, _outcome(futures[data], paths[data], job)
        now = time.monotonic()
        for index, (started, worker) in list(running.items()):
            if index in running and now - started > limit:
                futures[index].cancel()
                _stop(client, worker)
                # the worker's other tasks start again elsewhere, and say so again
                running = {i: v for i, v in running.items() if v[1] != worker}
                finished.add(index)
                if progress:
                    progress(paths[index])
                yield index, _errors(paths[index], job, _TIMED_OUT.format(limit=limit))


def _outcome(future: Any, path: Path, job: Any) -> list[CheckResult]:
    from pingtai_cli.api.batch import _errors

    try:
        results: list[CheckResult] = future.result()
    except Exception as e:  # the worker died (KilledWorker) or the task could not run
        return _errors(path, job, f"分布式任务失败：{type(e).__name__}: {e}")
    return results


def _stop(client: Any, worker: str) -> None:
    """End a task's thread the only way Dask can: its nanny restarts the worker process."""
    try:
        info = client.scheduler_info()["workers"].get(worker) or {}
        if info.get("nanny"):
            client.restart_workers([worker], timeout=RESTART_TIMEOUT, raise_for_error=False)
    except Exception:  # noqa: BLE001 - the worker may be gone already; the batch goes on
        pass
