"""`pingtai rules new KEY --text 办法.txt [--extends PARENT]`: a draft ruleset from a policy text.

Measured on the five shipped texts, each drafted from scratch: at least 90 % of the shipped
thresholds come back with value, unit, article and fact key all right; no quote is outside
the text; every entry is a draft; the draft validates and its synthesised cases pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cli_helpers import invoke, ok
from jurisdictions import keys, policy_file
from pingtai_cli.core.models import Dossier, Fact
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import load_file, load_ruleset, quote_in_text
from pingtai_cli.rules.validate import _quotes

KEYS = keys()  # discovered: every jurisdiction folder (tests/jurisdictions.py)


def thresholds(rs) -> set[tuple]:
    return {(r.field, r.value, r.unit, r.article) for r in rs.all_rules() if r.check == "threshold"}


@pytest.fixture(scope="module")
def drafts(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("drafts")
    paths = {}
    for key in KEYS:
        text = policy_file(key)
        ok("rules", "new", f"new-{key}", "--text", str(text), "--dir", str(out))
        paths[key] = out / f"new-{key}" / "ruleset.yaml"  # one folder per jurisdiction, as shipped
    return paths


@pytest.mark.parametrize("key", KEYS)
def test_drafting_a_shipped_text_recovers_nine_in_ten_of_its_thresholds(drafts, key):
    shipped = thresholds(load_ruleset(key))
    drafted = thresholds(load_file(drafts[key]))
    found = shipped & drafted
    assert len(found) >= 0.9 * len(shipped), sorted(shipped - drafted)


@pytest.mark.parametrize("key", KEYS)
def test_every_drafted_quote_is_in_the_text_and_every_entry_is_a_draft(drafts, key):
    rs = load_file(drafts[key])
    text = (drafts[key].parent / rs.document.source_file).read_text(encoding="utf-8")
    outside = [q for _, q, _, _ in _quotes(rs) if not quote_in_text(q, text)]
    assert outside == []
    assert rs.status == "draft"
    assert all(r.status == "draft" for r in rs.all_rules())
    assert all(m.status == "draft" for m in rs.materials + rs.procedure + rs.forms)


@pytest.mark.parametrize("key", KEYS)
def test_the_draft_validates_and_its_cases_pass(drafts, key):
    out = ok("rules", "validate", str(drafts[key]))
    assert "有效" in out and "草稿" in out
    assert "不通过 0 条" in ok("rules", "test", f"new-{key}", "--rulesets-dir", str(drafts[key].parent))


def test_the_draft_finds_count_rule_materials_forms_procedure_relaxations_and_exclusions(drafts):
    xc = load_file(drafts["xuchang"])
    assert dict(xc.functions.count.by_platform_type) == {"综合性": 2, "专业性": 1}
    assert len(xc.materials) == 14 and {"business_license", "audit_report", "credit_report"} <= {m.key for m in xc.materials}
    assert {p.id: p.value for p in xc.procedure}["publicity_days"] == 5
    assert {p.id: p.value for p in xc.procedure}["validity_years"] == 3
    assert xc.exclusions and "不再参与" in xc.exclusions[0].quote
    na = load_file(drafts["national"])
    assert {f.id for f in na.forms} == {"recommendation_form", "application_report"}
    assert [x.flags for x in na.relaxations] == [["western_region"]]
    covered = {r.article for r in na.all_rules() if r.relaxable_by}
    assert "第十二条（一）" in covered and "第十二条（四）" not in covered  # 上述（一）、（二）、（三）和（六）
    financing = next(i for i in na.functions.items if i.function == "financing")
    assert [r.check for r in financing.rules] == ["any_of"]  # 服务机构…；或…融资担保机构
    hl = load_file(drafts["heilongjiang"])
    assert {p.id: p.value for p in hl.procedure}["annual_summary_deadline"] == "每年1月底"


def test_a_dossier_checked_under_a_fresh_draft_is_review(drafts):
    rs = load_file(drafts["liaoning"])
    facts = {"total_assets": 5.0, "staff_total": 100.0}  # below 100万元: ineligible under the shipped one
    d = Dossier(path="x", facts={k: Fact(k, v, None) for k, v in facts.items()})
    result = evaluate(d, rs, load_ruleset("liaoning").document.in_force_from.replace(year=2026))
    assert result.verdict == "review" and any("草稿" in f.message for f in result.findings)


def test_the_text_is_copied_beside_and_nothing_is_overwritten_without_force(tmp_path: Path):
    text = policy_file("shaoguan")
    out = ok("rules", "new", "sg", "--text", str(text), "--dir", str(tmp_path))
    folder = tmp_path / "sg"  # the shipped layout: ruleset, cases and text in the jurisdiction's folder
    assert (folder / text.name).read_text(encoding="utf-8") == text.read_text(encoding="utf-8")
    assert (folder / "ruleset.yaml").is_file() and (folder / "cases.yaml").is_file()
    assert f"rules validate {folder / 'ruleset.yaml'}" in out and f"--rulesets-dir {tmp_path}" in out
    assert "不通过 0 条" in ok("rules", "test", "sg", "--rulesets-dir", str(tmp_path))
    again = invoke("rules", "new", "sg", "--text", str(text), "--dir", str(tmp_path))
    assert again.exit_code == 2 and "--force" in str(again.exception)
    ok("rules", "new", "sg", "--text", str(text), "--dir", str(tmp_path), "--force")


def test_a_gbk_text_is_read_and_a_bad_key_is_refused(tmp_path: Path):
    text = policy_file("heilongjiang").read_text(encoding="utf-8")
    gbk = tmp_path / "办法.txt"
    gbk.write_bytes(text.encode("gb18030"))
    out_dir = tmp_path / "out"
    ok("rules", "new", "hl2", "--text", str(gbk), "--dir", str(out_dir))
    assert thresholds(load_ruleset("heilongjiang")) <= thresholds(load_file(out_dir / "hl2" / "ruleset.yaml"))
    assert invoke("rules", "new", "Bad Key", "--text", str(gbk), "--dir", str(out_dir)).exit_code == 2


COUNTY = """某县中小企业公共服务示范平台认定管理办法

