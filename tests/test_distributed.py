"""A batch on a Dask distributed cluster (a LocalCluster on loopback): each dossier a task, and
every output identical to a local run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_helpers import invoke
from samples import BROKEN_ZIP, make_intake

pytestmark = pytest.mark.slow  # a Dask LocalCluster of worker processes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
AS_OF = "2026-03-15"


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    names = ("liaoning_eligible", "national_low_assets", "xuchang_excluded", "shaoguan_small_premises.zip")
    return make_intake(tmp_path_factory.mktemp("dask") / "收件", {
        **{name: name for name in names},
        "zz_broken.zip": BROKEN_ZIP,
        "zz_again": "liaoning_eligible",  # a duplicate, found after the run
    })


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> str:
    from distributed import LocalCluster

    mp = pytest.MonkeyPatch()
    mp.setenv("PINGTAI_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))  # the workers inherit it
    # Port 0 everywhere and no dashboard: two xdist workers (or two developers) never collide.
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
        dashboard_address=None, worker_dashboard_address=None,
    )
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    yield cluster.scheduler_address
    cluster.close()
    mp.undo()


def _run(intake: Path, *args: str) -> str:
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-q", *args)
    assert res.exit_code == 1, (res.output, res.exception)
    return res.stdout


def test_a_cluster_run_gives_the_same_json_as_a_local_run(intake: Path, scheduler: str) -> None:
    local = json.loads(_run(intake, "-f", "json", "--jobs", "2"))
    remote = json.loads(_run(intake, "-f", "json", "--scheduler", scheduler))
    assert remote == local
    assert len(remote) == 6 and sum(bool(d.get("error")) for d in remote) == 1
    again = next(d for d in remote if d["dossier"].endswith("zz_again"))
    assert any(f["id"] == "dossier.duplicate" for f in again["findings"])


@pytest.mark.parametrize("fmt", ["markdown", "terminal"])
def test_a_cluster_run_gives_the_same_text_reports(intake: Path, scheduler: str, fmt: str) -> None:
    assert _run(intake, "-f", fmt, "--scheduler", scheduler) == _run(intake, "-f", fmt)


def test_the_xlsx_of_a_cluster_run_matches_the_local_one(intake: Path, scheduler: str, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _run(intake, "-o", str(tmp_path / "local.xlsx"))
    _run(intake, "-o", str(tmp_path / "remote.xlsx"), "--scheduler", scheduler)
    a, b = (load_workbook(tmp_path / n) for n in ("local.xlsx", "remote.xlsx"))
    assert a.sheetnames == b.sheetnames
    for ws in a.sheetnames:
        assert list(a[ws].values) == list(b[ws].values)


def test_fill_forms_runs_on_the_cluster_too(intake: Path, scheduler: str, tmp_path: Path) -> None:
    from docx import Document

    args = [str(intake / "liaoning_eligible"), str(intake / "national_low_assets"), "-j", "liaoning", "--as-of", AS_OF, "-q"]
    assert invoke("fill-forms", *args, "-o", str(tmp_path / "l")).exit_code == 0
    assert invoke("fill-forms", *args, "-o", str(tmp_path / "r"), "--scheduler", scheduler).exit_code == 0
    files = sorted(p.relative_to(tmp_path / "l") for p in (tmp_path / "l").rglob("*.docx"))
    assert files and files == sorted(p.relative_to(tmp_path / "r") for p in (tmp_path / "r").rglob("*.docx"))
    for f in files:
        texts = [[p.text for p in Document(str(tmp_path / side / f)).paragraphs] for side in ("l", "r")]
        assert texts[0] == texts[1]


def test_an_unreachable_scheduler_is_a_clear_error_not_a_traceback(
    intake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.api import distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", "1s")  # the error, not the wait, is the subject
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-q", "-f", "json",
                 "--scheduler", "tcp://127.0.0.1:9")  # fmt: skip
    assert res.exit_code == 2 and "无法连接 Dask 调度器 tcp://127.0.0.1:9" in str(res.exception)


SLOW = "slow_dossier"  # the dossier the test hook holds up on a worker


def held_up(path: Path, job: object) -> list:
    """A batch task (the test hook) that holds one dossier up far past any limit, as a
    pathological file would, and checks the others as usual."""
    import time

    from pingtai_cli.api.batch import check_path

    if path.name == SLOW:
        time.sleep(600)
    return check_path(path, job)


@pytest.fixture(scope="module")
def held_run(intake: Path, scheduler: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, str, float]:
    """A cluster batch with --timeout 4 in which one dossier never ends: what it yields, what
    the plain progress lines said, and how long it took."""
    import io
    import time
    from datetime import date

    from pingtai_cli.api import batch
    from pingtai_cli.core.progress import PlainProgress

    slow = tmp_path_factory.mktemp("held") / SLOW
    shutil.copytree(SAMPLES / "liaoning_eligible", slow)
    paths = [intake / "liaoning_eligible", slow, intake / "national_low_assets"]
    job = batch.Job(["liaoning"], date.fromisoformat(AS_OF), timeout=4.0, task=held_up, scheduler=scheduler)
    out = io.StringIO()
    started = time.monotonic()
    with PlainProgress(len(paths), out=out, slow_after=1.0) as lines:
        got = list(batch.run(paths, job, lines.finished, lines.started))
    return [(paths[i], rs) for i, rs in got], out.getvalue(), time.monotonic() - started


def test_a_dossier_past_the_timeout_on_the_cluster_is_an_error_and_the_rest_goes_on(held_run) -> None:
    got, _, took = held_run
    by_name = {p.name: rs for p, rs in got}
    assert sorted(by_name) == sorted(["liaoning_eligible", SLOW, "national_low_assets"])  # each once
    assert len(got) == 3
    [held] = by_name[SLOW]
    assert held.verdict == "incomplete" and "超过单个卷宗时限 4 秒" in (held.error or "")
    assert all(not r.error for name in ("liaoning_eligible", "national_low_assets") for r in by_name[name])
    assert took < 60  # the held task did not hold the batch up for its 600 s


def test_the_cluster_progress_names_a_dossier_that_runs_long(held_run) -> None:
    _, said, _ = held_run
    assert f"仍在检查 {SLOW}" in said and "进度 3/3（100%）" in said


def test_the_cluster_is_whole_again_after_a_task_was_stopped(intake: Path, scheduler: str, held_run) -> None:
    """The worker that held the task was restarted: the next batch runs on both workers."""
    from distributed import Client

    with Client(scheduler, set_as_default=False) as c:
        c.wait_for_workers(2, timeout=60)
    remote = json.loads(_run(intake, "-f", "json", "--scheduler", scheduler))
    assert len(remote) == 6
