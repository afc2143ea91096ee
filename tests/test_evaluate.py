"""The engine: verdict precedence, the function count rule, relaxation, materials validity (spec §3)."""

from __future__ import annotations

from datetime import date

import pytest

from builders import ALL_MATERIALS, dossier
from pingtai_cli.core.models import Dossier, Evidence, Fact
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import load_ruleset

AS_OF = date(2026, 3, 15)


def check(d: Dossier, key: str = "national", as_of: date = AS_OF):
    return evaluate(d, load_ruleset(key), as_of)


def test_a_dossier_meeting_every_condition_with_all_materials_is_eligible():
    result = check(dossier())
    assert result.verdict == "eligible", result.reasons
    assert result.functions.met == 1


def test_assets_one_below_the_threshold_make_the_dossier_ineligible_and_say_the_gap():
    result = check(dossier({"total_assets": 299.0}))
    assert result.verdict == "ineligible"
    failing = [c for c in result.conditions if c.status == "fail"]
    assert [c.fields for c in failing] == [["total_assets"]]
    assert failing[0].gap == "差 1 万元"
    assert "第十二条（一）" in failing[0].article


def test_a_claimed_western_region_relaxation_turns_a_relaxable_failure_into_review():
    result = check(dossier({"total_assets": 120.0, "western_region": True}))
    assert result.verdict == "review"
    assets = next(c for c in result.conditions if c.fields == ["total_assets"])
    assert assets.status == "relaxable"
    assert any("西部大开发" in n for n in assets.notes)


def test_relaxation_does_not_cover_conditions_the_text_does_not_list():
    # 第十二条（五） (公益性服务 ≥ 20%) is not among （一）（二）（三）（六）.
    result = check(dossier({"free_service_share": 10.0, "western_region": True}))
    assert result.verdict == "ineligible"


def test_missing_data_without_any_failure_is_incomplete():
    result = check(dossier({"satisfaction_rate": None}))
    assert result.verdict == "incomplete"
    assert any(c.status == "missing" and c.fields == ["satisfaction_rate"] for c in result.conditions)


def test_a_missing_material_makes_an_otherwise_eligible_dossier_incomplete():
    result = check(dossier(materials=[m for m in ALL_MATERIALS if m != "premises_proof"]))
    assert result.verdict == "incomplete"
    premises = next(m for m in result.materials if m.id == "premises_proof")
    assert premises.status == "missing"
    assert premises.article == "第十七条（四）"


def test_an_unstamped_declaration_is_invalid():
    facts = {
        "authenticity_declaration": {"has_seal": False},
        "audit_report": {"audit_year": 2025},
        "business_license": {"credit_code": "91210100MA0XXXXX00"},
    }
    result = check(dossier(file_facts=facts))
    decl = next(m for m in result.materials if m.id == "authenticity_declaration")
    assert decl.status == "invalid"
    assert result.verdict == "incomplete"


def test_an_audit_report_of_the_wrong_year_is_invalid():
    facts = {"authenticity_declaration": {"has_seal": True}, "audit_report": {"audit_year": 2023}}
    result = check(dossier(file_facts=facts))
    audit = next(m for m in result.materials if m.id == "audit_report")
    assert audit.status == "invalid"
    assert "2025" in audit.problems[0]


def test_failure_outranks_missing_data_and_missing_materials():
    result = check(dossier({"total_assets": 10.0, "satisfaction_rate": None}, materials=[]))
    assert result.verdict == "ineligible"


def test_no_function_met_is_ineligible_even_when_basic_conditions_pass():
    result = check(dossier({"info_offline_smes": 100.0}))
    assert result.verdict == "ineligible"
    assert result.functions.status == "fail"


def test_undeclared_functions_are_not_counted():
    result = check(dossier({"functions_declared": ["培训"], "training_person_times": 100.0}))
    info = next(i for i in result.functions.items if i.function == "information")
    assert info.status == "not_declared"
    assert result.functions.met == 0


