"""`rules new` on what a bureau engineer's text really looks like (issue 15, second pass): a 施行 date
that differs from the 落款, the text's own term of validity, and a county that overrides a city rule
which has variants."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from cli_helpers import ok
from pingtai_cli.rules.schema import load_ruleset

PROVINCE = """关于印发《某某省中小企业公共服务示范平台认定管理办法》的通知
某工信规字〔2025〕3号
某某省工业和信息化厅
2025年3月18日

某某省中小企业公共服务示范平台认定管理办法
第一条 为推动我省中小企业公共服务平台建设，制定本办法。
第二条 申报示范平台应同时具备以下基本条件：
（一）具有独立法人资格，运营两年以上，资产总额不低于200万元。
（二）年服务中小企业100家以上。
第三条 示范平台应满足以下至少一项功能要求：
（一）信息服务。年组织开展的相关服务活动6次以上。
第四条 示范平台每次认定有效期为3年。
第五条 本办法自2025年5月1日起施行，有效期5年。
"""

COUNTY = """某某县中小企业公共服务示范平台认定管理办法
第一条 为促进我县中小企业公共服务平台建设，制定本办法。
第二条 申报县级示范平台应具备以下条件：
（一）注册登记时间1年以上，资产总额不低于30万元。
第三条 本办法自印发之日起施行，有效期3年。

