"""Values read as people write them, and no further: an amount without a unit is not silently
万元, 其它 is 其他, a date written to the month keeps no invented day, a bracketed note is a note,
and a dash inside a credit code is no part of it.

Each case edits a real cell of a copy of a committed sample (openpyxl), or feeds the readers the
grid a Word or PDF table gives them.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import edit_workbook, edited_copy
from pingtai_cli import check_dossier
from pingtai_cli.intake.materials import classify_content, classify_name
from pingtai_cli.intake.sources import units, uscc
from pingtai_cli.intake.sources.excel import read_grids
from pingtai_cli.intake.sources.grid import Grid
from samples import SAMPLES

AS_OF = date(2026, 3, 15)


def _copy(tmp_path: Path, sample: str, cells: dict[str, Any], drop: tuple[str, ...] = ()) -> Path:
    """A copy of `sample` with cells of its workbook's first sheet set, and some files left out."""
    return edited_copy(SAMPLES / sample, tmp_path / sample, cells, drop)


def _check(folder: Path, jurisdiction: str = "liaoning", as_of: date = AS_OF) -> dict[str, Any]:
    return check_dossier(folder, jurisdiction, as_of=as_of).to_dict()


def _condition(doc: dict[str, Any], field: str) -> dict[str, Any]:
    return next(c for c in doc["conditions"] if c["fields"] == [field])


def _ids(doc: dict[str, Any]) -> list[str]:
    return [f["id"] for f in doc["findings"]]


# ---------------------------------------------------------------- 1. an amount written without a unit


def test_a_bare_amount_under_a_label_without_unit_is_read_with_an_inferred_unit_and_goes_to_review(tmp_path: Path):
    # 资产总额 | 3,200,000.00 (元, most likely), and neither the Word form nor an audit report to settle it
    folder = _copy(tmp_path, "liaoning_eligible", {"D12": "3,200,000.00"}, drop=("01申请报告.docx", "审计报告2025.pdf"))
    doc = _check(folder)
    fact = doc["facts"]["total_assets"]
    assert fact["evidence"]["how"] == "unit_inferred" and fact["raw"] == "3,200,000.00"
    assets = _condition(doc, "total_assets")
    assert assets["status"] == "review", assets["message"]
    assert "未注明单位" in assets["message"] and "若以元填写则为320万元" in assets["message"]
    assert doc["verdict"] != "eligible"


@pytest.mark.parametrize(
    ("note", "written", "read"),
    [("金额单位：元", "3,200,000.00", 320.0), ("（单位：万元）", "320", 320.0), ("单位: 人民币万元", "320", 320.0)],
)
def test_a_money_unit_stated_once_above_the_form_is_the_unit_of_its_bare_amounts(
    tmp_path: Path, note: str, written: str, read: float
):
    # 金额单位：元 under the title, then 资产总额 | 3,200,000.00: the form says its unit, nobody guesses
    cells = {"A2": note, "D12": written}
    folder = _copy(tmp_path, "liaoning_eligible", cells, drop=("01申请报告.docx", "审计报告2025.pdf"))
    doc = _check(folder)
    fact = doc["facts"]["total_assets"]
    assert (fact["value"], fact["unit"], fact["evidence"]["how"]) == (read, "万元", "typed")
    assert _condition(doc, "total_assets")["status"] == "pass"
    assert doc["facts"]["staff_total"]["value"] == 15  # a count is not an amount: 15人 stays 15


def test_two_money_units_stated_above_the_form_settle_nothing(tmp_path: Path):
    folder = _copy(
        tmp_path, "liaoning_eligible", {"A2": "金额单位：元", "C2": "单位：万元", "D12": "3,200,000.00"},
        drop=("01申请报告.docx", "审计报告2025.pdf"),
    )  # fmt: skip
    assert _check(folder)["facts"]["total_assets"]["evidence"]["how"] == "unit_inferred"


def test_a_bare_amount_set_against_the_word_form_is_quoted_as_written_not_as_its_inferred_reading(tmp_path: Path):
    # sources.differ said 申请表.xlsx 基本信息!D12为“3200000万元”: a figure nobody wrote
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"D12": "3,200,000.00"}))
    differ = next(f for f in doc["findings"] if f["id"] == "sources.differ" and f["field"] == "total_assets")
    assert "D12为“3,200,000.00”（未注明单位）" in differ["message"], differ["message"]
    assert "为“3200000万元”" not in differ["message"] and "10^4" in differ["message"]