def test_with_nothing_declared_every_function_is_evaluated():
    result = check(dossier({"functions_declared": None}))
    assert all(i.status != "not_declared" for i in result.functions.items)
    assert result.functions.met == 1


def test_growth_needs_each_year_to_exceed_the_one_before():
    d = dossier({"smes_served": 170.0})  # the 申请表's 2025 figure is the table's
    d.yearly = [{"year": 2024, "smes_served": 170}, {"year": 2025, "smes_served": 170}]
    result = check(d)
    growth = next(c for c in result.conditions if c.fields == ["smes_growth"])
    assert growth.status == "fail"


def test_a_ruleset_checked_before_it_was_in_force_says_so_loudly():
    result = check(dossier(), as_of=date(2016, 1, 1))
    assert result.in_force is False
    assert result.findings[0].id == "ruleset.not_in_force"


@pytest.mark.parametrize("value,status", [(300.0, "pass"), (299.99, "fail")])
def test_the_threshold_itself_is_inclusive(value, status):
    result = check(dossier({"total_assets": value}))
    assets = next(c for c in result.conditions if c.fields == ["total_assets"])
    assert assets.status == status


def test_json_output_has_the_spec_keys():
    data = check(dossier()).to_dict()
    assert data["schema"] == "pingtai.check/1"
    for key in ("dossier", "jurisdiction", "as_of", "verdict", "conditions", "functions", "materials", "findings"):
        assert key in data
    assert {"required", "met", "items"} <= set(data["functions"])


def test_a_report_missing_sections_of_the_texts_layout_is_sent_to_review():
    from pingtai_cli.engine.materials_check import missing_report_sections

    rs = load_ruleset("xuchang")
    d = Dossier("x", report_sections=["一、许昌市中小企业公共服务示范平台申请表", "（一）申请单位的基本情况", "（六）下一步发展设想"])
    missing = missing_report_sections(rs, d)
    assert "二、主要服务设备、仪器及软件清单" in missing
    assert not any(m.startswith("（一）") or m.startswith("（六）") for m in missing)
    assert not any(m.startswith("一、") for m in missing)


def test_a_report_with_every_section_misses_none():
    from pingtai_cli.engine.materials_check import missing_report_sections

    rs = load_ruleset("xuchang")
    assert rs.application_report is not None
    assert missing_report_sections(rs, Dossier("x", report_sections=list(rs.application_report.sections))) == []


def test_a_declared_function_the_text_does_not_list_is_a_warning_not_silence():
    result = check(dossier({"functions_declared": ["信息", "咨询服务", "综合"]}))
    unknown = [f for f in result.findings if f.id == "functions.unknown"]
    assert len(unknown) == 1 and "“咨询服务、综合”不是第十三条列出的服务功能" in unknown[0].message
    assert result.functions.met == 1  # 信息 still counts
    assert not [f for f in check(dossier()).findings if f.id == "functions.unknown"]


def test_a_contradiction_invalidates_only_the_material_the_compared_fact_comes_from():
    d = dossier({"credit_code": "91210100MA0XXXXX00"})
    both = next(f for f in d.files if f.material_keys == ["business_license"])
    both.material_keys.append("qualification_certs")  # 营业执照副本及网站备案.pdf
    both.facts["credit_code"] = Fact("credit_code", "91210100MA0YYYYY11", None, Evidence(both.path, page=1))
    result = check(d)
    status = {m.id: m.status for m in result.materials}
    assert status["business_license"] == "invalid"
    assert status["qualification_certs"] == "present"


def test_a_document_that_shows_none_of_its_facts_is_named_in_chinese_words():
    d = dossier(file_facts={})  # no file yields anything
    audit = next(m for m in check(d).materials if m.id == "audit_report")
    assert audit.status == "review"
    assert "中读出审计年度、资产总额" in audit.problems[0]
    assert "audit_year" not in audit.problems[0]