第一条 为推动本县中小企业公共服务平台建设，参照《许昌市中小企业公共服务示范平台认定管理办法》，制定本办法。
第二条 示范平台应同时具备以下基本条件：
（一）在本县注册登记，运营单位资产总额不低于30万元。
（二）年服务中小企业不少于30家，用户满意度在85%以上。
第三条 本办法自2026年1月1日起施行。
"""


def test_a_county_text_drafted_with_extends_overrides_its_citys_codes(tmp_path: Path):
    text = tmp_path / "county.txt"
    text.write_text(COUNTY, encoding="utf-8")
    ok("rules", "new", "xuchang-mou", "--text", str(text), "--extends", "xuchang", "--dir", str(tmp_path))
    data = yaml.safe_load((tmp_path / "xuchang-mou" / "ruleset.yaml").read_text(encoding="utf-8"))
    assert data["extends"] == "xuchang"
    codes = {r["field"]: r["code"] for r in data["basic"] if r.get("field")}
    assert codes["total_assets"] == "XC-B05" and codes["smes_served"] == "XC-B16"
    rs = load_file(tmp_path / "xuchang-mou" / "ruleset.yaml", tmp_path)
    assert rs.rule("XC-B05").value == 30 and rs.rule("XC-B08").value == 8  # inherited untouched
    out = ok("rules", "validate", str(tmp_path / "xuchang-mou" / "ruleset.yaml"))
    assert "有效" in out and "继承 xuchang" in out


@pytest.mark.parametrize("key", KEYS)
def test_the_shipped_rule_cases_give_the_same_result_on_the_draft(drafts, key):
    """Each shipped case of a threshold or flag rule, run on the drafted rule with the same fact,
    article and value: the draft decides it the same way (variants and relaxations included)."""
    from pingtai_cli.engine.cases import run_case
    from pingtai_cli.rules.cases import load_cases

    shipped, draft = load_ruleset(key), load_file(drafts[key])
    measured = [r for r in shipped.all_rules() if r.check in ("threshold", "flag")]
    ran, differ, unmapped = 0, [], 0
    for code, cases in load_cases(key).items():
        rule = next((r for r in measured if r.code == code), None)
        if rule is None:
            continue
        twin = next((d for d in draft.all_rules() if (d.check, d.field, d.article, d.value)
                     == (rule.check, rule.field, rule.article, rule.value)), None)
        if twin is None:
            unmapped += len(cases)
            continue
        same_when = [v.when.field for v in rule.variants] == [v.when.field for v in twin.variants]
        for case in cases:
            # issue 11: a case decided by what a draft does not carry (a second reading of the
            # clause, a list sheet, a variant keyed on another fact) is not the draft's to match
            if case.lists or (rule.readings and case.status == "review") or not same_when:
                continue
            ran += 1
            if run_case(draft, twin.code, case).status != case.status:
                differ.append(f"{code} {case.name}")
    assert differ == [] and ran >= 0.9 * (ran + unmapped)


def test_rules_list_marks_a_draft_and_knows_it_is_in_force(drafts):
    out = ok("rules", "list", "--rulesets-dir", str(drafts["national"].parent), "--as-of", "2026-03-15")
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("new-national"))
    assert "现行" in line and "草稿" in out


def test_a_text_with_no_date_drafts_issued_unknown_and_says_so(tmp_path: Path):
    text = tmp_path / "t.txt"
    text.write_text(COUNTY.replace("第三条 本办法自2026年1月1日起施行。\n", ""), encoding="utf-8")
    out = ok("rules", "new", "nodate", "--text", str(text), "--dir", str(tmp_path))
    assert "未能从文本读出发布与施行日期" in out
    assert load_file(tmp_path / "nodate" / "ruleset.yaml").document.issued is None


@pytest.mark.parametrize("key", KEYS)
def test_the_drafted_materials_list_has_the_shipped_keys_and_articles(drafts, key):
    shipped = {(m.key, m.article) for m in load_ruleset(key).materials}
    drafted = {(m.key, m.article) for m in load_file(drafts[key]).materials}
    assert len(shipped & drafted) >= 0.9 * len(shipped), sorted(shipped - drafted)


@pytest.mark.parametrize("key", KEYS)
def test_the_draft_finds_the_credit_code_area_from_the_division_table(drafts, key):
    shipped, draft = load_ruleset(key), load_file(drafts[key])
    if shipped.area is None:  # 国家认定不限于一个地区
        assert draft.area is None
        return
    assert draft.area is not None and draft.area.codes == shipped.area.codes
    assert draft.area.article == shipped.area.article


def test_a_text_with_no_articles_is_refused_not_drafted(tmp_path: Path):
    text = tmp_path / "notes.txt"
    text.write_text("会议纪要：讨论了平台建设。\n", encoding="utf-8")
    result = invoke("rules", "new", "notes", "--text", str(text), "--dir", str(tmp_path / "out"))
    assert result.exit_code == 2 and "不像一部认定办法" in str(result.exception)
    assert not (tmp_path / "out").exists()


def test_a_draft_never_hides_an_older_flat_file_of_its_key(tmp_path: Path):
    """A bureau's directory of flat files: the new folder would shadow `sg.yaml` unseen."""
    text = policy_file("shaoguan")
    (tmp_path / "sg.yaml").write_text("key: sg\nname: 旧文件\n", encoding="utf-8")
    refused = invoke("rules", "new", "sg", "--text", str(text), "--dir", str(tmp_path))
    assert refused.exit_code == 2 and "sg.yaml" in str(refused.exception) and not (tmp_path / "sg").exists()