def test_an_audit_report_exactly_ten_thousand_times_apart_settles_the_unit_and_its_value_is_used(tmp_path: Path):
    folder = _copy(tmp_path, "liaoning_eligible", {"D12": "３，２００，０００"}, drop=("01申请报告.docx",))
    doc = _check(folder)
    fact = doc["facts"]["total_assets"]
    assert fact["value"] == 320 and fact["evidence"]["file"] == "审计报告2025.pdf"
    resolved = next(f for f in doc["findings"] if f["id"] == "sources.unit_resolved")
    assert "未注明单位" in resolved["message"] and "10^4" in resolved["message"] and "采用审计报告2025.pdf" in resolved["message"]
    assert "consistency.total_assets_mismatch" not in _ids(doc)
    assert _condition(doc, "total_assets")["status"] == "pass"


def test_a_document_stating_the_same_amount_confirms_an_inferred_unit(tmp_path: Path):
    folder = _copy(tmp_path, "liaoning_eligible", {"D12": 320}, drop=("01申请报告.docx",))
    doc = _check(folder)
    fact = doc["facts"]["total_assets"]
    assert fact["evidence"]["how"] == "unit_inferred"
    assert [e["file"] for e in fact["also"]] == ["审计报告2025.pdf"]
    assert _condition(doc, "total_assets")["status"] == "pass"
    assert doc["verdict"] == "incomplete", doc["reasons"]  # only for the 申请报告 left out, not review


@pytest.mark.parametrize(
    "cells",
    [
        {"C12": "资产总额（万元）", "D12": 320},  # the label states the unit
        {"D12": "320万元"},  # the value does
    ],
    ids=["label", "value"],
)
def test_an_amount_whose_unit_is_written_stays_typed(tmp_path: Path, cells: dict[str, Any]):
    doc = _check(_copy(tmp_path, "liaoning_eligible", cells, drop=("01申请报告.docx", "审计报告2025.pdf")))
    assert doc["facts"]["total_assets"]["evidence"]["how"] == "typed"
    assert doc["facts"]["total_assets"]["value"] == 320


def _form(rows: list[list[str]], how: str = "typed") -> dict[str, Any]:
    result = read_grids([Grid("表1", rows)], "申请表.docx", how=how)
    return {k: (f.value, f.evidence.how if f.evidence else None) for k, f in result.facts.items()}


def test_word_and_pdf_tables_mark_a_bare_amount_and_take_a_unit_from_the_next_cell():
    facts = _form([["资产总额", "320"], ["注册资本", "500", "万元"], ["从业人数", "１５"], ["年服务中小企业数", "125"]])
    assert facts["total_assets"] == (320, "unit_inferred")
    assert facts["registered_capital"] == (500, "typed")  # 万元 in the cell beside it
    assert facts["staff_total"] == (15, "typed") and facts["smes_served"] == (125, "typed")  # counts: one scale
    assert _form([["资产总额", "320"]], how="text")["total_assets"] == (320, "unit_inferred")
    assert _form([["资产总额", "320"]], how="ocr")["total_assets"] == (320, "ocr")  # already for review


def test_only_money_has_several_scales():
    assert units.has_several_scales("万元") and units.has_several_scales("亿元")
    assert not any(units.has_several_scales(u) for u in ("家", "人", "次", "人次", "%", "平方米"))
    assert units.scale_inferred("total_assets", 3200000.0)
    assert not units.scale_inferred("total_assets", "3,200,000元")
    assert not units.scale_inferred("total_assets", "320", "万元")
    assert not units.scale_inferred("smes_served", "125")


# ---------------------------------------------------------------- 2. 其它 is 其他


def test_a_file_named_其它_is_the_other_supporting_material():
    assert [k for k, _ in classify_name("其它.pdf")] == ["other_supporting"]
    assert [k for k, _ in classify_name("07其它证明材料.pdf")] == ["other_supporting"]


