"""fill-forms for an intake: 结论 column, who is left out and in what order, the 测评 sample, the
附报材料目录 ticks, the 审核意见表, and the extraction cache and batch machinery shared with check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from builders import docx_table_cells, zip_layout
from cli_helpers import invoke
from samples import make_intake

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
AS_OF = "2026-03-15"
REC = "附件1-许昌市中小企业公共服务示范平台推荐表.docx"
RANK = {"eligible": 0, "review": 1, "incomplete": 2, "ineligible": 3}  # the order fill-forms lists them in
WORDS = {"eligible": "符合条件", "review": "待审核", "incomplete": "材料不全", "ineligible": "不符合条件"}
OPINION = "审核意见表.docx"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("forms")
    mp = pytest.MonkeyPatch()
    mp.setenv("PINGTAI_CACHE_DIR", str(base / "cache"))
    yield base
    mp.undo()


@pytest.fixture(scope="module")
def intake(env: Path) -> Path:
    return make_intake(env / "收件", {
        "a_unstamped": "xuchang_unstamped",  # incomplete, sorted first
        "b_excluded": "xuchang_excluded",
        "c_comprehensive": "xuchang_comprehensive",
        "d_again": "xuchang_comprehensive",  # the same applicant again
    })


@pytest.fixture(scope="module")
def checked(intake: Path) -> dict[str, dict]:
    res = invoke("check", str(intake), "-j", "xuchang", "--as-of", AS_OF, "-f", "json", "-q")
    return {Path(d["dossier"]).name: d for d in json.loads(res.stdout)}


def fill(intake: Path, out: Path, *extra: str):
    res = invoke("fill-forms", str(intake), "-j", "xuchang", "--as-of", AS_OF, "-o", str(out), "-q", *extra)
    assert res.exit_code == 0, (res.output, res.exception)
    return res


table_rows = docx_table_cells


def summary_rows(out: Path) -> list[list[str]]:
    rows = table_rows(Document(str(out / "申报汇总表.docx")).tables[0])
    head = rows[0]
    assert head[-1] == "结论"
    return [r for r in rows[1:] if r[2]]  # the numbered blank rows for hand filling are dropped


def test_the_summary_has_a_verdict_column_in_verdict_order_without_the_ineligible_and_the_copy(
    intake: Path, checked: dict[str, dict], env: Path
) -> None:
    assert checked["b_excluded"]["verdict"] == "ineligible" and checked["a_unstamped"]["verdict"] == "incomplete"
    out = env / "out"
    res = fill(intake, out)
    rows = summary_rows(out)
    kept = sorted(["a_unstamped", "d_again"], key=lambda k: RANK[checked[k]["verdict"]])  # the later copy
    assert [(r[2], r[-1]) for r in rows] == [(checked[k]["org_name"], WORDS[checked[k]["verdict"]]) for k in kept]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(checked)  # every one has its 审核意见表
    assert [p.name for p in (out / "b_excluded").iterdir()] == [OPINION]
    assert [p.name for p in (out / "c_comprehensive").iterdir()] == [OPINION]
    assert "【b_excluded】未列入推荐表和汇总表：存在排除情形" in res.stderr
    assert (
        "【c_comprehensive】未列入推荐表和汇总表：与 d_again 重复申报，以 d_again 为准（两份结论相同，暂取收件目录中排在后面的一份，请核实哪份为最新提交）"
        in res.stderr
    )
    everyone = env / "out_all"
    fill(intake, everyone, "--include-all")
    words = [r[-1] for r in summary_rows(everyone)]
    expected = sorted((checked[k]["verdict"] for k in sorted(checked)), key=RANK.__getitem__)
    assert [w.split("（")[0] for w in words] == [WORDS[v] for v in expected]  # eligible first, then by verdict
    assert words[-1] == "不符合条件（存在排除情形）"
    copies = [n for n, k in enumerate(sorted(checked, key=lambda k: RANK[checked[k]["verdict"]]), 1) if k in ("c_comprehensive", "d_again")]
    assert f"（与第{copies[0]}行重复申报）" in words[copies[1] - 1] or f"（与第{copies[1]}行重复申报）" in words[copies[0] - 1]
    assert any("以本行为准" in w for w in words)


def test_the_xuchang_survey_table_draws_ten_served_smes_with_a_stated_reproducible_seed(
    intake: Path, env: Path
) -> None:
    from pingtai_cli.intake.dossier import read_dossier

    served = {r["name"]: r for r in read_dossier(intake / "d_again").lists["served_smes"]}
    assert len(served) > 10

    def drawn(out: Path) -> list[list[str]]:
        rows = table_rows(Document(str(out / "d_again" / REC)).tables[0])
        start = next(i for i, r in enumerate(rows) if r[-3:] == ["很满意", "基本满意", "不满意"]) + 1
        return [r for r in rows[start:] if r[0] and r[0] in served]

    first = env / "seed_default"
    res = fill(intake, first)
    sample = drawn(first)
    assert len(sample) == 10 and len({r[0] for r in sample}) == 10
    for name, contact, _title, phone, *ratings in sample:
        assert (contact, phone) == (served[name]["contact"], str(served[name]["phone"]))
        assert ratings == ["", "", ""]  # the bureau ticks these when it calls
    assert "【d_again】测评企业：从服务企业名单" in res.stderr and "随机种子 20260315" in res.stderr
    again = env / "seed_default_again"
    fill(intake, again)
    assert drawn(again) == sample
    other = env / "seed_7"
    res7 = fill(intake, other, "--survey-seed", "7")
    assert drawn(other) != sample and "随机种子 7" in res7.stderr


def test_the_review_opinion_lists_each_condition_ticks_the_materials_and_has_signature_lines(
    intake: Path, checked: dict[str, dict], env: Path
) -> None:
    out = env / "opinion"
    fill(intake, out)
    doc = Document(str(out / "a_unstamped" / OPINION))
    data = checked["a_unstamped"]
    head, conditions, materials, confirm = (table_rows(t) for t in doc.tables)
    assert ["申报单位", data["org_name"]] in head and ["检查结论", "材料不全"] in head
    names = [r[2] for r in conditions[1:]]
    for c in data["conditions"]:
        assert c["message"] and any(n for n in names), c
    status_words = {"pass": "满足", "fail": "不满足", "missing": "缺少数据", "review": "待审核", "relaxable": "可放宽"}
    basic = [c for c in data["conditions"] if c.get("group") != "exclusion"]
    by_row = {(r[1], r[2]): r for r in conditions[1:]}
    for c in basic:
        row = next(r for (art, _), r in by_row.items() if art == c["article"] and r[3] == status_words[c["status"]])
        assert row
    assert materials[0] == ["序号", "已附", "材料", "条款", "文件或问题"]
    ticks = {r[2].removesuffix("（非必需）"): r[1] for r in materials[1:]}
    for m in data["materials"]:  # 已附: the dossier holds it, valid or not
        assert ticks[m["name"]] == ("☑" if m["files"] else "☐"), m
    declaration = next(r for r in materials[1:] if "真实性" in r[2])
    (statement,) = next(m for m in data["materials"] if "真实性" in m["name"])["files"]
    assert declaration[1] == "☑" and "无效" in declaration[4] and statement in declaration[4]
    texts = [r[1] for r in confirm[1:]]
    assert any("真实性" in x and "无效" in x for x in texts)  # what the reviewer must still confirm
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "审核人（签字）：" in body and "日期：______年____月____日" in body
    assert "测评企业：从服务企业名单" in body


def test_fill_forms_reads_through_the_cache_check_filled(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scanned dossier check has OCR'd is not OCR'd again by fill-forms (it read without the
    cache before: 16 s against 1.4 s)."""
    from pingtai_cli.intake.sources import ocr

    scan = SAMPLES / "heilongjiang_scan_license"
    invoke("check", str(scan), "-j", "heilongjiang", "--as-of", AS_OF, "-f", "json")
    calls: list[int] = []
    real = ocr.ocr_image

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(ocr, "ocr_image", counting)
    res = invoke("fill-forms", str(scan), "-j", "heilongjiang", "--as-of", AS_OF, "-o", str(env / "scan"))
    assert res.exit_code == 0, res.output
    assert calls == []


