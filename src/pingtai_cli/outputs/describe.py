"""Rules in short Chinese words: `≥300万元`, `服务机构：活动≥10次且融资≥8亿元；或…`.

Shared by `rules show`, `rules explain` and `compare-jurisdictions`, so a
threshold reads the same everywhere. Pure functions of ruleset objects; what a
rule of each check kind asks is worded by its kind (rules/kinds/).
"""

from __future__ import annotations

from typing import Any

from pingtai_cli import vocab
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.kinds.any_of import structure_text  # noqa: F401 - re-exported
from pingtai_cli.rules.kinds.words import short_label, when_text  # noqa: F401 - re-exported
from pingtai_cli.rules.schema import FunctionCount, MaterialReq, Rule


def threshold_text(rule: Rule, with_variants: bool = True) -> str:
    """≥100万元（仅申报综合服务功能：≥50万元）; readings add （另一读法：≥10人）; another kind's requirement."""
    return kind_of(rule).requirement(rule, with_variants)


def requirement_text(rule: Rule) -> str:
    """What a rule asks for, in a few words, for any check kind."""
    return kind_of(rule).requirement(rule)


def count_text(count: FunctionCount) -> str:
    """至少1项; 综合性至少2项，专业性至少1项."""
    if count.by_platform_type:
        return "，".join(f"{k}平台至少{v}项" for k, v in count.by_platform_type.items())
    if count.min == 0:
        return "文本未规定须满足几项"
    return f"至少{count.min}项"


def material_qualifiers(req: MaterialReq) -> list[str]:
    """复印件, 加盖公章, 上一年度, 仅当…, 非必需."""
    words: list[str] = [] if req.copy_kind == "原件或复印件" else [req.copy_kind]
    kinds = vocab.get().validity
    words += [kinds[v].word if v in kinds else v for v in req.validity]
    if req.when is not None:
        words.append(f"仅当{when_text(req.when)}")
    return words


def rule_line(rule: Rule) -> dict[str, Any]:
    """A rule as `rules show` lists it (also its JSON)."""
    return {
        "code": rule.code,
        "name": rule.name,
        "title": rule.title,
        "check": rule.check,
        "field": rule.field,
        "requirement": requirement_text(rule),
        "op": rule.op if kind_of(rule).numeric else None,
        "value": rule.value,
        "unit": rule.unit,
        "article": rule.article,
        "relaxable_by": list(rule.relaxable_by),
        "variants": [
            {"when": when_text(v.when), "value": v.value, "article": v.article, "quote": v.quote} for v in rule.variants
        ],
        "readings": [
            {"article": r.article, "quote": r.quote, "value": r.value, "field": r.field, "note": r.note}
            for r in rule.readings
        ],
        "options": [{"name": o.name, "rules": [rule_line(r) for r in o.rules]} for o in rule.options],
    }
