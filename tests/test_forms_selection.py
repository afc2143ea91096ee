"""fill-forms on an intake: which copy of an applicant is listed, how the 结论 column marks
duplicates, exclusions and an applicant outside the area, the count by verdict, a 审核意见表 for a
dossier left out, forms filled from the facts the check used, the forms' wording, and a re-run
refused before any dossier is read. Issue 16's walkthrough found each of these."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from builders import docx_table_cells
from cli_helpers import invoke
from samples import cache_dir_env, make_intake

AS_OF = "2026-03-15"
OPINION = "审核意见表.docx"
HLJ_SUMMARY = "附件1-黑龙江省中小企业公共服务平台推荐汇总表.docx"
XC_WORKBOOK = "许昌平台申报表（终版）.xlsx"


def _uscc(code17: str) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(chars.index(c) * w for c, w in zip(code17, weights, strict=True))
    return code17 + chars[(31 - total % 31) % 31]


def _edit(xlsx: Path, cells: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(xlsx)
    for key, value in cells.items():
        wb.worksheets[0][key] = value
    wb.save(xlsx)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("select")
    with cache_dir_env(base / "cache"):
        yield base


@pytest.fixture(scope="module")
def resubmitted(base: Path) -> Path:
    """The xuchang applicant (9 staff) and its resubmission (10 staff, same credit code)."""
    intake = make_intake(base / "重交", {
        "10 许昌智汇": "xuchang_comprehensive",
        "11 许昌智汇（重交）": "xuchang_comprehensive",
    })
    _edit(intake / "11 许昌智汇（重交）" / XC_WORKBOOK, {"G8": "10"})
    return intake


@pytest.fixture(scope="module")
def renamed_code(base: Path) -> Path:
    """The liaoning applicant twice, the second copy under another (valid) credit code."""
    intake = make_intake(base / "改代码", {"a 沈阳": "liaoning_eligible", "b 沈阳 更正版": "liaoning_eligible"})
    _edit(intake / "b 沈阳 更正版" / "申请表.xlsx", {"B5": _uscc("91210102MA0ABCDE1")})
    return intake


def fill(intake: Path, jurisdiction: str, out: Path, *extra: str):
    res = invoke("fill-forms", str(intake), "-j", jurisdiction, "--as-of", AS_OF, "-o", str(out), "-q", *extra)
    assert res.exit_code == 0, (res.output, res.exception)
    return res


cells = docx_table_cells


def summary(path: Path) -> list[list[str]]:
    rows = cells(Document(str(path)).tables[0])
    return [r for r in rows[1:] if len(r) > 2 and r[2]]


def text(path: Path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


# a 许昌 applicant under heilongjiang: 待审核, its place outside the area being inferred (HL-A01)
@pytest.mark.parametrize(("jurisdiction", "kept_verdict"), [("heilongjiang", "待审核"), ("liaoning", "待审核")])
def test_an_applicant_is_listed_by_its_best_copy_not_left_out_entirely(
    resubmitted: Path, base: Path, jurisdiction: str, kept_verdict: str
) -> None:
    """10 was left out as 不符合条件 and 11 as 与 10 重复申报: the applicant was nowhere."""
    out = base / f"kept-{jurisdiction}"
    res = fill(resubmitted, jurisdiction, out)
    if jurisdiction == "heilongjiang":  # its 推荐汇总表 is a form: written for one platform too
        assert [r[-1].split("（")[0] for r in summary(out / HLJ_SUMMARY)] == [kept_verdict]
    assert len(list((out / "11 许昌智汇（重交）").iterdir())) > 1  # its forms, and its 审核意见表
    assert [p.name for p in (out / "10 许昌智汇").iterdir()] == [OPINION]
    line = next(x for x in res.stderr.splitlines() if x.startswith("【10 许昌智汇】未列入"))
    assert "与 11 许昌智汇（重交） 重复申报，以 11 许昌智汇（重交） 为准" in line
    assert f"“{kept_verdict}”优于本卷宗的“不符合条件”" in line
    assert "【11 许昌智汇（重交）】未列入" not in res.stderr


def test_when_no_copy_qualifies_each_is_left_out_for_its_own_reason(base: Path) -> None:
    intake = make_intake(base / "都不符合", {"x1": "xuchang_comprehensive", "x2": "xuchang_comprehensive", "ok": "heilongjiang_remote_relaxed"})
    res = fill(intake, "heilongjiang", base / "none-kept")
    assert "【x1】未列入推荐表和汇总表：不符合条件" in res.stderr
    assert "【x2】未列入推荐表和汇总表：不符合条件" in res.stderr
    assert "重复申报，以" not in res.stderr


def test_the_same_org_name_under_another_credit_code_is_one_applicant(renamed_code: Path, base: Path) -> None:
    """It was listed twice (rows 1 and 6) with nothing said."""
    check = invoke("check", str(renamed_code), "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "-q")
    docs = json.loads(check.stdout)
    assert all(any("单位名称相同" in f["message"] for f in d["findings"]) for d in docs)
    assert len({d["facts"]["credit_code"]["value"] for d in docs}) == 2
    assert [d["verdict"] for d in docs] == ["eligible", "incomplete"]  # b's licence says the old code
    out = base / "renamed"
    res = fill(renamed_code, "liaoning", out)
    assert len(summary(out / "申报汇总表.docx")) == 1  # one of the intake's two listed: the intake's summary
    assert (out / "a 沈阳" / "附件1-辽宁省中小企业公共服务示范平台推荐表.docx").exists()
    assert [p.name for p in (out / "b 沈阳 更正版").iterdir()] == [OPINION]
    assert "【b 沈阳 更正版】未列入推荐表和汇总表：与 a 沈阳 重复申报，以 a 沈阳 为准" in res.stderr
    everyone = base / "renamed-all"
    fill(renamed_code, "liaoning", everyone, "--include-all")
    words = [r[-1] for r in summary(everyone / "申报汇总表.docx")]
    assert words == ["符合条件（与第2行重复申报，以本行为准）", "材料不全（与第1行重复申报）"]


def test_include_all_marks_duplicates_and_an_applicant_outside_the_area_in_the_verdict_column(
    resubmitted: Path, base: Path
) -> None:
    out = base / "marks"
    fill(resubmitted, "heilongjiang", out, "--include-all")
    words = [r[-1] for r in summary(out / HLJ_SUMMARY)]
    assert words == [
        "待审核（与第2行重复申报，以本行为准；注册地不在本地区，需核实）",
        "不符合条件（与第1行重复申报；注册地不在本地区，需核实）",
    ]
    alone = base / "marks-listed"
    fill(resubmitted, "heilongjiang", alone)
    assert [r[-1] for r in summary(alone / HLJ_SUMMARY)] == ["待审核（注册地不在本地区，需核实）"]


def test_every_batch_summary_shows_the_area_note_beside_a_duplicate_note(resubmitted: Path, base: Path) -> None:
    """Dropped from the terminal summary when a duplicate note came first, never in the xlsx 主要问题."""
    terminal = invoke("check", str(resubmitted), "-j", "heilongjiang", "--as-of", AS_OF).stderr
    lines = [x for x in terminal.splitlines() if "疑似重复申报（" in x]
    assert len(lines) == 2 and all("注册地不在本地区，需核实" in x for x in lines), terminal[-3000:]
    xlsx = base / "check.xlsx"
    invoke("check", str(resubmitted), "-j", "heilongjiang", "--as-of", AS_OF, "-q", "-f", "xlsx", "-o", str(xlsx))
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    head = [c.value for c in ws[1]]
    problems = [row[head.index("主要问题")] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert len(problems) == 2 and all("注册地不在本地区，需核实" in (p or "") for p in problems), problems
    html = base / "check.html"
    invoke("check", str(resubmitted), "-j", "heilongjiang", "--as-of", AS_OF, "-q", "-f", "html", "-o", str(html))
    index = html.read_text(encoding="utf-8").split('class="index"')[1].split("</section>")[0]
    assert index.count("注册地不在本地区，需核实") == 2


def test_when_every_dossier_is_left_out_each_still_gets_the_review_opinion_it_was_promised(base: Path) -> None:
    """An intake of two excluded applicants (xuchang 第十九条: already 省级): stderr said
    “只生成审核意见表” and “已生成审核意见表” for each, then “没有可生成的表格”, and --out was never
    created; the reviewer had nothing to sign for either."""
    intake = make_intake(base / "全不列入", {"甲": "xuchang_excluded", "乙": "xuchang_excluded"})
    out = base / "none-listed"
    res = fill(intake, "xuchang", out)
    assert "只生成审核意见表" in res.stderr
    assert "没有可生成的表格" not in res.stderr
    for name in ("甲", "乙"):
        assert [p.name for p in (out / name).iterdir()] == [OPINION], name
        assert "未列入推荐表和汇总表" in text(out / name / OPINION)
    assert not [p for p in out.iterdir() if p.is_file()]  # no summary of nobody


def test_a_dossier_left_out_gets_its_review_opinion_saying_why(resubmitted: Path, base: Path) -> None:
    out = base / "kept-heilongjiang-opinion"
    res = fill(resubmitted, "heilongjiang", out)
    assert [p.name for p in (out / "10 许昌智汇").iterdir()] == [OPINION]
    body = text(out / "10 许昌智汇" / OPINION)
    assert "未列入推荐表和汇总表：与 11 许昌智汇（重交） 重复申报" in body
    assert "只生成审核意见表" in res.stderr


def test_the_review_opinion_shows_an_undeclared_function_as_one_line_and_names_no_draw_without_a_table(
    resubmitted: Path, base: Path
) -> None:
    out = base / "kept-heilongjiang-undeclared"
    fill(resubmitted / "11 许昌智汇（重交）", "heilongjiang", out)
    doc = Document(str(out / "11 许昌智汇（重交）" / OPINION))
    head, conditions, _materials, confirm = (cells(t) for t in doc.tables)
    by_name = {r[2]: r for r in conditions[1:]}
    assert by_name["融资服务"][3] == "未申报" and by_name["创业服务"][3] == "未申报"
    assert not any("融资服务机构" in r[2] for r in conditions[1:])  # its sub-conditions are no gap here
    assert not any("缺少数据" in r[1] and ("融资" in r[1] or "创业" in r[1]) for r in confirm[1:])
    assert "随机抽取" not in text(out / "11 许昌智汇（重交）" / OPINION)  # no heilongjiang form has a 测评 table


def test_forms_use_the_facts_the_check_used(base: Path) -> None:
    """Dossier 14 (no workbook): check takes 年服务中小企业 80家 from the 申请报告's yearly table;
    the summary had it blank and stderr listed it as 没有数据."""
    intake = make_intake(base / "无申报表", {"14 无申报表": "shaoguan_comprehensive_only"})
    (intake / "14 无申报表" / "申报表.xlsx").unlink()
    check = invoke("check", str(intake / "14 无申报表"), "-j", "heilongjiang", "--as-of", AS_OF, "-f", "json")
    fact = json.loads(check.stdout)["facts"]["smes_served"]
    out = base / "facts"
    res = fill(intake, "heilongjiang", out, "--include-all")
    (row,) = summary(out / HLJ_SUMMARY)
    assert row[9] == str(int(fact["value"]))
    blanks = next(x for x in res.stderr.splitlines() if "没有数据" in x)
    assert "年服务中小企业数" not in blanks


def test_forms_speak_in_the_official_voice_with_single_punctuation(base: Path) -> None:
    intake = make_intake(base / "措辞", {"许昌": "xuchang_comprehensive", "辽宁": "liaoning_eligible"})
    for key in ("xuchang", "liaoning"):
        out = base / f"wording-{key}"
        res = fill(intake, key, out, "--include-all")
        for docx in out.rglob("*.docx"):
            assert "模板" not in docx.name
            body = text(docx)
            assert "pingtai" not in body, (docx, re.findall(r".{20}pingtai.{20}", body))
            assert not re.search("。[；，。]|。”。", body), (docx, re.findall(".{20}(?:。[；，。]|。”。).{10}", body))
        assert not re.search("。[；，。]|。”。", res.stderr), re.findall(".{20}(?:。[；，。]|。”。).{10}", res.stderr)


def test_a_rerun_without_force_refuses_before_reading_any_dossier(
    resubmitted: Path, base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.cli.commands import check

    out = base / "rerun"
    fill(resubmitted, "heilongjiang", out)
    reads: list[Path] = []
    real = check.run_batch
    monkeypatch.setattr(check, "run_batch", lambda paths, *a, **kw: reads.extend(paths) or real(paths, *a, **kw))
    res = invoke("fill-forms", str(resubmitted), "-j", "heilongjiang", "--as-of", AS_OF, "-o", str(out), "-q")
    assert res.exit_code == 2 and "输出文件已存在" in str(res.exception)
    assert HLJ_SUMMARY in str(res.exception) and reads == []
    again = invoke("fill-forms", str(resubmitted), "-j", "heilongjiang", "--as-of", AS_OF, "-o", str(out), "-q", "--force")
    assert again.exit_code == 0 and reads == [resubmitted]


def test_an_output_folder_that_cannot_be_written_is_refused_before_any_dossier_is_read(
    base: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only --out was found only after the whole intake was read and checked (and stderr
    had said 已生成审核意见表): exit 2 with 无法写入 at the end. It is refused first now."""
    import tempfile

    import pingtai_cli.api.forms as api_forms

    intake = make_intake(base / "只读", {"甲": "xuchang_comprehensive"})
    out = base / "read-only"
    out.mkdir()
    if os.geteuid() != 0:  # as the reviewer meets it
        out.chmod(0o555)
    else:  # root writes anywhere: the folder refuses the probe as a read-only mount would
        real = tempfile.mkstemp

        def refusing(*a, **kw):  # type: ignore[no-untyped-def]
            if Path(kw.get("dir", "")) == out:
                raise PermissionError(13, "Permission denied")
            return real(*a, **kw)

        monkeypatch.setattr(tempfile, "mkstemp", refusing)
    monkeypatch.setattr(api_forms, "check_all", lambda *a, **kw: pytest.fail("a dossier was read"))
    res = invoke("fill-forms", str(intake), "-j", "xuchang", "--as-of", AS_OF, "-o", str(out), "-q")
    out.chmod(0o755)
    said = str(res.exception)
    assert res.exit_code == 2 and "无法写入输出目录" in said and "未读取任何卷宗" in said, said
    assert list(out.iterdir()) == []
