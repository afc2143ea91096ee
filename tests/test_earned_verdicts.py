"""Issue 11: a verdict is earned. What rests on a guess is `review`; what the texts and the evidence
do not support is never 符合条件 or 不符合 (spec §3, rulesets/README.md)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from builders import dossier
from cli_helpers import invoke
from pingtai_cli.core.models import Dossier, Evidence, Fact, MaterialFile
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import load_all, load_ruleset
from test_evaluate import AS_OF, check

SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"


# ---------------------------------------------------------------- 1. recognitions, verdict


def test_an_unmatched_recognition_makes_the_verdict_review_not_eligible() -> None:
    result = check(dossier({"prior_recognitions": ["2022年 国家高新技术企业"]}))
    assert result.verdict == "review", result.reasons
    rec = next(c for c in result.conditions if c.fields == ["prior_recognitions"])
    assert rec.status == "review"
    assert any("国家高新技术企业" in r for r in result.reasons)


def test_a_review_verdict_also_names_what_is_missing_so_one_pass_fixes_everything() -> None:
    """A reviewer's decision does not supply a missing material: the reasons of a 待审核 say both."""
    from builders import ALL_MATERIALS

    kept = [m for m in ALL_MATERIALS if m != "audit_report"]
    result = check(dossier({"prior_recognitions": ["2022年 国家高新技术企业"]}, materials=kept))
    assert result.verdict == "review", result.reasons
    assert any("国家高新技术企业" in r for r in result.reasons)
    missing = [r for r in result.reasons if r.startswith("另需补正：")]
    assert missing and any("审计报告" in r and "缺少" in r for r in missing), result.reasons
    whole = check(dossier({"prior_recognitions": ["2022年 国家高新技术企业"]}))
    assert not any(r.startswith("另需补正：") for r in whole.reasons)  # nothing missing: nothing added


def test_a_dossier_whose_mandatory_condition_is_unresolved_never_exits_0() -> None:
    res = invoke("check", str(SAMPLES / "xuchang_comprehensive"), "-j", "xuchang", "--as-of", "2026-03-15", "-f", "json")
    assert '"verdict": "review"' in res.stdout
    assert res.exit_code == 1


# ---------------------------------------------------------------- 5. legal person


@pytest.mark.parametrize(
    ("org_type", "status"),
    [
        ("不具有法人资格的分支机构", "fail"),
        ("不具有法人资格", "fail"),
        ("非法人分支机构", "fail"),
        ("事业单位", "pass"),
        ("事业单位法人", "pass"),
        ("社会团体", "pass"),
        ("社会团体法人", "pass"),
        ("民办非企业单位", "pass"),
        ("企业法人", "pass"),
        ("其他", "missing"),
    ],
)
def test_legal_person_is_read_from_the_kind_of_body_negations_first(org_type: str, status: str) -> None:
    result = check(dossier({"org_type": org_type}))
    legal = next(c for c in result.conditions if c.fields == ["is_legal_person"])
    assert legal.status == status, legal.message


# ---------------------------------------------------------------- 6. dates at the precision written


def _month_dated(raw: str = "2019年5月") -> Dossier:
    d = dossier({"registration_date": date(2019, 5, 1)})
    d.facts["registration_date"].raw = raw
    licence = next(f for f in d.files if f.material_keys == ["business_license"])
    licence.facts["registration_date"] = Fact("registration_date", date(2019, 5, 20), None, Evidence(licence.path, page=1))
    return d


def test_a_month_precision_date_agrees_with_any_day_of_that_month() -> None:
    result = check(_month_dated())
    assert not [f for f in result.findings if f.id.startswith("consistency.registration_date")]
    licence = next(m for m in result.materials if m.id == "business_license")
    assert licence.status != "invalid"
    assert result.verdict == "eligible", result.reasons


def test_a_month_precision_date_on_the_boundary_is_review() -> None:
    # registered "2024年3月", checked 2026-03-15: two years on the 1st, not on the 31st
    d = dossier({"registration_date": date(2024, 3, 1)})
    d.facts["registration_date"].raw = "2024年3月"
    years = next(c for c in check(d).conditions if c.fields == ["operating_years"])
    assert years.status == "review", years.message
    assert "2024年3月" in years.message


def test_forms_print_a_month_precision_date_as_written() -> None:
    from pingtai_cli.outputs.forms.render import form_context as context

    ctx = context(_month_dated())
    assert ctx["registration_date"] == "2019年5月"
    dossier = _month_dated()
    dossier.facts["registration_date"].precision = "year"  # 成立日期 2019年: not 2019年1月1日
    assert context(dossier)["registration_date"] == "2019年"


