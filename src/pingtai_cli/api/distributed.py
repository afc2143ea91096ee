"""A batch on a Dask distributed cluster (`--scheduler tcp://HOST:8786`): each dossier is one task.

No networking of pingtai's own: Dask's scheduler places the tasks, its workers run them, and
the results come back as the same CheckResult objects a local run makes, so every output is
identical. What the workers need: the same pingtai version installed (checked before any task
is sent), and the dossiers at the same path (a shared file system), since a task carries a
path, not the files. The extraction cache is each worker machine's own.

Optional: `pip install "pingtai[distributed]"`; imported only when `--scheduler` is given.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.core.models import CheckResult
from pingtai_cli.core.version import __version__

CONNECT_TIMEOUT = "10s"
INSTALL_HINT = '--scheduler 需要 Dask 分布式组件：pip install "pingtai[distributed]"'


def worker_version() -> str:
    """Run on every worker before the batch: a worker with another pingtai would judge otherwise."""
    from pingtai_cli.intake.cached import EXTRACTOR_VERSION

    return f"{__version__}/{EXTRACTOR_VERSION}"


def check_task(path: str, job: Any) -> list[CheckResult]:
    """One dossier on a worker: exactly what a local worker process does with it."""
    from pingtai_cli.api.batch import _safe_check

    return _safe_check(Path(path), job)


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
    paths: list[Path], job: Any, progress: Callable[[Path], None] | None = None
) -> Iterator[tuple[int, list[CheckResult]]]:
    """Yield (index, results) per dossier as the cluster finishes them; a lost task is an error result."""
    from dataclasses import replace

    from distributed import as_completed

    from pingtai_cli.api.batch import _errors

    local = replace(job, scheduler=None, missing_paths=[])  # what a task needs, nothing of the run
    client = _client(job.scheduler)
    try:
        _check_workers(client, job.scheduler)
        run_id = uuid.uuid4().hex[:12]
        futures = {
            client.submit(check_task, str(p), local, key=f"pingtai-{run_id}-{i}", pure=False): i
            for i, p in enumerate(paths)
        }
        for future in as_completed(futures, loop=client.loop):
            index = futures[future]
            try:
                results = future.result()
            except Exception as e:  # the worker died (KilledWorker) or the task could not run
                results = _errors(paths[index], job, f"分布式任务失败：{type(e).__name__}: {e}")
            if progress:
                progress(paths[index])
            yield index, results
    finally:
        client.close()
