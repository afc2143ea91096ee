"""New concepts without Python (issue 15): a ruleset declares fact keys, derived ratios, growth
windows, materials and region sets, and rules use them like the built-in ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cli_helpers import invoke, ok
from pingtai_cli.core.models import Dossier, Fact, MaterialFile
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import Ruleset, load_file
from test_rules_meaning import ruleset as base_ruleset
from test_rules_meaning import write

AS_OF = date(2026, 3, 15)
PRD = {"name": "珠三角", "divisions": ["广州市", "深圳市"], "codes": ["4419"]}


def rs_with(**changes: Any) -> dict[str, Any]:
    data = base_ruleset()
    data.update(changes)
    return data


def rule(code: str, field: str, value: float, unit: str, **more: Any) -> dict[str, Any]:
    return {"code": code, "name": f"basic.{field}", "title": f"{field}不低于{value}", "article": "第七条（一）",
            "quote": "资产总额不低于20万元", "check": "threshold" if unit else "flag", "field": field,
            **({"value": value, "unit": unit} if unit else {}), **more}


def result_of(data: dict[str, Any], facts: dict[str, Any], yearly: list[dict] | None = None, files=()) -> Any:
    rs = Ruleset.model_validate(data)
    d = Dossier(path="x", facts={k: Fact(k, v, None) for k, v in facts.items()}, yearly=yearly or [],
                files=list(files))
    return evaluate(d, rs, AS_OF)


def status(result: Any, code: str) -> str:
    return next(c.status for c in result.conditions if c.id == code)


def test_a_service_revenue_share_is_a_declared_ratio_of_two_yearly_columns(tmp_path: Path):
    share = {"key": "service_revenue_share", "label": "服务收入占营业收入比例", "unit": "%",
             "ratio": {"numerator": "service_revenue", "denominator": "revenue"}}
    data = rs_with(facts=[share])
    data["basic"].append(rule("TS-B02", "service_revenue_share", 60, "%"))
    assert "有效" in ok("rules", "validate", str(write(tmp_path, data)))
    yearly = [{"year": 2024, "revenue": 500, "service_revenue": 200}, {"year": 2025, "revenue": 400, "service_revenue": 260}]
    result = result_of(data, {"total_assets": 30}, yearly)
    assert status(result, "TS-B02") == "pass" and result.facts["service_revenue_share"].value == 65.0
    assert status(result_of(data, {"total_assets": 30}, yearly[:1]), "TS-B02") == "fail"  # 40 %
    assert status(result_of(data, {"total_assets": 30}), "TS-B02") == "missing"


def test_a_three_year_growth_window_is_a_parameter():
    grow = {"key": "smes_growth_3y", "label": "近三年服务企业数稳定增长", "type": "bool",
            "growth": {"column": "smes_served", "years": 3}}
    data = rs_with(facts=[grow])
    data["basic"].append(rule("TS-B02", "smes_growth_3y", 0, ""))
    two = [{"year": 2024, "smes_served": 50}, {"year": 2025, "smes_served": 60}]
    assert status(result_of(data, {}, two), "TS-B02") == "missing"  # two years do not show three
    three = [{"year": 2023, "smes_served": 40}, *two]
    assert status(result_of(data, {}, three), "TS-B02") == "pass"
    three[0]["smes_served"] = 55
    assert status(result_of(data, {}, three), "TS-B02") == "fail"


def test_a_declared_fact_key_is_tested_and_its_cases_may_set_it(tmp_path: Path):
    data = rs_with(facts=[{"key": "patents", "label": "有效发明专利数", "unit": "项"}])
    data["basic"].append(rule("TS-B02", "patents", 3, "项"))
    write(tmp_path, data)
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "demo.yaml").write_text(yaml.safe_dump({"TS-B02": [
        {"name": "有效发明专利3项时满足", "facts": {"patents": 3}, "status": "pass"},
        {"name": "有效发明专利2项时不满足", "facts": {"patents": 2}, "status": "fail"}]}, allow_unicode=True), encoding="utf-8")
    assert "不通过 0 条" in ok("rules", "test", "demo", "--rulesets-dir", str(tmp_path))
    result = result_of(data, {})
    missing = next(c for c in result.conditions if c.id == "TS-B02")
    assert "有效发明专利数" in missing.message  # named in Chinese, not by its key


def test_a_declared_material_is_recognised_by_its_keywords(tmp_path: Path):
    data = rs_with(new_materials=[{"key": "tax_certificate", "name": "完税证明", "keywords": ["完税证明", "纳税证明"]}])
    data["materials"].append({"code": "TS-M02", "key": "tax_certificate", "name": "完税证明",
                              "article": "第十二条（一）", "quote": "法人证书或营业执照副本"})
    assert "有效" in ok("rules", "validate", str(write(tmp_path, data)))
    files = [MaterialFile("营业执照.pdf", "pdf", ["business_license"]), MaterialFile("2025年纳税证明.pdf", "pdf", [])]
    found = {m.id: m.status for m in result_of(data, {"total_assets": 30}, files=files).materials}
    assert found["tax_certificate"] == "present"  # (the licence is review: no credit code read from it)
    assert {m.id: m.status for m in result_of(data, {}, files=files[:1]).materials}["tax_certificate"] == "missing"


def test_a_threshold_may_differ_by_region_set_keyed_on_the_credit_code(tmp_path: Path):
    data = rs_with(region_sets=[PRD])
    data["basic"][0]["variants"] = [{"when": {"region": "珠三角"}, "value": 50, "article": "第七条（一）",
                                     "quote": "资产总额不低于20万元"}]
    assert "有效" in ok("rules", "validate", str(write(tmp_path, data)))
    guangzhou, shaoguan, dongguan = "91440101MA5D0000X1", "91440200MA5D0000X1", "91441900MA5D0000X1"
    assert status(result_of(data, {"total_assets": 30, "credit_code": shaoguan}), "TS-B01") == "pass"
    assert status(result_of(data, {"total_assets": 30, "credit_code": guangzhou}), "TS-B01") == "fail"
    assert status(result_of(data, {"total_assets": 30, "credit_code": dongguan}), "TS-B01") == "fail"
    unknown = result_of(data, {"total_assets": 30})
    assert status(unknown, "TS-B01") == "review" and "无法由统一社会信用代码确定是否属于珠三角" in unknown.conditions[0].message
    assert status(result_of(data, {"total_assets": 60}), "TS-B01") == "pass"  # both thresholds met


def test_a_region_set_naming_no_single_division_is_a_validate_problem(tmp_path: Path):
    data = rs_with(region_sets=[{"name": "某地", "divisions": ["朝阳区"]}])
    result = invoke("rules", "validate", str(write(tmp_path, data)))
    assert result.exit_code == 2 and "朝阳区" in result.stdout and "同名" in result.stdout
    data = rs_with()
    data["basic"][0]["variants"] = [{"when": {"region": "珠三角"}, "value": 50, "article": "第七条（一）",
                                     "quote": "资产总额不低于20万元"}]
    result = invoke("rules", "validate", str(write(tmp_path, data)))
    assert result.exit_code == 2 and "region:珠三角" in result.stdout


def test_the_declared_concepts_survive_a_file_round_trip(tmp_path: Path):
    data = rs_with(region_sets=[PRD], facts=[{"key": "patents", "label": "有效发明专利数", "unit": "项"}])
    rs = load_file(write(tmp_path, data))
    assert rs.region_sets[0].prefixes()[:1] == ["4419"] and set(rs.region_sets[0].prefixes()) == {"4419", "4401", "4403"}


def test_a_misspelt_division_name_gets_the_nearest_one(tmp_path: Path):
    data = rs_with(region_sets=[{"name": "珠三角", "divisions": ["广州市", "深川市"]}])
    res = invoke("rules", "validate", str(write(tmp_path, data)))
    assert res.exit_code == 2 and "深川市：行政区划表中没有（是否要写 深圳市？）" in res.output