# ---------------------------------------------------------------- 7. 提交材料当月


def _xuchang_credit(report: date, filed: date | None) -> Dossier:
    facts = {"region": "河南省许昌市魏都区"}
    if filed:
        facts["application_date"] = filed  # type: ignore[assignment]
    d = Dossier("x", facts={k: Fact(k, v, None, Evidence("申请表.xlsx", "表", "B2")) for k, v in facts.items()})
    mf = MaterialFile("信用报告.pdf", "pdf", ["credit_report"])
    mf.facts["report_date"] = Fact("report_date", report, None, Evidence(mf.path, page=1))
    mf.facts["has_seal"] = Fact("has_seal", True, None, Evidence(mf.path, page=1))
    mf.facts["credit_code"] = Fact("credit_code", "91411002MA9XC0001X", None, Evidence(mf.path, page=1))
    d.files = [mf]
    return d


def test_the_submission_month_is_the_dossiers_filing_date_and_both_are_shown() -> None:
    result = evaluate(_xuchang_credit(date(2026, 4, 8), date(2026, 4, 20)), load_ruleset("xuchang"), date(2026, 5, 10))
    credit = next(m for m in result.materials if m.id == "credit_report")
    assert credit.status == "present", credit.problems
    note = next(f for f in result.findings if f.id == "materials.submission_month")
    assert "填报日期 2026-04-20" in note.message and "检查日 2026-05-10" in note.message


def test_back_dating_the_check_does_not_let_a_stale_report_through() -> None:
    result = evaluate(_xuchang_credit(date(2026, 1, 8), date(2026, 4, 20)), load_ruleset("xuchang"), date(2026, 1, 20))
    credit = next(m for m in result.materials if m.id == "credit_report")
    assert credit.status == "invalid"


# ---------------------------------------------------------------- 9. xuchang 附件2 30家


def test_a_served_list_under_30_is_a_finding_against_the_application_report() -> None:
    d = _xuchang_credit(date(2026, 3, 8), None)
    d.lists["served_smes"] = [{"name": f"企业{i}", "satisfaction": "满意"} for i in range(28)]
    result = evaluate(d, load_ruleset("xuchang"), AS_OF)
    short = next(f for f in result.findings if f.id == "report.list_minimum.served_smes")
    assert "28" in short.message and "30" in short.message and "附件2" in short.message


# ---------------------------------------------------------------- 10, 11. functions


def test_a_function_resting_on_a_prerequisite_in_words_is_met_only_pending_review() -> None:
    d = dossier({"functions_declared": ["培训服务"], "training_person_times": 2500.0, "info_offline_smes": None})
    result = check(d)
    training = next(i for i in result.functions.items if i.function == "training")
    assert training.status == "review"
    assert result.functions.status == "review"
    assert result.verdict == "review", result.reasons


def test_an_undeclared_function_whose_data_meet_it_is_pointed_out() -> None:
    d = dossier({"tech_activities": 6.0})
    result = check(d)
    tech = next(i for i in result.functions.items if i.function == "technology")
    assert tech.status == "not_declared"
    hint = next(f for f in result.findings if f.id == "functions.undeclared_met.technology")
    assert "技术服务" in hint.message and "申报服务功能" in hint.message


# ---------------------------------------------------------------- 12. a measured shortfall


def test_a_financing_shortfall_is_a_failure_with_its_gap_not_missing_data() -> None:
    rs = load_ruleset("xuchang")
    from pingtai_cli.engine.verdict import run_rule

    facts = {"financing_activities": Fact("financing_activities", 6), "financing_amount": Fact("financing_amount", 0.8)}
    result = run_rule(rs.rule("XC-F10"), rs, facts)
    assert result.status == "fail"
    assert result.gap and "差 0.2 亿元" in result.gap


# ---------------------------------------------------------------- 13. shaoguan


def test_shaoguan_on_2027_10_20_is_in_force_and_shows_the_other_reading() -> None:
    result = check(dossier(), "shaoguan", date(2027, 10, 20))
    assert result.in_force
    assert not any(f.id == "ruleset.not_in_force" for f in result.findings)
    other = next(f for f in result.findings if f.id == "ruleset.in_force_end_disputed")
    assert "2027-10-19" in other.message and "民法典" in other.message
    assert not check(dossier(), "shaoguan", date(2027, 10, 21)).in_force