某某县工业和信息化局
2024年6月3日
"""


def confirmed(node):
    """The draft as a person leaves it once every entry is checked: no status lines."""
    if isinstance(node, dict):
        return {k: confirmed(v) for k, v in node.items() if k != "status"}
    return [confirmed(x) for x in node] if isinstance(node, list) else node


def draft(tmp_path: Path, text: str, key: str, *extra: str) -> dict:
    (tmp_path / f"{key}.txt").write_text(text, encoding="utf-8")
    ok("rules", "new", key, "--text", str(tmp_path / f"{key}.txt"), "--dir", str(tmp_path / "out"), *extra)
    return yaml.safe_load((tmp_path / "out" / key / "ruleset.yaml").read_text(encoding="utf-8"))


def test_issued_is_the_signature_date_and_in_force_from_the_date_the_text_names(tmp_path: Path):
    doc = draft(tmp_path, PROVINCE, "mouprov")["document"]
    assert doc["issued"] == date(2025, 3, 18)  # the 落款, not 自2025年5月1日起施行
    assert doc["in_force_from"] == date(2025, 5, 1)
    assert doc["in_force_until"] == date(2030, 4, 30)  # 有效期5年 from 2025-05-01


def test_the_texts_own_term_is_not_drafted_as_the_recognitions_validity(tmp_path: Path):
    procedure = {p["id"]: p for p in draft(tmp_path, PROVINCE, "mouprov")["procedure"]}
    assert procedure["validity_years"]["value"] == 3 and procedure["validity_years"]["article"] == "第四条"
    assert procedure["ruleset_validity_years"]["value"] == 5
    assert procedure["ruleset_validity_years"]["title"] == "本办法有效期"
    county = {p["id"]: p for p in draft(tmp_path, COUNTY, "moucounty", "--extends", "shaoguan")["procedure"]}
    assert "validity_years" not in county  # 本办法…有效期3年 says nothing of a recognition's term
    assert county["ruleset_validity_years"]["value"] == 3


def test_a_county_threshold_overriding_a_city_rule_with_variants_does_not_inherit_them(tmp_path: Path):
    data = draft(tmp_path, COUNTY, "moucounty", "--extends", "shaoguan")
    assets = next(r for r in data["basic"] if r["field"] == "total_assets")
    assert assets["code"] == "SG-B03" and assets["value"] == 30 and assets["variants"] == []
    assert "50万元" in assets["note"]
    merged = load_ruleset("moucounty", tmp_path / "out")
    rule = next(r for r in merged.basic if r.code == "SG-B03")
    assert rule.value == 30 and rule.variants == []  # 仅申报综合服务功能 50万元 is the city's, above the county's 30


def test_a_county_with_no_function_article_is_told_it_inherits_them_not_min_zero(tmp_path: Path):
    (tmp_path / "c.txt").write_text(COUNTY, encoding="utf-8")
    out = ok("rules", "new", "moucounty", "--text", str(tmp_path / "c.txt"), "--dir", str(tmp_path / "o"),
             "--extends", "shaoguan")
    assert "沿用 shaoguan" in out and "min: 0" not in out and "（继承）" not in out


REGIONAL = PROVINCE.replace(
    "（一）具有独立法人资格，运营两年以上，资产总额不低于200万元。",
    "（一）具有独立法人资格，运营两年以上。珠三角地区申报单位资产总额不低于500万元，粤东西北地区申报单位资产总额不低于200万元。",
)


def test_thresholds_that_differ_by_region_are_drafted_as_one_rule_and_a_region_set_to_list(tmp_path: Path):
    from cli_helpers import invoke

    data = draft(tmp_path, REGIONAL, "mouprov")
    assets = [r for r in data["basic"] if r.get("field") == "total_assets"]
    assert len(assets) == 1  # two rules would both have to hold: 粤东西北 applicants failed on 500万元
    assert assets[0]["value"] == 200 and assets[0]["variants"][0]["when"] == {"region": "珠三角"}
    assert assets[0]["variants"][0]["value"] == 500 and "粤东西北" in assets[0]["note"]
    assert data["region_sets"] == [{"name": "珠三角", "divisions": [], "article": "第二条（一）",
                                    "quote": "珠三角地区申报单位资产总额不低于500万元", "status": "draft"}]
    res = invoke("rules", "validate", str(tmp_path / "out" / "mouprov" / "ruleset.yaml"))
    assert res.exit_code == 2 and "尚未列出属于“珠三角”的行政区划" in res.output
    assert "不通过 0 条" in ok("rules", "test", "mouprov", "--rulesets-dir", str(tmp_path / "out"))


def test_a_region_set_not_yet_listed_never_reads_an_applicant_as_outside_it(tmp_path: Path):
    from pingtai_cli.core.models import Dossier, Fact
    from pingtai_cli.engine.verdict import encoding_gaps, evaluate

    draft(tmp_path, REGIONAL, "mouprov")
    path = tmp_path / "out" / "mouprov" / "ruleset.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions = data.pop("region_sets")
    path.write_text(yaml.safe_dump({**confirmed(data), "region_sets": regions}, allow_unicode=True), encoding="utf-8")
    rs = load_ruleset("mouprov", tmp_path / "out")
    assert rs.status == "confirmed" and rs.draft_codes() == ["地区集合“珠三角”"]  # only the set is left to list
    code = next(r.code for r in rs.basic if r.field == "total_assets")
    facts = {"total_assets": Fact("total_assets", 300, "万元"), "credit_code": Fact("credit_code", "91440300MA5XXXXXXX", None)}
    result = evaluate(Dossier(path="x", facts=facts), rs, date(2026, 3, 15))
    assert next(c for c in result.conditions if c.id == code).status == "review"
    assert any("珠三角" in g for g in encoding_gaps(rs))  # so check never says 符合 before the set is listed


def test_a_text_pasted_from_a_pdf_export_drafts_like_the_clean_one(tmp_path: Path):
    spaced = (REGIONAL.replace("第二条 申报", "第 二 条  申报").replace("第三条 示范", "第　三　条 示范")
              .replace("（二）年服务中小企业100家以上。", "(二)年服务中小企业１００家以上。\n\n— 2 —\n")
              .replace("不低于200万元", "不低于 200 万元"))
    clean, pasted = draft(tmp_path, REGIONAL, "clean"), draft(tmp_path, spaced, "pasted")
    def shape(data: dict) -> list:
        return [(r.get("field"), r.get("value"), r["article"]) for r in data["basic"] if r["check"] == "threshold"]
    assert shape(pasted) == shape(clean) and len(shape(clean)) == 3
    assert pasted["functions"]["count"]["min"] == 1 and pasted["functions"]["count"]["article"] == "第三条"
    assert not any("— 2 —" in str(r["quote"]) for r in pasted["basic"])  # a page number is no part of a clause


def test_a_text_whose_basic_conditions_are_not_found_says_so(tmp_path: Path):
    from cli_helpers import ok as run

    (tmp_path / "x.txt").write_text(PROVINCE.replace("应同时具备以下基本条件", "须符合下列要求"), encoding="utf-8")
    out = run("rules", "new", "moux", "--text", str(tmp_path / "x.txt"), "--dir", str(tmp_path / "o"))
    assert "未找到基本条件条款" in out


SHARES = PROVINCE.replace(
    "（二）年服务中小企业100家以上。",
    "（二）年服务中小企业100家以上，近三年服务中小企业数量稳定增长。\n（三）服务收入占营业收入比例在60%以上。",
)


def test_a_three_year_growth_and_a_service_revenue_share_are_drafted_as_declared_derived_facts(tmp_path: Path):
    from pingtai_cli.core.models import Dossier
    from pingtai_cli.engine.verdict import evaluate

    data = draft(tmp_path, SHARES, "mouprov")
    facts = {f["key"]: f for f in data["facts"]}
    assert facts["smes_growth_3y"]["growth"] == {"column": "smes_served", "years": 3}
    assert facts["service_revenue_share"]["ratio"]["numerator"] == "service_revenue"
    fields = {r.get("field"): r for r in data["basic"]}
    assert fields["smes_growth_3y"]["check"] == "flag" and fields["smes_growth_3y"]["article"] == "第二条（二）"
    assert fields["service_revenue_share"]["value"] == 60
    rs = load_ruleset("mouprov", tmp_path / "out")
    yearly = [{"year": 2023, "smes_served": 90, "revenue": 500, "service_revenue": 350},
              {"year": 2024, "smes_served": 95, "revenue": 600, "service_revenue": 420},
              {"year": 2025, "smes_served": 99, "revenue": 700, "service_revenue": 350}]
    result = evaluate(Dossier(path="x", yearly=yearly), rs, date(2026, 3, 15))
    by_code = {c.id: c.status for c in result.conditions}
    assert by_code[fields["smes_growth_3y"]["code"]] == "pass"
    assert by_code[fields["service_revenue_share"]["code"]] == "fail"  # 350 ÷ 700 = 50 %


def test_an_exclusion_clause_with_a_condition_matches_the_recognitions_name_not_the_condition(tmp_path: Path):
    import re

    text = PROVINCE.replace("第四条 示范平台每次认定有效期为3年。",
                            "第四条 已获国家中小企业公共服务示范平台认定且在有效期内的，不再参与省级认定。")
    [rule] = draft(tmp_path, text, "mouprov")["exclusions"]
    line = "2024年 国家中小企业公共服务示范平台（工业和信息化部）"  # how an 已获认定 line reads
    assert any(re.search(p, line) for p in rule["patterns"])
    assert "在有效期内" in rule["note"] and rule["status"] == "draft"  # the condition is left to a person