@pytest.mark.slow
def test_fill_forms_with_jobs_gives_the_same_forms_and_plain_progress(intake: Path, env: Path) -> None:
    one, two = env / "jobs1", env / "jobs2"
    fill(intake, one, "--jobs", "1")
    res = invoke("fill-forms", str(intake), "-j", "xuchang", "--as-of", AS_OF, "-o", str(two), "--jobs", "2")
    assert res.exit_code == 0 and "进度 4/4（100%）" in res.stderr

    def text(p: Path) -> str:
        d = Document(str(p))
        return "\n".join([x.text for x in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])

    files = sorted(p.relative_to(one) for p in one.rglob("*.docx"))
    assert files == sorted(p.relative_to(two) for p in two.rglob("*.docx")) and len(files) == 11
    assert all(text(one / f) == text(two / f) for f in files)


def test_the_batch_workers_make_the_forms_contexts_and_a_duplicate_gets_its_finding(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dossier's contexts are made by the worker that read it (planning was ~0.55 s of one
    process for 30 dossiers); of a check the batch changed afterwards (a duplicate's finding) only
    the findings are viewed again here, not the whole check, and the kept copy's 审核意见表 still
    names the other copy (and the copy left out has its own 审核意见表)."""
    from pingtai_cli.outputs.forms import render

    calls: list[str] = []
    real = render.check_context

    def counting(result, *a, **kw):
        calls.append(Path(result.dossier).name)  # in this process only: the workers are forked
        return real(result, *a, **kw)

    monkeypatch.setattr(render, "check_context", counting)
    fill(intake, env / "workers", "--jobs", "2")
    assert calls == []  # every check was viewed by its worker
    body = "\n".join(p.text for p in Document(str(env / "workers" / "d_again" / OPINION)).paragraphs)
    tables = "\n".join(c.text for t in Document(str(env / "workers" / "d_again" / OPINION)).tables for r in t.rows for c in r.cells)
    assert "疑似重复申报" in body + tables and "c_comprehensive" in body + tables


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_parent_writes_each_form_whole_and_flushes_them_all_once_at_the_end(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    """The render workers hand their forms over as bytes and the parent writes each one atomically
    (a worker no longer waits on the disk: issue 16); all are flushed to disk together once they
    are all written (one syncfs, not two flushes per file): every form and .xlsx is written here,
    once, nothing by a worker, and nothing is left unflushed when the command ends."""
    import os

    from pingtai_cli.core import files

    parent, placed, flushed = os.getpid(), [], []
    real, real_flush = files.write_atomic, files.flush_written

    def recording(target, content, **kw):
        assert isinstance(content, bytes) and os.getpid() == parent and kw.get("durable") is False
        placed.append(Path(target).relative_to(env / "placed").as_posix())
        return real(target, content, **kw)

    def flushing(paths):
        flushed.append(sorted(Path(p).relative_to(env / "placed").as_posix() for p in paths))
        return real_flush(paths)

    monkeypatch.setattr("pingtai_cli.outputs.forms.fill.write_atomic", recording)
    monkeypatch.setattr("pingtai_cli.outputs.forms.fill.flush_written", flushing)
    fill(intake, env / "placed", "--jobs", jobs, "--force")
    made = sorted(p.relative_to(env / "placed").as_posix() for p in (env / "placed").rglob("*") if p.is_file())
    assert sorted(placed) == made and len(made) == len(set(made)) and any(m.endswith(".xlsx") for m in made)
    assert flushed == [made]


def test_flush_written_flushes_every_file_and_folder_where_there_is_no_syncfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.core import files

    paths = [tmp_path / "a" / "1.docx", tmp_path / "a" / "2.docx", tmp_path / "b" / "3.docx"]
    for p in paths:
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"x")
    import sys

    if sys.platform.startswith("linux"):  # where syncfs is, it is what flushes the run's files
        assert files._syncfs(tmp_path)
    seen: list[Path] = []
    monkeypatch.setattr(files, "_syncfs", lambda folder: False)
    monkeypatch.setattr(files, "_flush", lambda p: seen.append(p))
    monkeypatch.setattr(files, "_flush_folder", lambda p: seen.append(p))
    files.flush_written(paths)
    assert sorted(seen) == sorted([*paths, tmp_path / "a", tmp_path / "b"])


def test_rendered_forms_wait_for_the_parent_in_a_bounded_window() -> None:
    """However many forms an intake has, at most IN_FLIGHT chunks per worker are out at once, so a
    slow disk never makes the parent hold every form's bytes; the jobs come back in their order."""
    from concurrent.futures import Future

    from pingtai_cli.outputs.forms import fill as forms_fill

    out: list[int] = []

    class Pool:
        def submit(self, fn, chunk, limit, keep=False):
            out.append(len(chunk))
            f: Future = Future()
            f.set_result([([], [(Path(str(j)), b"")]) for j in chunk])
            return f

    jobs = list(range(1000))
    seen = []
    for job, _ in forms_fill._rendered(Pool(), jobs, 1.0, 2):  # type: ignore[arg-type]
        seen.append(job)
        sent = sum(out)
        assert sent - len(seen) < forms_fill.IN_FLIGHT * 2 * forms_fill.CHUNK_MAX
    assert seen == jobs and max(out) <= forms_fill.CHUNK_MAX


def test_the_batch_workers_draw_the_survey_and_the_draw_is_the_one_this_process_makes(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each dossier's 测评 sample is drawn by the worker that read it, with the run's seed (issue 16:
    one draw fewer per dossier in the one process after the batch), and it is the same draw."""
    from pingtai_cli.outputs.forms import fill as forms_fill
    from pingtai_cli.outputs.forms import render

    real_parts = forms_fill.form_parts
    with monkeypatch.context() as m:  # the workers (forked) leave the draw to this process
        m.setattr(forms_fill, "form_parts", lambda *a: {k: v for k, v in real_parts(*a).items() if k != "survey"})
        fill(intake, env / "drawn_here", "--jobs", "2", "--survey-seed", "11")
    calls: list[int] = []
    real = render.survey_sample

    def counting(*a, **kw):
        calls.append(1)  # in this process only: the workers are forked
        return real(*a, **kw)

    monkeypatch.setattr(render, "survey_sample", counting)
    fill(intake, env / "drawn_there", "--jobs", "2", "--survey-seed", "11")
    assert calls == []
    for name in ("a_unstamped", "d_again"):  # c_comprehensive is a copy, left out
        here, there = (Document(str(env / d / name / REC)) for d in ("drawn_here", "drawn_there"))
        assert [table_rows(t) for t in here.tables] == [table_rows(t) for t in there.tables]


def test_the_templates_are_opened_once_before_the_batch_and_planning_opens_none(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fill-forms reads, checks, opens and compiles its templates in this process once, before the
    batch's workers fork (issue 16: they inherit them to render each dossier's forms, instead of
    each opening them again); planning and the render workers then use them as they are."""
    from pingtai_cli.outputs.forms import fill as forms_fill
    from pingtai_cli.outputs.forms import render

    monkeypatch.setattr(render, "_prepared", {})  # this process has opened no template yet
    opened_in_plan: list[int] = []
    real_plan = forms_fill.plan

    def planning(*a, **kw):
        before = render.PARSES[0]
        try:
            return real_plan(*a, **kw)
        finally:
            opened_in_plan.append(render.PARSES[0] - before)

    monkeypatch.setattr(forms_fill, "plan", planning)
    before = render.PARSES[0]
    fill(intake, env / "opened", "--jobs", "2")
    assert opened_in_plan == [0] and render.PARSES[0] - before == 5  # the 3 forms, 审核意见表, 汇总表


def test_the_forms_the_batch_workers_render_ahead_are_the_bytes_rendered_after_the_batch(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch worker renders its dossier's own forms from what it knows (issue 16: the forms
    were all rendered after the batch); the parent writes those whose final context renders alike
    and renders the rest: the duplicate's 审核意见表 (the batch adds its finding) and those of the
    dossiers left out (why, in 结论理由). Every file is what rendering them all after the batch
    makes, byte for byte but for the zip's member times."""
    from pingtai_cli.outputs.forms import fill as forms_fill

    ahead: list[str] = []
    real_write = forms_fill.write_jobs

    def recording(jobs, *a, **kw):
        ahead.extend(j.target.relative_to(env / "ahead").as_posix() for j in jobs if j.premade is not None)
        return real_write(jobs, *a, **kw)

    with monkeypatch.context() as m:
        m.setattr(forms_fill, "write_jobs", recording)
        fill(intake, env / "ahead", "--jobs", "2")
    with monkeypatch.context() as m:  # the workers (forked) render nothing ahead
        m.setattr(forms_fill, "premade", lambda *a, **kw: None)
        fill(intake, env / "after", "--jobs", "2")
    files = sorted(p.relative_to(env / "after").as_posix() for p in (env / "after").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(env / "ahead").as_posix() for p in (env / "ahead").rglob("*") if p.is_file())
    for name in files:
        assert zip_layout((env / "ahead" / name).read_bytes()) == zip_layout((env / "after" / name).read_bytes()), name
    own = [f.split("/")[1] for f in files if f.startswith("a_unstamped/")]  # its 3 forms and 审核意见表
    # c_comprehensive and b_excluded are left out; d_again's 审核意见表 names its copy
    assert len(own) == 4 and sorted(ahead) == sorted(
        [f"a_unstamped/{f}" for f in own] + [f"d_again/{f}" for f in own if f != OPINION]
    )


def test_a_finding_the_batch_adds_later_changes_the_review_opinion_as_viewing_the_whole_check_again_would(
    env: Path,
) -> None:
    """A batch adds a duplicate's finding after its worker viewed the check (form_parts); planning
    then views the findings only (render.confirm_rows): the 审核意见表's context is exactly what
    viewing the whole check again gives, the 需确认事项 included."""
    from datetime import date

    from pingtai_cli.api import check_many
    from pingtai_cli.core.models import Finding
    from pingtai_cli.outputs.forms import render

    (result,) = check_many(SAMPLES / "xuchang_comprehensive", ["xuchang"], as_of=date(2026, 3, 15), use_cache=False)
    viewed, review = render.check_parts(result)
    assert viewed == render.check_context(result)
    result.findings.append(Finding("dossier.duplicate", "warning", "疑似重复申报（同一申请单位提交了两份以上卷宗）：与 x：统一社会信用代码相同。"))
    result.findings.append(Finding("dossier.note", "info", "不需确认的说明"))
    again = render.check_context(result)
    assert again != viewed and {**viewed, "to_confirm": render.confirm_rows(review, result)} == again
    assert "疑似重复申报" in again["to_confirm"][-1]["text"]


def test_a_worker_renders_no_review_opinion_ahead_for_a_copy_of_an_applicant_it_checked_before(
    intake: Path, env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of an applicant gets a duplicate finding once the batch ends, which its 审核意见表
    shows: the worker that checked the applicant before renders that form ahead for nothing, so it
    renders only the copy's other forms (one worker: c_comprehensive, then its copy d_again)."""
    from pingtai_cli.outputs.forms import fill as forms_fill
    from pingtai_cli.outputs.forms import render

    made: dict[str, int] = {}
    real_plan = forms_fill.plan

    def planning(dossiers, rs, out, template_dir, checks=None, *a, **kw):
        gone = [g.result for g in kw.get("left_out") or []]
        for r in [*(checks or []), *gone]:
            made[Path(r.dossier).name] = len(r.form_parts["premade"]["forms"])
        return real_plan(dossiers, rs, out, template_dir, checks, *a, **kw)

    monkeypatch.setattr(forms_fill, "plan", planning)
    fill(intake, env / "copies", "--jobs", "1", "--force")
    opinion = forms_fill.find_template(forms_fill.REVIEW_OPINION, None)
    assert opinion is not None and "to_confirm" in (render.prepared(opinion).reads or ())
    assert made == {"a_unstamped": 4, "b_excluded": 4, "c_comprehensive": 4, "d_again": 3}


def test_the_survey_draws_each_served_company_once_when_the_list_names_one_twice(tmp_path: Path) -> None:
    # one row per service given: a company served twice is on the list twice. The 测评 table asks
    # for companies (随机抽取，不少于10家): each is drawn once, and the note counts companies
    from openpyxl import load_workbook

    dossier = make_intake(tmp_path / "收件", {"甲": "xuchang_unstamped"}) / "甲"
    book = dossier / "申报表.xlsx"
    wb = load_workbook(book)
    ws = wb["服务企业名单及评价"]
    rows = [list(r) for r in ws.iter_rows(min_row=3, max_row=8, values_only=True)]
    ws.delete_rows(3, ws.max_row)
    for n, row in enumerate([r for r in rows for _ in range(2)], 1):  # 6 companies, 12 rows
        ws.append([n, *row[1:4], "政策咨询" if n % 2 else row[4], row[5]])
    wb.save(book)
    out = tmp_path / "表格"
    res = fill(dossier, out)
    table = table_rows(Document(str(out / "甲" / REC)).tables[0])
    start = next(i for i, r in enumerate(table) if r[-3:] == ["很满意", "基本满意", "不满意"]) + 1
    drawn = [r[0] for r in table[start:] if r[0] in {row[1] for row in rows}]
    assert sorted(drawn) == sorted(row[1] for row in rows)  # all 6, each once
    assert "服务企业名单共 6 家，不足 10 家" in res.stderr


def test_the_review_opinion_states_the_draw_in_the_bureaus_words_and_stderr_names_the_flag(tmp_path: Path) -> None:
    # the 审核意见表 is signed and filed: it says how the 测评 companies were drawn (the seed), not
    # which command-line flag changes it; the run's stderr, read by whoever runs it, says that
    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_unstamped"})
    out = tmp_path / "表格"
    res = fill(intake / "甲", out)
    opinion = "\n".join(p.text for p in Document(str(out / "甲" / OPINION)).paragraphs)
    assert "随机抽取 10 家" in opinion and "随机种子 20260315" in opinion
    assert "--survey-seed" not in opinion and "pingtai" not in opinion
    assert "【甲】测评企业：" in res.stderr and "--survey-seed" in res.stderr


def test_a_left_out_dossier_describes_no_draw_and_one_listed_of_many_still_gets_the_summary(env: Path) -> None:
    """Of an intake of two, the excluded one is left out: its 审核意见表 described a 测评 draw from
    its list, although no 推荐表 (where the draw is) was written for it; and with one dossier
    listed the 申报汇总表 was not written at all, with nothing said."""
    intake = make_intake(env / "收件-二", {"a_excluded": "xuchang_excluded", "b_comprehensive": "xuchang_comprehensive"})
    out = env / "out-二"
    fill(intake, out)
    opinion = "\n".join(p.text for p in Document(str(out / "a_excluded" / OPINION)).paragraphs)
    assert [p.name for p in (out / "a_excluded").iterdir()] == [OPINION] and "测评企业" not in opinion
    listed = "\n".join(p.text for p in Document(str(out / "b_comprehensive" / OPINION)).paragraphs)
    assert "测评企业" in listed  # the listed one's draw is still said
    assert [r[2] for r in summary_rows(out)] and len(summary_rows(out)) == 1
