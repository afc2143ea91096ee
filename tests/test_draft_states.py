"""Draft and not-encoded are states (issue 15): a half-written ruleset never gives a confident verdict.

The dossier here meets every national condition (test_evaluate's NATIONAL_OK): under the
shipped ruleset it is `eligible`. The same dossier under the same ruleset with its function
items not yet written, with rules still in draft, or with a section marked not encoded, must
be `review` — and the comparison must say 未编码 where the ruleset is silent, not 未规定.
"""

from __future__ import annotations

from typing import Any

from builders import YEARLY, dossier
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.outputs.comparison import NOT_ENCODED, comparison
from pingtai_cli.rules.schema import Ruleset, load_ruleset
from test_evaluate import AS_OF


def national(**changes: Any) -> Ruleset:
    data = load_ruleset("national").model_dump()
    data.update(changes)
    return Ruleset.model_validate(data)


def good():
    d = dossier()
    d.yearly = [dict(r) for r in YEARLY]
    return d


def test_the_dossier_is_eligible_under_the_shipped_ruleset():
    assert evaluate(good(), national(), AS_OF).verdict == "eligible"


def test_a_ruleset_without_its_function_items_gives_review_not_ineligible():
    rs = national()
    rs = national(functions={**rs.functions.model_dump(), "items": []})
    result = evaluate(good(), rs, AS_OF)
    assert result.verdict == "review"
    assert result.functions.status == "review" and "尚未编码" in result.functions.message
    assert any("服务功能要求尚未编码" in r for r in result.reasons)


def test_a_function_with_no_rules_does_not_count_as_met():
    rs = national()
    fn = rs.functions.model_dump()
    for item in fn["items"]:
        item["rules"] = []
    result = evaluate(good(), national(functions=fn), AS_OF)
    assert result.verdict == "review"
    assert all(i.status in ("review", "not_declared") for i in result.functions.items)


def test_a_draft_ruleset_never_says_eligible_nor_ineligible():
    rs = national(status="draft")
    assert evaluate(good(), rs, AS_OF).verdict == "review"
    poor = good()
    poor.facts["total_assets"] = poor.facts["total_assets"].__class__("total_assets", 50.0, "万元", None)
    result = evaluate(poor, rs, AS_OF)
    assert result.verdict == "review" and any("草稿" in r for r in result.reasons)
    assert any(f.id == "ruleset.not_encoded" and "草稿" in f.message for f in result.findings)


def test_a_failure_on_a_draft_rule_is_review_but_one_on_a_confirmed_rule_stays_ineligible():
    data = national().model_dump()
    for rule in data["basic"]:
        if rule["code"] == "NA-B03":
            rule["status"] = "draft"
    rs = Ruleset.model_validate(data)
    poor = good()
    poor.facts["total_assets"] = poor.facts["total_assets"].__class__("total_assets", 50.0, "万元", None)
    assert evaluate(poor, rs, AS_OF).verdict == "review"
    assert evaluate(good(), rs, AS_OF).verdict == "review"  # passing a draft rule proves nothing either
    poor.facts["staff_total"] = poor.facts["staff_total"].__class__("staff_total", 5.0, "人", None)
    assert evaluate(poor, rs, AS_OF).verdict == "ineligible"  # NA-B14 is confirmed


def test_a_section_marked_not_encoded_makes_check_say_so():
    rs = national(not_encoded=[{"section": "申报材料", "article": "第十七条", "note": "材料清单待录入"}])
    result = evaluate(good(), rs, AS_OF)
    assert result.verdict == "review"
    assert any("第十七条 申报材料尚未编码：材料清单待录入" in f.message for f in result.findings)


def test_a_text_with_no_count_rule_may_say_so_and_still_be_eligible():
    rs = national()
    fn = rs.functions.model_dump()
    fn["count"]["min"] = 0
    result = evaluate(good(), national(functions=fn), AS_OF)
    assert result.verdict == "eligible" and "未规定须满足几项" in result.functions.message


def test_compare_says_not_encoded_distinct_from_not_set_by_the_text():
    draft = national(key="draftland", name="草稿省", status="draft", exclusions=[], basic=national().basic[:3])
    listed = national(key="partland", name="部分省",
                      not_encoded=[{"section": "排除情形", "note": "第十九条待录入"}])
    cmp = comparison([load_ruleset("xuchang"), draft, listed, load_ruleset("national")])
    rows = {r.id: r for r in cmp.rows}
    staff = rows["basic.staff_total"]
    assert staff.cells["draftland"].text == NOT_ENCODED and staff.cells["national"].text != NOT_ENCODED
    assert "草稿省（草稿）未编码" in staff.diff and cmp.columns[1].name == "草稿省（草稿）"
    excl = [r for r in cmp.rows if r.section == "排除情形"]
    assert excl and all(r.cells["partland"].text == NOT_ENCODED for r in excl)
    assert all(r.cells["national"].text == "—（未规定）" for r in excl)
    assert any("国家未规定" in r.diff and "部分省" in r.diff and "未编码" in r.diff for r in excl)