def _shaoguan(label_area: str, label_staff: str, staff: float = 7.0) -> Dossier:
    d = dossier({"service_area": 200.0, "staff_total": staff})
    d.facts["service_area"].label = label_area
    d.facts["staff_total"].label = label_staff
    return d


def test_a_service_area_is_not_the_office_area_shaoguan_asks_for() -> None:
    result = check(_shaoguan("服务场地面积", "专职从业人数"), "shaoguan")
    area = next(c for c in result.conditions if c.fields == ["service_area"])
    assert area.status == "review"
    assert "服务场地面积" in area.message and "办公场所面积" in area.message
    office = check(_shaoguan("办公场所面积", "专职从业人数"), "shaoguan")
    assert next(c for c in office.conditions if c.fields == ["service_area"]).status == "pass"


def test_staff_total_is_not_the_full_time_staff_shaoguan_asks_for() -> None:
    some = check(_shaoguan("办公场所面积", "从业人数", 7.0), "shaoguan")
    assert next(c for c in some.conditions if c.id == "SG-B16").status == "review"
    few = check(_shaoguan("办公场所面积", "从业人数", 5.0), "shaoguan")
    assert next(c for c in few.conditions if c.id == "SG-B16").status == "fail"  # 专职 ≤ 从业人数 < 6


# ---------------------------------------------------------------- 14. contradictions


def _assets(doc_value: float, how: str | None) -> Dossier:
    d = dossier(file_facts={"audit_report": {"audit_year": 2025}, "authenticity_declaration": {"has_seal": True},
                            "business_license": {"credit_code": "91210100MA0XXXXX00"}})
    audit = next(f for f in d.files if f.material_keys == ["audit_report"])
    audit.facts["total_assets"] = Fact("total_assets", doc_value, "万元", Evidence(audit.path, page=3, how=how))
    return d


def test_a_mismatch_read_by_ocr_is_review_with_both_values_never_invalid() -> None:
    result = check(_assets(320.0, "ocr"))
    audit = next(m for m in result.materials if m.id == "audit_report")
    assert audit.status == "review"
    warn = next(f for f in result.findings if f.id == "consistency.total_assets_unsure")
    assert warn.severity == "warning" and "420" in warn.message and "320" in warn.message and "OCR" in warn.message
    assert result.verdict == "review"


def test_a_mismatch_read_with_certainty_invalidates_and_names_a_unit_slip() -> None:
    result = check(_assets(4_200_000.0, "text"))
    audit = next(m for m in result.materials if m.id == "audit_report")
    assert audit.status == "invalid"
    err = next(f for f in result.findings if f.id == "consistency.total_assets_mismatch")
    assert "10^4" in err.message and "单位" in err.message


def test_a_condition_resting_on_an_ocr_value_is_review() -> None:
    d = dossier()
    d.facts["total_assets"] = Fact("total_assets", 420.0, "万元", Evidence("审计报告.pdf", page=2, how="ocr"))
    assets = next(c for c in check(d).conditions if c.fields == ["total_assets"])
    assert assets.status == "review"
    assert "（OCR识别）" in assets.message and "审计报告.pdf" in assets.message  # the one HOW_WORDS


# ---------------------------------------------------------------- 15. no invented qualifiers


@pytest.mark.parametrize("rs", load_all(), ids=lambda rs: rs.key)
def test_a_copy_qualifier_is_printed_only_where_the_text_says_it(rs) -> None:  # type: ignore[no-untyped-def]
    invented = [
        (m.code, m.copy_kind)
        for m in rs.materials
        if m.copy_kind != "原件或复印件" and m.copy_kind not in re.sub(r"\s", "", m.quote)
    ]
    assert invented == []


# ---------------------------------------------------------------- 4. stale rows


def test_rows_of_2019_and_2020_are_missing_data_in_2026_with_the_years_to_add() -> None:
    d = dossier({"smes_served": None})
    d.yearly = [{"year": 2019, "smes_served": 140}, {"year": 2020, "smes_served": 160}]
    result = check(d)
    assert {c.fields[0] for c in result.conditions if c.status == "missing"} >= {"smes_served", "smes_growth"}
    stale = next(f for f in result.findings if f.id == "yearly.stale")
    assert "2024" in stale.message and "2025" in stale.message


