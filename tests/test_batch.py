"""A batch reports every dossier exactly once, whatever the flags, the format and where the broken ones sit."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import time
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from builders import SAMPLES as SAMPLES_DIR
from cli_helpers import invoke
from pingtai_cli.api import batch
from pingtai_cli.core.progress import PlainProgress
from samples import BROKEN_ZIP, make_intake

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
ELIGIBLE = SAMPLES / "liaoning_eligible"
AS_OF = "2026-03-15"

# Where the corrupt .zip sorts among three good dossiers (d1, d3, d5).
POSITIONS = {"start": "d0.zip", "middle": "d2.zip", "end": "d9.zip"}
FORMATS = ("terminal", "json", "jsonl", "markdown", "html", "xlsx")


@pytest.fixture(scope="module")
def intakes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One intake per position of the broken member, each with a stray .txt beside the dossiers."""
    out = {}
    for where, broken in POSITIONS.items():
        members: dict[str, str | bytes] = {name: ELIGIBLE.name for name in ("d1", "d3", "d5")}
        members |= {broken: BROKEN_ZIP, "说明.txt": "收件说明".encode()}
        out[where] = make_intake(tmp_path_factory.mktemp(f"intake_{where}"), members)
    return out


@pytest.fixture(scope="module", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    mp = pytest.MonkeyPatch()
    mp.setenv("PINGTAI_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


def _names_reported(fmt: str, stdout: str, out: Path | None) -> list[str]:
    """The dossier folder names an output reports, in order, once per appearance."""
    if fmt == "json":
        return [Path(r["dossier"]).name for r in json.loads(stdout)]
    if fmt == "jsonl":
        return [Path(json.loads(x)["dossier"]).name for x in stdout.splitlines() if x.strip()]
    if fmt == "terminal":
        return [Path(m).name for m in re.findall(r"^卷宗 (\S+) · 检查日", stdout, re.M)]
    if fmt == "markdown":
        return [Path(m.replace("\\_", "_")).name for m in re.findall(r"^\*\*卷宗\*\*：(\S+)", stdout, re.M)]
    if fmt == "html":
        parser = _Sections()
        parser.feed(out.read_text(encoding="utf-8"))
        return parser.dossiers
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    col = [c.value for c in ws[1]].index("卷宗路径")
    return [Path(row[col]).name for row in ws.iter_rows(min_row=2, values_only=True) if row[col]]


class _Sections(HTMLParser):
    """The dossier path of each <section class="dossier"> (its `data-dossier`)."""

    def __init__(self) -> None:
        super().__init__()
        self.dossiers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and "dossier" in (a.get("class") or "").split():
            self.dossiers.append(Path(a.get("data-dossier") or "?").name)


def _matrix() -> list[tuple[str, bool, str, str]]:
    """Every format × every (-q or not, --jobs 1/2/4), the broken member's position rotating so
    that each position also meets every format and every flag pair: all pairs, in 36 runs."""
    flags = [(q, j) for q in (True, False) for j in ("1", "2", "4")]
    where = list(POSITIONS)
    return [(f, q, j, where[(fi + k) % 3]) for fi, f in enumerate(FORMATS) for k, (q, j) in enumerate(flags)]


@pytest.mark.slow
@pytest.mark.parametrize(("fmt", "quiet", "jobs", "where"), _matrix())
def test_every_dossier_is_reported_exactly_once(
    intakes: dict[str, Path], tmp_path: Path, where: str, jobs: str, quiet: bool, fmt: str
) -> None:
    intake = intakes[where]
    args = [str(intake), "-j", "liaoning", "--as-of", AS_OF, "--jobs", jobs, "-f", fmt]
    out = tmp_path / f"out.{ {'html': 'html', 'xlsx': 'xlsx'}.get(fmt, 'txt')}"
    if fmt in ("html", "xlsx"):
        args += ["-o", str(out)]
    if quiet:
        args.append("-q")
    res = invoke("check", *args)
    assert res.exit_code == 1, (res.output, res.exception)
    names = _names_reported(fmt, res.stdout, out)
    assert sorted(names) == sorted(["d1", "d3", "d5", POSITIONS[where]]), names
    assert "意外退出" not in res.output  # no good dossier taken down with the broken one
    assert "说明.txt 不是卷宗" in res.stderr  # the stray file is said, not silently dropped


@pytest.mark.slow
def test_a_slow_parent_loses_no_result_of_a_worker_that_has_already_ended(intakes: dict[str, Path]) -> None:
    """The race behind the lost results: the last worker ends (its stop token read) while the
    parent is still busy with a progress line; its result was in the pipe all along."""
    intake = intakes["end"]
    paths, _ = batch.discover([intake])
    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=1)
    got = list(batch.run(paths, job, progress=lambda p: time.sleep(0.4)))
    assert sorted(i for i, _ in got) == list(range(len(paths)))
    errors = {paths[i].name: rs[0].error for i, rs in got if rs[0].error}
    assert list(errors) == ["d9.zip"] and "损坏" in errors["d9.zip"]


@pytest.mark.slow
def test_a_wait_that_times_out_just_before_the_last_result_loses_nothing(
    intakes: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen under load: the parent's wait for a message timed out an instant before the last
    worker sent its result; the worker, found gone, took its dossier down with it (读取进程意外退出),
    though the result sat in the pipe. Here every other wait "times out" only once a result (or
    a worker's end) is there to read, the last one's among them."""
    paths, _ = batch.discover([intakes["end"]])
    real = batch._wait
    calls: list[bool] = []

    def late(objects: list[object], timeout: float | None) -> list[object]:
        calls.append(len(calls) % 2 == 0)
        if calls[-1]:
            real(objects, 60)
            time.sleep(0.2)
            return []
        return real(objects, timeout)

    monkeypatch.setattr(batch, "_wait", late)
    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=1)
    got = list(batch.run(paths, job))
    assert calls[-2:] == [True, False]  # the last result was read after a wait "timed out"
    assert sorted(i for i, _ in got) == list(range(len(paths)))
    errors = {paths[i].name: rs[0].error for i, rs in got if rs[0].error}
    assert list(errors) == ["d9.zip"] and "意外退出" not in errors["d9.zip"]


class _Clock:
    """`time` as the batch sees it, with a monotonic clock a test can move forward."""

    def __init__(self) -> None:
        self.ahead = 0.0
        self.sleep = time.sleep

    def monotonic(self) -> float:
        return time.monotonic() + self.ahead


def _scripted(tmp_path: Path, names: str, waits: dict[str, Callable[[], None]]) -> tuple[list[Path], Any, Path]:
    """Dossiers named by the letters of `names`, and a task for the workers that logs each one's
    start and end (with its pid), runs its `waits` entry, and returns an error result saying
    "checked NAME": each dossier's own result, unlike a time-out or a worker's death."""
    paths = []
    for name in names:
        (tmp_path / name).mkdir()
        paths.append(tmp_path / name)
    log = tmp_path / "log.txt"
    log.touch()

    def task(path: Path, job: batch.Job) -> list[Any]:
        with log.open("a") as f:
            f.write(f"start {os.getpid()} {path.name}\n")
        waits.get(path.name, lambda: None)()
        with log.open("a") as f:
            f.write(f"end {os.getpid()} {path.name}\n")
        return batch._errors(path, job, f"checked {path.name}")

    return paths, task, log


def _lines(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()]


def _until(ok: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not ok():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _run_within(seconds: float, paths: list[Path], job: batch.Job, **kw: Any) -> list[tuple[int, list[Any]]]:
    """batch.run's results, or a failure if it has not ended within `seconds` (a hang)."""
    import multiprocessing
    import threading

    got: list[tuple[int, list[Any]]] = []
    raised: list[BaseException] = []

    def consume() -> None:
        try:
            got.extend(batch.run(paths, job, **kw))
        except BaseException as e:  # noqa: BLE001 - raised again below, in the test
            raised.append(e)

    t = threading.Thread(target=consume, daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        for child in multiprocessing.active_children():
            child.kill()
        pytest.fail(f"the batch hung: {sorted(i for i, _ in got)} of {len(paths)} reported")
    if raised:
        raise raised[0]
    return got


def _own_results(paths: list[Path], got: list[tuple[int, list[Any]]]) -> dict[str, str]:
    assert sorted(i for i, _ in got) == list(range(len(paths)))  # each once
    return {paths[i].name: rs[0].error for i, rs in got}


def test_a_worker_killed_at_the_limit_just_after_it_finished_and_took_another_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: a worker finished A right at the time limit and took B; this process, not yet
    having read A's result, saw A past its limit and killed the worker. B, taken from the queue
    all workers shared, was never reported, and the batch waited for it forever (or B died with
    the worker, A timed out though its result had come). Staged: once A's worker has ended A
    (and, if it was given B, is on B), the clock jumps past the limit, before this process has
    read A's result."""
    paths, task, log = _scripted(tmp_path, "ABC", {"B": lambda: time.sleep(1.0)})
    clock = _Clock()
    monkeypatch.setattr(batch, "time", clock)

    def on_start(path: Path) -> None:
        if path.name == "A":
            assert _until(lambda: ["end", "A"] in [[w[0], w[2]] for w in _lines(log)], 20)
            _until(lambda: ["start", "B"] in [[w[0], w[2]] for w in _lines(log)], 1)
            clock.ahead += 1000  # A took its whole time limit

    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=1, timeout=5, task=task)
    got = _run_within(60, paths, job, on_start=on_start)
    assert clock.ahead == 1000  # the race was staged
    assert _own_results(paths, got) == {"A": "checked A", "B": "checked B", "C": "checked C"}


def test_a_worker_killed_while_idle_takes_no_dossier_with_it_and_the_others_go_on(tmp_path: Path) -> None:
    """A worker SIGKILLed while it waits for its next dossier (the OOM killer, an operator): the
    other worker goes on, a fresh one takes what is left, every dossier is reported once with its
    own result. Staged while this process runs the batch's `meanwhile` (sending nothing): A and C
    wait for a go; the worker that checked B is killed once it has nothing left to check."""
    go = tmp_path / "go"
    held = {name: lambda: _until(go.exists, 30) for name in "AC"}
    paths, task, log = _scripted(tmp_path, "ABCDE", held)
    killed: list[int] = []

    def meanwhile() -> None:
        assert _until(lambda: any(w[0] == "end" and w[2] == "B" for w in _lines(log)), 20)
        pid = next(w[1] for w in _lines(log) if w[2] == "B")

        def idle() -> bool:  # as many ends as starts, and still so a moment later
            def count() -> tuple[int, int]:
                mine = [w[0] for w in _lines(log) if w[1] == pid]
                return mine.count("start"), mine.count("end")

            before = count()
            time.sleep(0.3)
            return before[0] == before[1] and count() == before

        _until(idle, 5)
        os.kill(int(pid), signal.SIGKILL)
        killed.append(int(pid))
        _until(lambda: not Path(f"/proc/{pid}").exists() or _zombie(pid), 10)
        go.touch()

    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=2, timeout=60, task=task, meanwhile=meanwhile)
    got = _run_within(60, paths, job)
    assert killed  # the kill was staged
    assert _own_results(paths, got) == {name: f"checked {name}" for name in "ABCDE"}


def _zombie(pid: str) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_the_work_meanwhile_runs_once_here_after_the_workers_started_and_is_never_sent(
    intakes: dict[str, Path],
) -> None:
    """A batch's `meanwhile` (fill-forms opens its templates with it) runs once, in this process,
    once its workers exist, so nothing it loads is forked into them; with it running slow, every
    dossier is still reported once. One dossier in-process does not run it; the job keeps none."""
    import multiprocessing
    import os

    paths, _ = batch.discover([intakes["start"]])
    seen: list[tuple[int, int]] = []

    def meanwhile() -> None:
        seen.append((os.getpid(), len(multiprocessing.active_children())))
        time.sleep(0.3)  # the workers go on; their results wait in the queue

    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=2, meanwhile=meanwhile)
    got = list(batch.run(paths, job))
    assert seen == [(os.getpid(), 2)] and job.meanwhile is None
    assert sorted(i for i, _ in got) == list(range(len(paths)))
    alone = batch.Job(["liaoning"], date(2026, 3, 15), meanwhile=meanwhile)
    assert len(list(batch.run(paths[1:2], alone))) == 1 and len(seen) == 1 and alone.meanwhile is None


def test_an_unreadable_dossier_has_one_verdict_in_every_format(intakes: dict[str, Path], tmp_path: Path) -> None:
    """Spec §3: `incomplete`, with `error` saying why; every format shows 材料不全（无法检查）."""
    broken = intakes["middle"] / "d2.zip"
    args = (str(broken), str(ELIGIBLE), "-j", "liaoning", "--as-of", AS_OF, "-q")
    doc = json.loads(invoke("check", *args, "-f", "json").stdout)[0]
    assert doc["verdict"] == "incomplete" and doc["error"]
    assert doc["findings"][0]["id"] == "dossier.unreadable" and doc["findings"][0]["severity"] == "error"
    words = "材料不全（无法检查）"
    term = invoke("check", *args).stdout
    assert f"结论： {words}" in term
    assert words in invoke("check", *args, "-f", "markdown").stdout
    invoke("check", *args, "-o", str(tmp_path / "r.html"))
    assert words in (tmp_path / "r.html").read_text(encoding="utf-8")
    invoke("check", *args, "-o", str(tmp_path / "r.xlsx"))
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    col = [c.value for c in ws[1]].index("结论")
    assert [r[col] for r in ws.iter_rows(min_row=2, values_only=True)][:2] == [words, "符合条件"]
    summary = invoke("check", str(intakes["middle"]), "-j", "liaoning", "--as-of", AS_OF).stderr
    assert "材料不全 1 （其中无法检查 1）" in summary and "无法检查 1 " not in summary.replace("其中无法检查 1", "")


@pytest.mark.slow
def test_without_a_terminal_progress_is_plain_lines_with_eta(intakes: dict[str, Path]) -> None:
    res = invoke("check", str(intakes["start"]), "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "--jobs", "2")
    lines = [x for x in res.stderr.splitlines() if x.startswith("进度 ")]
    assert lines and lines[-1].startswith("进度 4/4（100%）")
    assert any("预计还需" in x for x in lines[:-1])
    assert "\x1b[" not in res.stderr and "\r" not in res.stderr  # no bar redrawn in a log


def test_plain_progress_names_a_dossier_that_takes_long() -> None:
    now = [0.0]
    buf = io.StringIO()
    p = PlainProgress(3, out=buf, clock=lambda: now[0], slow_after=60)
    p.started(Path("intake/甲平台"))
    p.started(Path("intake/乙平台"))
    now[0] = 10.0
    p.finished(Path("intake/乙平台"))
    assert buf.getvalue().splitlines() == ["进度 1/3（33%）· 已用 10 秒 · 预计还需 20 秒"]
    now[0] = 59.0
    assert p.slow_lines(now[0]) == []
    now[0] = 75.0
    assert p.slow_lines(now[0]) == ["仍在检查 甲平台（已用 1 分 15 秒）"]
    assert p.slow_lines(100.0) == []  # named again only after another minute
    assert p.slow_lines(136.0) == ["仍在检查 甲平台（已用 2 分 16 秒）"]


def test_the_workers_make_the_json_lines_and_a_duplicate_marked_after_is_in_them(tmp_path: Path) -> None:
    """`check -f json|jsonl` over an intake: each worker makes its dossiers' JSON (the parent no
    longer dumps them one by one at the end), and a result the batch changes afterwards (the
    duplicate finding) is dumped again, so the output is what the results say."""
    from pingtai_cli.api.batch import Job, check_all
    from pingtai_cli.outputs.report.json import render_json, render_jsonl

    intake = make_intake(tmp_path / "intake", {"a": "liaoning_eligible", "b": "liaoning_eligible", "c": "national_low_assets"})
    job = Job(["liaoning"], date(2026, 3, 15), use_cache=False, jobs=2, encode_json=True)
    results = check_all(sorted(intake.iterdir()), job)
    assert all(r.encoded is not None for r in results)  # made in the workers
    lines = render_jsonl(results).splitlines()
    copies = [json.loads(line) for line in lines if "疑似重复申报" in line]
    assert len(copies) == 2  # a and b, though their workers could not know
    assert all(r.encoded.findings == len(r.findings) for r in results)  # spliced in, not dumped again
    for r in results:
        r.encoded = None
    assert render_jsonl(results).splitlines() == lines
    assert json.loads(render_json(results)) == [json.loads(line) for line in lines]


def test_a_material_present_but_invalid_is_counted_as_invalid_not_missing(tmp_path: Path) -> None:
    """xuchang_unstamped's 真实性声明 is there, without its seal: a reviewer read "缺件 1" and
    looked for a file that was in the dossier."""
    from openpyxl import load_workbook

    dossier = str(SAMPLES / "xuchang_unstamped")
    out = tmp_path / "r.xlsx"
    args = ["-j", "xuchang", "--as-of", AS_OF]
    terminal = invoke("check", dossier, *args)
    markdown = invoke("check", dossier, *args, "-f", "markdown")
    invoke("check", dossier, *args, "-f", "xlsx", "-o", str(out))
    assert "无效材料 1" in terminal.stdout and "缺件" not in terminal.stdout.split("结论：")[1].splitlines()[0]
    assert "无效材料 1" in markdown.stdout and "缺件 1" not in markdown.stdout
    rows = list(load_workbook(out)["汇总"].iter_rows(values_only=True))
    head = list(rows[0])
    assert rows[1][head.index("缺件数")] == 0 and rows[1][head.index("无效材料数")] == 1


def test_a_coded_fact_is_shown_in_words_in_every_report(tmp_path: Path) -> None:
    """The markdown facts table printed `| 注册登记地 | out |` (the JSON's code) for a reviewer."""
    args = [str(ELIGIBLE), "-j", "heilongjiang", "--as-of", AS_OF]  # a Liaoning applicant
    markdown = invoke("check", *args, "-f", "markdown").stdout
    invoke("check", *args, "-f", "html", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "| 注册登记地 | 不在本地区 |" in markdown and "| out |" not in markdown
    assert re.search(r"注册登记地</t[dh]>\s*<td>不在本地区</td>", html), html[html.find("注册登记地") - 200 :][:600]
    data = json.loads(invoke("check", *args, "-f", "json").stdout)
    assert data["facts"]["registered_area"]["value"] == "out"  # the contract keeps the code


def test_a_markdown_batch_report_opens_with_an_index(intakes: dict[str, Path]) -> None:
    """Like the HTML: the count per verdict, then a row per dossier with org, code, verdict, gaps."""
    res = invoke("check", str(intakes["middle"]), "-j", "liaoning", "--as-of", AS_OF, "-f", "markdown", "-q")
    head = res.stdout.split("\n---\n")[0]
    assert head.startswith("# 批量检查汇总：共 4 个卷宗")
    assert "| 符合条件 | 不符合条件 | 材料不全 | 待审核 | 合计 |" in head
    assert re.search(r"\| 3 \| 0 \| 1（其中无法检查 1） \| 0 \| 4 \|", head), head
    rows = [line for line in head.splitlines() if re.match(r"\| \d \| \S+/d\d", line)]
    assert len(rows) == 4 and all("91210102MAJU6XYH71" in r for r in rows if "d2.zip" not in r)


def test_a_quoted_clause_inside_a_sentence_does_not_double_its_full_stop() -> None:
    """“……负责本地区示范平台的推荐工作。”。 was printed 27 times in one intake's markdown."""
    res = invoke("check", str(SAMPLES / "xuchang_comprehensive"), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    area = [f for f in json.loads(res.stdout)["findings"] if f["id"] == "consistency.credit_code_area"]
    assert area and "推荐工作”。请确认" in area[0]["message"]
    assert "。”。" not in res.stdout


def test_quiet_json_from_results_stripped_in_the_workers_is_that_of_whole_results(tmp_path: Path) -> None:
    """`check -q -f json|jsonl`: workers send each result stripped to what the parent still reads
    beside its JSON (verdict, findings, what duplicates compare); the output is byte for byte
    that of a run that keeps whole results, copies, broken member and exit code included."""
    from pingtai_cli.api.batch import Job, check_all
    from pingtai_cli.outputs.report.json import compact, render_json, render_jsonl

    members = {"a": "liaoning_eligible", "b": "liaoning_eligible", "c": "national_low_assets", "d.zip": BROKEN_ZIP}
    intake = make_intake(tmp_path / "intake", members)
    args = [str(intake), "-j", "liaoning", "--as-of", AS_OF, "--jobs", "2"]
    quiet, loud = invoke("check", *args, "-f", "jsonl", "-q"), invoke("check", *args, "-f", "jsonl")
    assert quiet.exit_code == loud.exit_code == 1
    assert quiet.stdout == loud.stdout and quiet.stdout.count("疑似重复申报") == 2
    whole = render_jsonl(check_all(sorted(intake.iterdir()), Job(["liaoning"], date(2026, 3, 15), jobs=2)))
    assert quiet.stdout == whole
    stripped = check_all(sorted(intake.iterdir()), Job(["liaoning"], date(2026, 3, 15), jobs=2, encode_json=True, json_only=True))
    assert all(not r.conditions and not r.materials for r in stripped if r.error is None)
    assert render_jsonl(stripped) == whole and json.loads(render_json(stripped[:1])) == json.loads(whole.splitlines()[0])
    stripped[0].findings.pop()  # changed behind its JSON: no dump of what is left could stand for it
    with pytest.raises(RuntimeError):
        compact(stripped[0])


class _NoRebuild(Exception):
    """Pickles (its args are one string) but does not unpickle (its constructor wants two)."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)


def _unpicklable(path: Path, job: batch.Job) -> list:
    results = batch.check_path(path, job)
    results[0].source = (lambda: None) if path.name == "d1" else None  # a lambda does not pickle
    if path.name == "d3":
        results[0].source = _NoRebuild("x", "y")  # pickles in the worker, fails in the parent
    return results


def test_a_result_that_cannot_be_sent_back_is_its_dossiers_error_and_the_batch_goes_on(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    intake = make_intake(tmp_path / "intake", {name: ELIGIBLE.name for name in ("d1", "d3", "d5")})
    paths = sorted(p for p in intake.iterdir())
    job = batch.Job(["liaoning"], date(2026, 3, 15), jobs=2, timeout=60, task=_unpicklable)
    got = {paths[i].name: results for i, results in batch.run(paths, job)}
    assert sorted(got) == ["d1", "d3", "d5"]
    assert "PicklingError" in got["d1"][0].error or "AttributeError" in got["d1"][0].error, got["d1"][0].error
    assert "检查结果无法从读取进程传回（TypeError）" in got["d3"][0].error
    assert got["d5"][0].error is None and got["d5"][0].verdict != "incomplete"
    assert "Traceback" not in capfd.readouterr().err


def test_a_county_folder_of_dossiers_and_a_folder_holding_its_zip_are_dossiers_of_the_intake(tmp_path: Path) -> None:
    """A city's intake as counties send it: 收件/魏都区/ holds three applicants' folders, 收件/和平区/
    two whose 申请表 are a .docx and a PDF, 收件/营口渤海/ only the applicant's zip. Each applicant is one dossier of the batch, reported once, not
    one 'dossier' mixing two applicants' files nor one whose materials are all 缺件. A dossier whose
    materials are in subfolders (申请表/, 附件/) with one 申请表 between them stays one dossier."""
    from builders import SAMPLES, sample_copy, zip_of

    intake = tmp_path / "收件"
    sample_copy(intake / "魏都区" / "沈阳智联")
    sample_copy(intake / "魏都区" / "大连港湾", sample="liaoning_word_only")  # its 申请表 is a .docx
    sample_copy(intake / "魏都区" / "大连海创", sample="national_low_assets")
    (intake / "魏都区" / "说明.txt").write_text("本区报送三家", encoding="utf-8")
    sample_copy(intake / "和平区" / "港湾甲", sample="liaoning_word_only")
    sample_copy(intake / "和平区" / "港湾乙", sample="liaoning_pdf_form")
    members = {f"营口渤海/{f.name}": f.read_bytes() for f in sorted((SAMPLES / "liaoning_audit_yuan").iterdir())}
    (intake / "营口渤海").mkdir(parents=True)
    (intake / "营口渤海" / "营口渤海申报材料.zip").write_bytes(zip_of(members))
    split = intake / "沈阳智联（分文件夹）"
    shutil.copytree(SAMPLES / "liaoning_eligible", split / "附件")
    (split / "申请表").mkdir()
    (split / "附件" / "申请表.xlsx").rename(split / "申请表" / "申请表.xlsx")

    found, missing = batch.discover([intake])
    assert missing == []
    names = ["沈阳智联（分文件夹）", "营口渤海/营口渤海申报材料.zip", "魏都区/大连海创", "魏都区/大连港湾", "魏都区/沈阳智联"]
    assert [p.relative_to(intake).as_posix() for p in found] == ["和平区/港湾乙", "和平区/港湾甲", *names]
    found, _ = batch.discover([intake / "魏都区", intake / "营口渤海"])  # each given as the intake
    assert [p.relative_to(intake).as_posix() for p in found] == [*names[2:], names[1]]
    shutil.rmtree(intake / "和平区")
    assert [p.relative_to(intake).as_posix() for p in batch.not_dossiers([intake])] == ["魏都区/说明.txt"]
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json")
    docs = {Path(d["dossier"]).relative_to(intake).as_posix(): d for d in json.loads(res.stdout)}
    assert list(docs) == names
    assert {k: d["verdict"] for k, d in docs.items()} == dict.fromkeys(names, "eligible")
    assert "说明.txt 不是卷宗" in res.stderr


def _zipped(folders: dict[str, str], extra: dict[str, bytes] | None = None) -> bytes:
    """A zip as a county sends its intake: each sample dossier under its folder name."""
    from builders import SAMPLES, zip_of

    members = {
        f"{folder}/{f.relative_to(SAMPLES / sample).as_posix()}": f.read_bytes()
        for folder, sample in folders.items()
        for f in sorted((SAMPLES / sample).rglob("*"))
        if f.is_file() and f.name != "expected.yaml"
    }
    return zip_of(members | (extra or {}))


def test_a_zip_holding_several_applicants_folders_is_checked_as_their_dossiers(tmp_path: Path) -> None:
    """收件.zip with 收件/魏都区/{甲,乙}, 收件/襄城县/丙 and a 说明.txt: three dossiers, each read from
    its own folder of the zip and given the verdict its folder gets on disk; it was one 'dossier'
    mixing three applicants' files (review, with credit codes and names 不一致 across them)."""
    folders = {"收件/魏都区/甲": "liaoning_eligible", "收件/魏都区/乙": "national_low_assets", "收件/襄城县/丙": "national_incomplete"}
    intake = tmp_path / "收件.zip"
    intake.write_bytes(_zipped(folders, {"收件/说明.txt": "本市报送三家".encode()}))
    # a county folder with one applicant is that applicant's dossier, as on disk
    dossiers = {"收件/襄城县": "national_incomplete", "收件/魏都区/乙": "national_low_assets", "收件/魏都区/甲": "liaoning_eligible"}
    found, _ = batch.discover([intake])
    assert [p.relative_to(intake).as_posix() for p in found] == list(dossiers)
    assert [p.relative_to(intake).as_posix() for p in batch.not_dossiers([intake])] == ["收件/说明.txt"]
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    got = {Path(d["dossier"]).relative_to(intake).as_posix(): d for d in json.loads(res.stdout)}
    assert list(got) == list(dossiers)
    for folder, sample in dossiers.items():
        alone = json.loads(invoke("check", str(SAMPLES_DIR / sample), "-j", "liaoning", "--as-of", AS_OF, "-f", "json").stdout)
        assert got[folder]["verdict"] == alone["verdict"], folder
        assert got[folder]["facts"]["credit_code"]["value"] == alone["facts"]["credit_code"]["value"]
        assert sorted(f["id"] for f in got[folder]["findings"]) == sorted(f["id"] for f in alone["findings"])
    assert "说明.txt 不是卷宗" in res.stderr


def test_a_zip_of_one_dossier_in_folders_stays_one_and_a_split_zip_in_an_intake_is_not_a_loose_file(
    tmp_path: Path,
) -> None:
    one = tmp_path / "intake" / "沈阳智联.zip"
    one.parent.mkdir()
    # 申请表/ beside 附件/: one applicant's materials sorted into folders, under a wrapper folder
    data = _zipped({"沈阳智联/附件": "liaoning_eligible"})
    import zipfile

    from builders import zip_of

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename.replace("附件/申请表.xlsx", "申请表/申请表.xlsx"): z.read(i) for i in z.infolist()}
    one.write_bytes(zip_of(members))
    assert batch.discover([one])[0] == [one]
    several = tmp_path / "intake" / "和平区.zip"
    several.write_bytes(_zipped({"甲": "liaoning_eligible", "乙": "national_low_assets"}))
    sample = tmp_path / "intake" / "丙"
    shutil.copytree(SAMPLES_DIR / "liaoning_pdf_form", sample)
    found, _ = batch.discover([tmp_path / "intake"])
    assert sorted(found) == sorted([sample, one, several / "乙", several / "甲"])
    assert batch.not_dossiers([tmp_path / "intake"]) == []


def test_a_zip_whose_names_climb_out_or_nest_without_end_is_one_dossier_and_no_crash(tmp_path: Path) -> None:
    from builders import zip_of

    deep = "/".join(["层"] * 3000)
    hostile = tmp_path / "x.zip"
    hostile.write_bytes(zip_of({"../甲/申请表.xlsx": b"x", "../乙/申请表.xlsx": b"y", f"{deep}/申请表.xlsx": b"z", "/abs/申请表.xlsx": b"w"}))
    assert batch.discover([hostile])[0] == [hostile]


def test_an_intake_of_dossiers_whose_form_is_their_word_application_report_is_one_dossier_each(tmp_path: Path) -> None:
    """Applicants with only Word and PDF files: the 申请表 is written inside 申请报告.docx (a table, or
    `资产总额：260万元` lines), no file is named 申请表. Each folder of the intake is its own dossier, not
    one 'dossier' mixing six applicants' files. A dossier that sorted its files into folders
    (申请报告/ holding only the report, 附件/ the rest) stays one dossier."""
    import shutil

    from builders import SAMPLES

    intake = tmp_path / "收件"
    for name in ("大连港湾", "沈阳智联", "鞍山恒信"):
        shutil.copytree(SAMPLES / "liaoning_word_only", intake / name)
        (intake / name / "申请表.docx").unlink()
    split = intake / "营口渤海（分文件夹）"
    shutil.copytree(SAMPLES / "liaoning_word_only", split / "附件")
    (split / "附件" / "申请表.docx").unlink()
    (split / "申请报告").mkdir()
    (split / "附件" / "申请报告.docx").rename(split / "申请报告" / "申请报告.docx")
    found, missing = batch.discover([intake])
    assert missing == []
    assert [p.relative_to(intake).as_posix() for p in found] == ["大连港湾", "沈阳智联", "营口渤海（分文件夹）", "鞍山恒信"]


def test_a_zip_of_word_only_applicants_splits_as_their_folders_would_on_disk(tmp_path: Path) -> None:
    """The zip counterpart of the Word-only intake above: folders whose 申请表 is inside their
    申请报告.docx are the zip's dossiers, and a dossier whose report sits alone in 申请报告/ beside
    附件/ stays one; the zip splits exactly where the same folders on disk do."""
    import zipfile

    from builders import zip_of

    data = _zipped({f"收件/{n}": "liaoning_word_only" for n in ("大连港湾", "沈阳智联")} | {"收件/营口渤海/附件": "liaoning_word_only"})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {
            i.filename.replace("营口渤海/附件/申请报告.docx", "营口渤海/申请报告/申请报告.docx"): z.read(i)
            for i in z.infolist()
            if not i.filename.endswith("申请表.docx")
        }
    intake = tmp_path / "收件.zip"
    intake.write_bytes(zip_of(members))
    found, _ = batch.discover([intake])
    assert [p.relative_to(intake).as_posix() for p in found] == ["收件/大连港湾", "收件/沈阳智联", "收件/营口渤海"]
    on_disk = tmp_path / "disk"
    with zipfile.ZipFile(intake) as z:
        z.extractall(on_disk)
    assert [p.relative_to(on_disk).as_posix() for p in batch.discover([on_disk])[0]] == [
        p.relative_to(intake).as_posix() for p in found
    ]
    one = tmp_path / "one.zip"
    one.write_bytes(zip_of({k: v for k, v in members.items() if k.startswith("收件/营口渤海/")}))
    assert batch.discover([one])[0] == [one]


def _gbk_zip(members: dict[str, bytes]) -> bytes:
    """A zip as Windows' 发送到→压缩文件夹 writes it: member names in GBK, no UTF-8 flag (bit 11)."""
    import struct
    import zlib

    out, central = io.BytesIO(), []
    for name, data in members.items():
        raw = name.encode("gbk")
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = packer.compress(data) + packer.flush()
        crc, offset = zlib.crc32(data), out.tell()
        out.write(struct.pack("<4sHHHHHLLLHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(body), len(data), len(raw), 0))
        out.write(raw + body)
        central.append(
            struct.pack("<4sHHHHHHLLLHHHHHLL", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(body), len(data), len(raw), 0, 0, 0, 0, 0, offset)
            + raw
        )
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def test_a_zip_whose_only_county_folder_sits_beside_a_note_still_splits_into_its_applicants(tmp_path: Path) -> None:
    """收件.zip holding 收件/说明.txt beside 收件/魏都区/{甲,乙} (one county this time), its names in GBK as
    Windows zips them: two dossiers, as the same folders on disk give, and the note said. The note
    beside the one county folder made the zip one 'dossier' mixing both applicants (待审核, every
    field of 甲's 申请表 set against 乙's)."""
    import zipfile

    data = _zipped({"收件/魏都区/甲": "liaoning_eligible", "收件/魏都区/乙": "national_low_assets"}, {"收件/说明.txt": "魏都区报送两家".encode()})
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    intake = tmp_path / "收件.zip"
    intake.write_bytes(_gbk_zip(members))
    found, _ = batch.discover([intake])
    assert [p.relative_to(intake).as_posix() for p in found] == ["收件/魏都区/乙", "收件/魏都区/甲"]
    assert [p.relative_to(intake).as_posix() for p in batch.not_dossiers([intake])] == ["收件/说明.txt"]
    on_disk = tmp_path / "disk"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(on_disk)
    assert [p.relative_to(on_disk).as_posix() for p in batch.discover([on_disk / "收件"])[0]] == ["收件/魏都区/乙", "收件/魏都区/甲"]
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    got = {Path(d["dossier"]).relative_to(intake).as_posix(): d["verdict"] for d in json.loads(res.stdout)}
    assert got == {"收件/魏都区/乙": "eligible", "收件/魏都区/甲": "eligible"}
    assert "说明.txt 不是卷宗" in res.stderr


def test_a_zip_whose_applicants_folders_each_hold_their_own_zip_is_one_dossier_per_applicant(tmp_path: Path) -> None:
    """收件.zip holding 收件/甲/甲材料.zip and 收件/乙/乙材料.zip (each applicant sent its materials zipped,
    the county zipped the lot): each inner zip is that applicant's dossier, read in memory, as a
    folder holding only a zip stands for that zip on disk. It was one 'dossier' of two unread
    archives (材料不全: no 申请表), the two applicants never checked."""
    from builders import zip_of

    inner = {"甲": _zipped({"甲材料": "liaoning_eligible"}), "乙": _zipped({"national_low_assets": "national_low_assets"})}
    intake = tmp_path / "收件.zip"
    intake.write_bytes(zip_of({f"收件/{k}/{k}材料.zip": v for k, v in inner.items()}))
    found, _ = batch.discover([intake])
    assert [p.relative_to(intake).as_posix() for p in found] == ["收件/乙/乙材料.zip", "收件/甲/甲材料.zip"]
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    got = {Path(d["dossier"]).relative_to(intake).as_posix(): d for d in json.loads(res.stdout)}
    alone = json.loads(invoke("check", str(ELIGIBLE), "-j", "liaoning", "--as-of", AS_OF, "-f", "json").stdout)
    assert got["收件/甲/甲材料.zip"]["verdict"] == alone["verdict"] == "eligible"
    assert got["收件/甲/甲材料.zip"]["facts"]["credit_code"]["value"] == alone["facts"]["credit_code"]["value"]
    assert "file.nested_archive" not in {f["id"] for d in got.values() for f in d["findings"]}
    # the printed name checks that applicant again; a zip of the applicants' zips splits the same way
    again = json.loads(invoke("check", str(intake / "收件/甲/甲材料.zip"), "-j", "liaoning", "--as-of", AS_OF, "-f", "json").stdout)
    assert again["verdict"] == "eligible"
    flat = tmp_path / "flat.zip"
    flat.write_bytes(zip_of({f"{k}材料.zip": v for k, v in inner.items()}))
    assert [p.relative_to(flat).as_posix() for p in batch.discover([flat])[0]] == ["乙材料.zip", "甲材料.zip"]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(zip_of({"收件/甲/甲材料.zip": inner["甲"], "收件/乙/乙材料.zip": b"PK\x03\x04 not really"}))
    res = invoke("check", str(broken), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    got = {Path(d["dossier"]).relative_to(broken).as_posix(): d["verdict"] for d in json.loads(res.stdout)}
    assert got == {"收件/乙/乙材料.zip": "incomplete", "收件/甲/甲材料.zip": "eligible"}
    assert "Traceback" not in res.stderr


def test_members_of_a_split_zip_that_belong_to_no_applicant_are_said_never_dropped(tmp_path: Path) -> None:
    """收件.zip split into 甲 and 乙 also holds `../外/申请表.xlsx`, `/abs/申请表.xlsx` and
    `收件/丙/../丁/申请表.xlsx` (names a reader may not use) and, past the members the split looks
    at, a folder 收件/戊/ with its own 申请表. Each is said on stderr (unsafe names as not checked, 戊
    as a dossier of its own); they vanished without a word, 戊 never checked."""
    from builders import zip_of

    data = _zipped({"收件/甲": "liaoning_eligible", "收件/乙": "national_low_assets"})
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    form = members["收件/甲/申请表.xlsx"]
    hostile = {"../外/申请表.xlsx": form, "/abs/申请表.xlsx": form, "收件/丙/../丁/申请表.xlsx": form}
    intake = tmp_path / "收件.zip"
    intake.write_bytes(zip_of(members | hostile))
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    assert sorted(Path(d["dossier"]).relative_to(intake).as_posix() for d in json.loads(res.stdout)) == ["收件/乙", "收件/甲"]
    for name in hostile:
        assert f"“{name}”" in res.stderr, name
    assert "Traceback" not in res.stderr
    late = tmp_path / "late.zip"
    filler = {f"收件/甲/照片/{i}.txt": b"x" for i in range(20_000)}
    late.write_bytes(zip_of(members | filler | {"收件/戊/申请表.xlsx": form}))
    found, _ = batch.discover([late])
    assert [p.relative_to(late).as_posix() for p in found] == ["收件/乙", "收件/戊", "收件/甲"]


def test_a_zip_of_sixty_thousand_folders_is_looked_through_in_linear_time(tmp_path: Path) -> None:
    """Every member of a zip now takes part in telling its applicants apart (a folder listed late is
    one too), and each was matched against a list of its folder's subfolders: 60,000 one-file
    folders took half a minute per look, and discovery looks more than once."""
    import zipfile

    from pingtai_cli.intake.listing import zip_dossiers

    wide = tmp_path / "wide.zip"
    with zipfile.ZipFile(wide, "w") as z:
        for i in range(60_000):
            z.writestr(f"收件/{i:06d}/说明.txt", b"x")
        z.writestr("收件/甲/申请表.xlsx", b"x")
        z.writestr("收件/乙/申请表.xlsx", b"y")
    started = time.monotonic()
    found, _ = zip_dossiers(wide)
    assert time.monotonic() - started < 10
    assert found == []  # past SPLIT_MAX folders: one dossier, read within its listing limits


def test_a_zip_of_more_applicants_folders_than_the_cap_is_one_dossier_read_within_its_limits(tmp_path: Path) -> None:
    from builders import zip_of
    from pingtai_cli.intake.listing import SPLIT_MAX

    hostile = tmp_path / "many.zip"
    hostile.write_bytes(zip_of({f"收件/{i:05d}/申请表.xlsx": b"PK" for i in range(SPLIT_MAX + 1)}))
    assert batch.discover([hostile])[0] == [hostile]
    fewer = tmp_path / "fewer.zip"
    fewer.write_bytes(zip_of({f"收件/{i:05d}/申请表.xlsx": b"PK" for i in range(3)}))
    assert len(batch.discover([fewer])[0]) == 3


def _sorted_into_folders(dst: Path, sample: str = "liaoning_eligible") -> Path:
    """One applicant's dossier as many send it: 申请表/申请表.xlsx, and 附件/ with the PDFs, the report
    and the served-SME list as a workbook of its own (服务企业名单.xlsx)."""
    src = SAMPLES_DIR / sample
    (dst / "申请表").mkdir(parents=True)
    shutil.copy(src / "申请表.xlsx", dst / "申请表" / "申请表.xlsx")
    shutil.copytree(src, dst / "附件", ignore=shutil.ignore_patterns("申请表.xlsx", "expected.yaml"))
    shutil.copy(src / "申请表.xlsx", dst / "附件" / "服务企业名单.xlsx")
    return dst


def test_a_dossier_sorted_into_its_form_folder_and_attachments_with_a_list_workbook_is_one_dossier(tmp_path: Path) -> None:
    """`pingtai check 甲/` with 申请表/ and 附件/ (a 服务企业名单.xlsx among the attachments) was split
    into two dossiers: 申请表/ with every material missing, 附件/ with the list read as its 申请表.
    On disk and zipped, alone and in an intake, it is one dossier; an intake of an applicant with a
    申请表 beside one whose folder has none still lists both."""
    from builders import zip_of

    one = _sorted_into_folders(tmp_path / "收件" / "甲")
    assert batch.discover([one])[0] == [one]
    shutil.copytree(SAMPLES_DIR / "liaoning_pdf_form", tmp_path / "收件" / "乙")
    assert batch.discover([tmp_path / "收件"])[0] == [tmp_path / "收件" / "乙", one]
    res = invoke("check", str(one), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    doc = json.loads(res.stdout)
    assert doc["verdict"] == "eligible", [f["message"] for f in doc["findings"]][:5]
    zipped = tmp_path / "甲.zip"
    zipped.write_bytes(zip_of({f"甲/{f.relative_to(one).as_posix()}": f.read_bytes() for f in sorted(one.rglob("*")) if f.is_file()}))
    assert batch.discover([zipped])[0] == [zipped]
    lone = tmp_path / "另一收件"
    shutil.copytree(SAMPLES_DIR / "liaoning_eligible", lone / "丙")
    (lone / "丁").mkdir()
    shutil.copy(SAMPLES_DIR / "liaoning_eligible" / "02营业执照副本.pdf", lone / "丁")
    assert batch.discover([lone])[0] == [lone / "丁", lone / "丙"]


def test_an_applicants_zip_beside_the_applicants_folders_of_a_zipped_county_is_a_dossier_as_on_disk(tmp_path: Path) -> None:
    """收件.zip holding 收件/魏都区/{甲,乙}/ and 收件/魏都区/丙.zip (one applicant sent a zip, the county
    put it beside the others' folders) and a broken 收件/魏都区/丁.zip: on disk 丙.zip and 丁.zip are
    dossiers of the intake (丁 材料不全（无法检查）); from the zip they were said to be 不是卷宗（卷宗是
    文件夹或 .zip）, 未检查, and two applicants were missing from the batch."""
    import zipfile

    inner = _zipped({"丙": "national_low_assets"})
    data = _zipped(
        {"收件/魏都区/甲": "liaoning_eligible", "收件/魏都区/乙": "liaoning_audit_yuan"},
        {"收件/魏都区/丙.zip": inner, "收件/魏都区/丁.zip": BROKEN_ZIP},
    )
    intake = tmp_path / "收件.zip"
    intake.write_bytes(data)
    on_disk = tmp_path / "disk"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(on_disk)
    disk = [p.relative_to(on_disk).as_posix() for p in batch.discover([on_disk / "收件"])[0]]
    assert sorted(disk) == ["收件/魏都区/丁.zip", "收件/魏都区/丙.zip", "收件/魏都区/乙", "收件/魏都区/甲"]
    found = [p.relative_to(intake).as_posix() for p in batch.discover([intake])[0]]
    assert sorted(found) == sorted(disk)
    assert batch.not_dossiers([intake]) == []
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "-q")
    got = {Path(d["dossier"]).relative_to(intake).as_posix(): d for d in json.loads(res.stdout)}
    assert sorted(got) == sorted(disk)
    assert got["收件/魏都区/丁.zip"]["error"] and got["收件/魏都区/丁.zip"]["verdict"] == "incomplete"
    assert got["收件/魏都区/丙.zip"]["org_name"] and not got["收件/魏都区/丙.zip"].get("error")
    assert "不是卷宗" not in res.stderr