@pytest.mark.parametrize("title", ["公益性服务情况说明", "低收费服务情况说明", "其它证明材料"])
def test_the_titles_the_texts_name_make_a_file_the_other_supporting_material(title: str):
    # heilongjiang 第十条（七）: 其他材料(包括公益性服务或低收费服务…等佐证材料); national 第十七条（八）
    assert [k for k, _ in classify_content([f"{title}\n2025年公益性服务或低收费服务占总服务量的30%。"])] == [
        "other_supporting"
    ]


def test_a_renamed_其它_pdf_still_counts_for_the_material(tmp_path: Path):
    folder = _copy(tmp_path, "national_low_assets", {})
    (folder / "7.其他材料.pdf").rename(folder / "其它.pdf")
    shutil.copy(folder / "其它.pdf", folder / "附件7.pdf")
    (folder / "其它.pdf").unlink()
    doc = _check(folder, "national")
    other = next(m for m in doc["materials"] if m["id"] == "other_supporting")
    assert other["status"] == "present" and other["files"] == ["附件7.pdf"]  # by its title 公益性服务情况说明


# ---------------------------------------------------------------- 3. a date written to the month


def test_a_filing_date_written_to_the_month_keeps_its_precision(tmp_path: Path):
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B22": "２０２６年３月"}))
    fact = doc["facts"]["application_date"]
    assert fact["precision"] == "month" and fact["raw"] == "２０２６年３月"
    assert fact["value"] == "2026-03-01"  # the ISO value of the contract, flagged as no day written
    assert "precision" not in doc["facts"]["registration_date"]  # 2018年6月8日: a day is written


def test_the_submission_month_note_shows_a_month_filing_date_without_a_day(tmp_path: Path):
    folder = _copy(tmp_path, "xuchang_comprehensive", {"A2": "填报日期：2026年3月"})
    doc = _check(folder, "xuchang", date(2026, 4, 10))
    note = next(f for f in doc["findings"] if f["id"] == "materials.submission_month")
    assert "按填报日期 2026年3月核对" in note["message"], note["message"]
    assert "2026-03-01" not in note["message"]
    credit = next(m for m in doc["materials"] if m["id"] == "credit_report")
    assert credit["status"] == "present"  # 提交当月 is a month: the missing day decides nothing


def test_a_registration_month_against_the_licence_shows_the_month_as_written(tmp_path: Path):
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B6": "2018年7月"}))
    mismatch = next(f for f in doc["findings"] if f["id"] == "consistency.registration_date_mismatch")
    assert "“2018年7月”" in mismatch["message"] and "2018-07-01" not in mismatch["message"]


# ---------------------------------------------------------------- 4. a bracketed note after the unit


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        ("320万元（经审计）", "万元", 320),
        ("３２０万元（截至２０２５年底）", "万元", 320),
        ("3,200,000元(含税)", "万元", 320),
        ("320（万元）", "万元", 320),
        ("92%（2025年调查）", "%", 92),
        ("150家以上（截至2025年底）", "家", 150),
    ],
)
def test_a_bracketed_note_after_the_value_is_a_note(raw: str, unit: str, value: float):
    assert units.parse_number(raw, unit) == value


def test_a_hedge_inside_a_note_is_still_no_figure():
    with pytest.raises(units.ValueParseError, match="不足"):
        units.parse_number("150家（不足）", "家")


def test_an_estimate_in_a_note_is_an_approximate_figure():
    assert units.parse_number("320万元（预计）", "万元") == 320 and units.states_approximate("320万元（预计）")


def test_an_amount_with_a_note_in_the_workbook_is_read_there_and_keeps_the_note(tmp_path: Path):
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"D12": "320万元（经审计）"}))
    fact = doc["facts"]["total_assets"]
    assert fact["value"] == 320 and fact["evidence"]["file"] == "申请表.xlsx"
    assert fact["raw"] == "320万元（经审计）" and fact["evidence"]["how"] == "typed"
    assert "read.bad_value" not in _ids(doc)


# ---------------------------------------------------------------- 5. a dash inside a credit code


@pytest.mark.parametrize("typed", ["91210102-MAJU6XYH71", "91210102－MAJU6XYH71", "91210102 — maju6xyh71", "９１２１０１０２–ＭＡＪＵ６ＸＹＨ７１"])
def test_a_credit_code_typed_with_a_dash_is_the_code(tmp_path: Path, typed: str):
    assert units.parse_value("credit_code", typed) == ("91210102MAJU6XYH71", None)


