"""Figures read with what they say of themselves: the year they are of, the year a body was founded
in, an approximation, a label spread over two rows. None of them earns a verdict it does not show.

1. A figure dated to another year than the one the condition is about (2023年末：236.6万元 checked
   on 2026-03-15, when 上一年度 is 2025) is for review, naming both periods; the right year is fine.
2. A 成立日期 written to the year (2017年, 2017, 二〇一七年) is read at year precision: an age
   condition met on every day of that year passes, on none fails, otherwise review.
3. An approximate figure (约130家, 130家左右, 近150家) is read and marked approximate: review.
4. A label merged over two rows (资产总额 | 年末 | 320 / | 年初 | 290) takes the period end's figure,
   a unit on a row of its own is its unit, and rows that do not say which is the figure are review.

Each case edits a copy of a committed sample (openpyxl, python-docx) or builds the file with
tests/builders.py, and checks it as `pingtai check DIR -j KEY --as-of 2026-03-15 --format json` does.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import edited_copy, table_pdf, text_pdf, word_form
from cli_helpers import invoke
from pingtai_cli import check_dossier
from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.limits import Limits
from samples import SAMPLES

AS_OF = date(2026, 3, 15)


# Every test checks a copy of a committed sample with its workbook (or one document) changed: the
# untouched documents are read through the run's shared sample cache (conftest.py), which gives
# exactly what a fresh read of those bytes gives; what is changed is new bytes, read for real.
# Nothing here fakes a reader or counts reads.
pytestmark = pytest.mark.usefixtures("shared_sample_cache")


def _copy(tmp_path: Path, sample: str, cells: dict[str, Any], drop: tuple[str, ...] = (), sheet: int = 0) -> Path:
    """A copy of `sample` with cells of its workbook set (None empties one), some files left out."""
    return edited_copy(SAMPLES / sample, tmp_path / sample, cells, drop, sheet)


def _word_copy(tmp_path: Path, sample: str, name: str, label: str, value: str) -> Path:
    """A copy of `sample` whose Word file `name` has `value` in the row labelled `label`."""
    import docx

    folder = tmp_path / sample
    shutil.copytree(SAMPLES / sample, folder)
    document = docx.Document(folder / name)
    rows = [row for table in document.tables for row in table.rows if row.cells[0].text.strip() == label]
    assert rows, label
    for row in rows:
        row.cells[-1].text = value
    document.save(folder / name)
    return folder


def _check(folder: Path, jurisdiction: str = "liaoning") -> dict[str, Any]:
    return check_dossier(folder, jurisdiction, as_of=AS_OF).to_dict()


def _condition(doc: dict[str, Any], field: str) -> dict[str, Any]:
    every = doc["conditions"] + [c for item in doc["functions"]["items"] for c in item["conditions"]]
    return next(c for c in every if c["fields"] == [field])


def _ids(doc: dict[str, Any]) -> set[str]:
    return {f["id"] for f in doc["findings"]}


# ---------------------------------------------------------------- 1. the period a figure is of


def test_an_asset_total_dated_to_a_stale_year_end_is_review_naming_both_periods(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"D12": "2023年末：236.6万元"}))
    fact = doc["facts"]["total_assets"]
    assert (fact["value"], fact["period"]) == (236.6, "2023年末")
    assets = _condition(doc, "total_assets")
    assert assets["status"] == "review", assets["message"]
    assert "2023年末" in assets["message"] and "2025年末" in assets["message"]
    assert "审计报告2025.pdf（2025年度审计）所载320万元" in assets["message"]  # the right year's figure, for the reviewer
    assert doc["verdict"] == "review", doc["reasons"]
    # two years' figures differ rightly: the 2025 audit report is not contradicted by a 2023 figure
    assert "consistency.total_assets_mismatch" not in _ids(doc)


def test_an_asset_total_dated_to_the_year_before_the_check_is_fine(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"D12": "截至2025年12月31日，资产总额320万元"}))
    assert doc["facts"]["total_assets"]["period"] == "截至2025年12月31日"
    assert _condition(doc, "total_assets")["status"] == "pass"
    assert doc["verdict"] == "eligible", doc["reasons"]


@pytest.mark.parametrize(
    ("cells", "written"),
    [
        ({"D14": "2024年度：108家"}, "2024年度"),  # in the value cell
        ({"C14": "2024年服务中小企业数", "D14": "108家"}, "2024年"),  # in the label
        ({"D14": "108家（2024年）"}, "2024年"),  # in a note after the figure
        ({"D14": "2026年：30家"}, "2026年"),  # the year not over yet
        ({"A2": "（数据截至2024年12月31日）"}, "截至2024年12月31日"),  # a note above the form
    ],
    ids=["value", "label", "note", "current-year", "sheet-note"],
)
def test_a_served_count_of_another_year_is_review_naming_the_year_written_and_the_year_required(
    tmp_path: Path, cells: dict[str, Any], written: str
) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", cells))
    served = _condition(doc, "smes_served")
    assert served["status"] == "review", served["message"]
    assert f"填写的是{written}的数字" in served["message"] and "2025年度" in served["message"]
    assert doc["verdict"] == "review"
    # the cell beside it on the row is still read (a value `2024年度：108家` is no 年度 column header)
    assert doc["facts"]["staff_qualified"]["value"] == 12


def test_a_word_form_dated_to_a_stale_year_is_review_and_not_a_contradiction(tmp_path: Path) -> None:
    folder = _word_copy(tmp_path, "liaoning_word_only", "申请表.docx", "资产总额", "2024年末：236.6万元")
    doc = _check(folder)
    assets = _condition(doc, "total_assets")
    assert assets["status"] == "review" and "2024年末" in assets["message"], assets["message"]
    assert doc["verdict"] == "review"
    differ = next(f for f in doc["findings"] if f["id"] == "sources.differ" and f["field"] == "total_assets")
    assert "（2024年末的数字）" in differ["message"]


def test_a_period_noted_above_a_word_table_dates_its_figures() -> None:
    rows = [["单位名称", "沈阳智联中小企业服务有限公司"], ["资产总额", "236.6万元"], ["从业人数", "15人"]]
    material = process_file("申请报告.docx", word_form(rows, title="平台基本情况（数据截至2024年12月31日）"), Limits())
    assert material.form is not None
    assert material.form.facts["total_assets"].period == "截至2024年12月31日"


def test_a_pdf_form_keeps_the_period_written_in_its_table() -> None:
    rows = [("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额", "2023年末：236.6万元"), ("从业人数", "15人"),
            ("年服务中小企业数", "2025年度：130家")]  # fmt: skip
    material = process_file("申请表.pdf", table_pdf(["辽宁省中小企业公共服务示范平台申请表"], rows), Limits())
    facts = material.form.facts  # type: ignore[union-attr]
    assert (facts["total_assets"].period, facts["total_assets"].evidence.how) == ("2023年末", "text")  # type: ignore[union-attr]
    assert facts["smes_served"].period == "2025年度"


def _audit_pdf(year: int, total: str) -> bytes:
    return text_pdf([
        ["沈阳智联中小企业服务有限公司", "审计报告", "辽宁某某会计师事务所"],
        [f"我们审计了贵公司财务报表，包括{year}年12月31日的资产负债表。注册会计师：李四"],
        ["资产负债表", f"编制单位：沈阳智联中小企业服务有限公司  {year}年12月31日  单位：元",
         "项目 行次 期末余额 上年年末余额", f"资产总计 32 {total} 2,100,000.00"],
    ])  # fmt: skip


def test_an_asset_total_read_from_a_stale_audit_report_is_review_naming_the_year_audited(tmp_path: Path) -> None:
    # the 申请表 leaves 资产总额 out; the only audit report is of 2023: its 资产总计 is 2023's
    folder = _copy(tmp_path, "liaoning_eligible", {"C12": None, "D12": None}, drop=("01申请报告.docx", "审计报告2025.pdf"))
    (folder / "审计报告2023.pdf").write_bytes(_audit_pdf(2023, "2,366,000.00"))
    doc = _check(folder)
    fact = doc["facts"]["total_assets"]
    assert (fact["value"], fact["evidence"]["file"]) == (236.6, "审计报告2023.pdf")
    assets = _condition(doc, "total_assets")
    assert assets["status"] == "review", assets["message"]
    assert "所载的是2023年末的数字" in assets["message"] and "2025年末" in assets["message"]
    assert doc["verdict"] == "review"


def test_figures_of_two_years_under_dated_labels_take_the_later_and_no_conflict(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "liaoning_eligible", {"C14": "2024年服务中小企业数", "D14": "108家",
                                                   "A23": "2025年服务中小企业数", "B23": "125家"})  # fmt: skip
    doc = _check(folder)
    fact = doc["facts"]["smes_served"]
    assert (fact["value"], fact["period"]) == (125, "2025年")
    assert _condition(doc, "smes_served")["status"] == "pass"
    assert "read.conflicting_values" not in _ids(doc)


def test_the_cli_json_shows_the_period_and_the_question(tmp_path: Path) -> None:
    folder = _copy(tmp_path, "liaoning_eligible", {"D12": "2023年末：236.6万元"})
    res = invoke("check", str(folder), "-j", "liaoning", "--as-of", "2026-03-15", "--format", "json")
    assert res.exit_code == 1
    assert '"verdict": "review"' in res.stdout and '"period": "2023年末"' in res.stdout and '"doubt": ' in res.stdout


# ---------------------------------------------------------------- 2. a founding date written to the year


def test_a_founding_year_that_the_licence_dates_exactly_is_counted_from_the_licences_day(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B6": "2018年"}))  # the licence: 2018年06月08日
    fact = doc["facts"]["registration_date"]
    assert (fact["value"], fact["precision"]) == ("2018-01-01", "year")
    assert "read.bad_value" not in _ids(doc) and "consistency.registration_date_mismatch" not in _ids(doc)
    years = _condition(doc, "operating_years")
    assert years["status"] == "pass" and years["actual"] == 7.76
    assert doc["verdict"] == "eligible", doc["reasons"]


@pytest.mark.parametrize(
    ("written", "status", "words"),
    [
        ("2023年", "pass", "该年每一天都满足"),  # 2.2 years from its last day
        ("二〇二三年", "pass", "该年每一天都满足"),
        (2025, "fail", "该年每一天都不满足"),  # 1.2 years from its first day
        ("2024年", "review", "按该年不同日子结论不同"),  # 1.2 to 2.2 years
    ],
)
def test_a_founding_year_alone_decides_only_what_every_day_of_it_decides(
    tmp_path: Path, written: object, status: str, words: str
) -> None:
    folder = _copy(tmp_path, "liaoning_eligible", {"B6": written}, drop=("02营业执照副本.pdf", "01申请报告.docx"))
    doc = _check(folder)
    assert doc["facts"]["registration_date"]["precision"] == "year"
    years = _condition(doc, "operating_years")
    assert years["status"] == status, years["message"]
    assert words in years["message"] and "日期只写到年" in years["message"]
    assert doc["verdict"] == {"pass": "incomplete", "fail": "ineligible", "review": "review"}[status]  # the licence is left out


def test_a_founding_year_against_a_licence_of_another_year_is_a_mismatch(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B6": "2017年"}))  # the licence: 2018年06月08日
    mismatch = next(f for f in doc["findings"] if f["id"] == "consistency.registration_date_mismatch")
    assert "“2017年”" in mismatch["message"] and "2018-06-08" in mismatch["message"]


# ---------------------------------------------------------------- 3. approximate figures


@pytest.mark.parametrize(("written", "value"), [("约130家", 130), ("130家左右", 130), ("近150家", 150), ("约70家", 70)])
def test_an_approximate_served_count_is_read_marked_and_decides_nothing(tmp_path: Path, written: str, value: int) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"D14": written}))
    fact = doc["facts"]["smes_served"]
    assert (fact["value"], fact["precision"], fact["raw"]) == (value, "approximate", written)
    served = _condition(doc, "smes_served")
    assert served["status"] == "review", served["message"]  # 70 as read fails ≥80, 130 passes: neither decides
    assert "是约数" in served["message"] and written in served["message"] and served.get("gap") is None
    assert doc["verdict"] == "review"
    assert "read.bad_value" not in _ids(doc)


def test_an_approximate_figure_in_the_yearly_table_decides_no_growth(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"G4": "约108"}, sheet=1))  # 运营情况: 2024 约108, 2025 125
    growth = _condition(doc, "smes_growth")
    assert growth["status"] == "review", growth["message"]
    assert "2024年“约108”是约数" in growth["message"]


def test_a_ratio_of_an_approximate_count_is_review(tmp_path: Path) -> None:
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B14": "约12人"}))
    ratio = _condition(doc, "staff_qualified_ratio")
    assert ratio["status"] == "review", ratio["message"]
    assert "“约12人”是约数" in ratio["message"]


def test_an_approximate_count_in_a_word_form_is_marked_approximate() -> None:
    rows = [["单位名称", "沈阳智联中小企业服务有限公司"], ["年服务中小企业数", "近150家"], ["从业人数", "15人"]]
    material = process_file("申请表.docx", word_form(rows), Limits())
    fact = material.form.facts["smes_served"]  # type: ignore[union-attr]
    assert (fact.value, fact.precision) == (150, "approximate")


# ---------------------------------------------------------------- 4. a label over two rows


def _two_rows(tmp_path: Path, b23: Any, c23: Any, b24: Any, c24: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """资产总额 moved from C12:D12 to A23:A24 (merged), with the cells right of it on both rows."""
    cells = {"C12": None, "D12": None, "A23": "资产总额", "B23": b23, "C23": c23, "B24": b24, "C24": c24, "A23:A24": None}
    return _check(_copy(tmp_path, "liaoning_eligible", cells, drop))


# the 申请报告's table and the audit report state 资产总额 320万元 too: without them the form stands alone
ALONE = ("01申请报告.docx", "审计报告2025.pdf")


@pytest.mark.parametrize(
    ("b23", "c23", "b24", "c24"),
    [("年末", "320万元", "年初", "290万元"), ("年初", "290万元", "年末", "320万元"), ("2024年末", "290万元", "2025年末", "320万元")],
    ids=["end-first", "end-second", "dated"],
)
def test_a_label_merged_over_two_rows_takes_the_period_ends_figure(tmp_path: Path, b23: str, c23: str, b24: str, c24: str) -> None:
    doc = _two_rows(tmp_path, b23, c23, b24, c24, ALONE)
    fact = doc["facts"]["total_assets"]
    assert fact["value"] == 320 and fact["evidence"]["cell"] in ("C23", "C24"), fact
    assert not [f for f in doc["findings"] if f["id"] == "read.bad_value" and f["field"] == "total_assets"]
    assert _condition(doc, "total_assets")["status"] == "pass"
    assert doc["verdict"] == "incomplete", doc["reasons"]  # only for the two files left out


def test_a_unit_on_the_row_below_is_the_units_of_the_figure(tmp_path: Path) -> None:
    doc = _two_rows(tmp_path, "年末", 3_200_000, "单位", "元", ALONE)
    fact = doc["facts"]["total_assets"]
    assert (fact["value"], fact["evidence"]["cell"], fact["evidence"]["how"]) == (320, "C23", "typed")
    assert _condition(doc, "total_assets")["status"] == "pass"


@pytest.mark.parametrize(
    ("b23", "c23", "b24", "c24", "words"),
    [
        ("合计", "320万元", "其中：固定资产", "100万元", "表格没有说明哪一个是资产总额"),
        ("年初", "290万元", None, None, "只填写了期初（年初）的数字"),
        ("本年末", "320万元", "上年末", "290万元", "表格没有说明哪一个是资产总额"),
    ],
    ids=["sub-items", "prior-only", "two-ends"],
)
def test_rows_that_do_not_say_which_is_the_figure_are_a_question_for_the_reviewer(
    tmp_path: Path, b23: str, c23: str, b24: Any, c24: Any, words: str
) -> None:
    doc = _two_rows(tmp_path, b23, c23, b24, c24, ALONE)
    assets = _condition(doc, "total_assets")
    assert assets["status"] == "review", assets["message"]
    assert words in assets["message"] and c23 in assets["message"]
    assert "无法识别" not in assets["message"] and "单位“" not in assets["message"]
    assert doc["verdict"] == "review"


def test_a_figure_another_source_states_plainly_settles_the_rows_doubt(tmp_path: Path) -> None:
    doc = _two_rows(tmp_path, "合计", "320万元", "其中：固定资产", "100万元")  # the 申请报告 says 320万元
    assert "doubt" not in doc["facts"]["total_assets"]
    assert _condition(doc, "total_assets")["status"] == "pass"
    assert doc["verdict"] == "eligible", doc["reasons"]


def test_a_word_label_merged_over_two_rows_is_read_as_in_a_workbook() -> None:
    rows = [["单位名称", "沈阳智联中小企业服务有限公司", ""], ["资产总额", "年初", "290万元"], ["", "年末", "320万元"],
            ["从业人数", "15人", ""]]  # fmt: skip
    material = process_file("申请表.docx", word_form(rows, merges={0: [(1, 0, 2, 0)]}), Limits())
    fact = material.form.facts["total_assets"]  # type: ignore[union-attr]
    assert fact.value == 320 and fact.evidence.cell == "C3"  # type: ignore[union-attr]
    assert not [f for f in material.form.findings if f.id == "read.bad_value"]  # type: ignore[union-attr]


# ---------------------------------------------------------------- the periods that are 上一年度, on the engine


@pytest.mark.parametrize(
    ("key", "period", "status"),
    [
        ("total_assets", "2025年末", "pass"),
        ("total_assets", "截至2025年12月31日", "pass"),
        ("total_assets", "2026年初", "pass"),  # the opening balance of 2026 is the closing one of 2025
        ("total_assets", "2025年度", "pass"),
        ("total_assets", "截至2025年6月30日", "review"),  # the right year, not its end
        ("total_assets", "2024年末", "review"),
        ("total_assets", "2025年初", "review"),
        ("smes_served", "2025年", "pass"),
        ("smes_served", "2025全年", "pass"),
        ("smes_served", "截至2025年9月", "review"),  # part of the year
        ("smes_served", "2026年", "review"),  # the year of the check, not over
        ("staff_total", "2020年末", "pass"),  # a head count is no figure of a year: its date is a note
    ],
)
def test_only_the_year_before_the_check_earns_a_year_bound_figure_its_outcome(key: str, period: str, status: str) -> None:
    from builders import dossier
    from test_evaluate import check

    d = dossier()
    d.facts[key].period = period
    d.facts[key].raw = f"{period}：{d.facts[key].value}"
    result = check(d)
    condition = next(c for c in result.conditions if c.fields == [key])
    assert condition.status == status, condition.message
    assert result.verdict == ("eligible" if status == "pass" else "review"), result.reasons
    if status == "review":
        assert f"填写的是{period}的数字" in condition.message and "2025年" in condition.message