def test_a_partial_current_year_row_is_not_the_latest() -> None:
    d = dossier({"smes_served": None})
    d.yearly = [{"year": 2024, "smes_served": 170}, {"year": 2025, "smes_served": 160}, {"year": 2026, "smes_served": 40}]
    result = check(d)
    served = next(c for c in result.conditions if c.fields == ["smes_served"])
    assert served.actual == 160
    assert any(f.id == "yearly.partial_year" for f in result.findings)


def test_the_shaoguan_form_asks_for_the_office_area_and_the_full_time_staff(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    res = invoke("init", str(tmp_path / "卷宗"), "-j", "shaoguan", "--as-of", "2026-03-15")
    assert res.exit_code == 0, res.output
    book = next((tmp_path / "卷宗").glob("*.xlsx"))
    labels = {row[0] for row in load_workbook(book)["基本信息"].iter_rows(values_only=True) if row[0]}
    assert {"办公场所面积", "专职从业人数"} <= labels
    assert "服务场地面积" not in labels


def test_a_balance_sheet_total_read_as_yuan_for_want_of_a_unit_asks_the_unit_of_the_number_printed() -> None:
    """资产总计 2,600,000.00 with no 单位 line is read as 元 (260万元): the question names that
    number and 元, not “按万元读作260万元；若以元填写则为0.026万元”, which no one wrote."""
    d = dossier({"total_assets": None})
    audit = next(f for f in d.files if f.material_keys == ["audit_report"])
    snippet = "资产总计 2,600,000.00 2,366,000.00"
    audit.facts["total_assets"] = Fact(
        "total_assets", 260.0, "万元", Evidence(audit.path, page=3, snippet=snippet, how="unit_inferred"), raw=snippet
    )
    d.facts["total_assets"] = audit.facts["total_assets"]
    result = check(d)
    cond = next(c for c in result.conditions if c.fields == ["total_assets"])
    assert cond.status == "review"
    assert "所载“2,600,000.00”，未注明单位，按元读作260万元" in cond.message, cond.message
    assert "若以万元填写则为2600000万元" in cond.message and "0.026" not in cond.message


@pytest.mark.parametrize(
    ("written", "status"),
    [("70家以上", "review"), ("不少于70家", "review"), ("70余家", "review"), ("130余家", "pass"), ("70家", "fail")],
)
def test_a_served_count_written_as_a_lower_bound_decides_only_what_the_bound_decides(written: str, status: str) -> None:
    """“70家以上” says no more than that the count is 70 or above: it meets no minimum of 80 for sure
    and misses none for sure; “130余家” meets it. An exact 70 fails."""
    from builders import word_form
    from pingtai_cli.intake.dossier import process_file
    from pingtai_cli.intake.limits import Limits

    rows = [["单位名称", "沈阳智联中小企业服务有限公司"], ["资产总额", "420万元"], ["从业人数", "25人"],
            ["年服务中小企业数", written], ["用户满意度", "92%"]]
    form = process_file("b1.docx", word_form(rows), Limits()).form
    assert form is not None
    fact = form.facts["smes_served"]
    d = dossier({"smes_served": None})
    d.facts["smes_served"] = fact
    d.yearly = [r for r in d.yearly if r["year"] != 2025]  # no table row of 2025 to set against it
    cond = next(c for c in check(d, "liaoning").conditions if c.fields == ["smes_served"])
    assert cond.status == status, cond.message
    if status == "review":
        assert f"填写“{written}”，只说明不少于" in cond.message and "请申报单位填写确切数字" in cond.message


def test_a_pass_on_a_bare_amount_cites_the_document_that_states_its_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """资产总额 typed as a bare 320 (no unit in the cell or its label) passes because the audit
    report's balance sheet states 3,200,000.00 元: the condition's evidence names that page, so a
    reviewer sees what the pass rests on, not only a cell whose unit was inferred."""
    from builders import sample_copy
    from pingtai_cli import check_dossier

    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))
    folder = sample_copy(tmp_path / "卷宗", form={"资产总额": 320})
    result = check_dossier(str(folder), "liaoning", as_of=date(2026, 3, 15)).to_dict()
    assets = next(c for c in result["conditions"] if c["fields"] == ["total_assets"])
    assert assets["status"] == "pass" and result["verdict"] == "eligible"
    hows = [(e["file"], e.get("page"), e["how"]) for e in assets["evidence"]]
    assert hows[0] == ("申请表.xlsx", None, "unit_inferred")
    assert ("审计报告2025.pdf", 3, "text") in hows
    assert "审计报告2025.pdf 第3页" in assets["message"] and "单位" in assets["message"]