def test_a_workbook_credit_code_with_a_hyphen_matches_the_licence(tmp_path: Path):
    doc = _check(_copy(tmp_path, "liaoning_eligible", {"B5": "91210102-MAJU6XYH71"}))
    fact = doc["facts"]["credit_code"]
    assert fact["value"] == "91210102MAJU6XYH71" and fact["raw"] == "91210102-MAJU6XYH71"
    assert not [i for i in _ids(doc) if i.startswith("consistency.credit_code") or i == "sources.differ"]
    assert doc["verdict"] == "eligible", doc["reasons"]


def test_a_code_printed_or_ocred_with_a_dash_is_found_in_the_text():
    for text in ("统一社会信用代码：91210102-MAJU6XYH71", "统一社会信用代码 91210102 — MAJU6XYH71 名称", "代码91210102－MAJU6XYH71"):
        assert [c.code for c in uscc.find_credit_codes(text)] == ["91210102MAJU6XYH71"], text


def test_a_prior_recognition_written_as_none_settles_the_exclusion_and_a_blank_one_does_not(tmp_path: Path):
    # xuchang_unstamped 已获认定 | 无: 第十九条 said 缺少数据：未填写“已获认定”……没有任何认定请填写“无”
    said = _check(_copy(tmp_path / "a", "xuchang_unstamped", {}), "xuchang")
    assert said["facts"]["prior_recognitions"]["raw"] == "无"
    assert [(e["id"], e["status"]) for e in said["exclusions"]] == [("XC-X01", "pass")]
    assert not any("已获认定" in r for r in said["reasons"])
    blank = _check(_copy(tmp_path / "b", "xuchang_unstamped", {"B19": None}), "xuchang")
    assert [(e["id"], e["status"]) for e in blank["exclusions"]] == [("XC-X01", "missing")]


def test_a_bare_amount_is_shown_as_written_and_its_message_opens_with_the_question(tmp_path: Path):
    # the row said 3200000万元 / 要求 ≥ 100万元 and the message 资产总额 3200000万元，不低于100万元。:
    # the guess stated as the dossier's figure before the question came
    from pingtai_cli.outputs.report.terminal import render_text

    folder = _copy(tmp_path, "liaoning_eligible", {"D12": "3,200,000.00"}, drop=("01申请报告.docx", "审计报告2025.pdf"))
    result = check_dossier(folder, "liaoning", as_of=AS_OF)
    assets = _condition(result.to_dict(), "total_assets")
    assert assets["message"].startswith("申请表.xlsx 基本信息!D12填写“3,200,000.00”，未注明单位"), assets["message"]
    text = render_text([result], width=200)
    row = next(line for line in text.splitlines() if "资产总额不低于" in line)
    assert "“3,200,000.00”（未注明单位）" in row and "3200000万元" not in row, row


@pytest.mark.parametrize(("written", "status"), [("60家以上", "review"), ("不少于60家", "review"), ("60家", "fail"), ("100家以上", "pass")])
def test_a_floor_that_misses_the_threshold_says_what_to_decide_and_shows_the_value_as_written(
    tmp_path: Path, written: str, status: str
):
    # “60家以上” against 80家以上 went to review but its row said 60家 / 要求 ≥ 80家  差 20 家 and hid
    # the message, the shortfall of a figure nobody wrote in place of what the reviewer must decide
    from pingtai_cli.outputs.report.terminal import render_text

    folder = _copy(tmp_path, "liaoning_eligible", {"D14": written})
    # the figure alone: the yearly table's 2025 row (125) would be a second place stating it
    edit_workbook(folder / "申请表.xlsx", yearly={(2025, "服务中小企业数"): None})
    result = check_dossier(folder, "liaoning", as_of=AS_OF)
    served = _condition(result.to_dict(), "smes_served")
    assert served["status"] == status, served["message"]
    if status != "review":
        return
    assert served["message"].startswith("申请表.xlsx 基本信息!D14填写") and "gap" not in served, served
    text = render_text([result], width=200)
    assert f"“{written}” / 要求" in text and "差 20 家" not in text
    assert "请申报单位填写确切数字" in text
