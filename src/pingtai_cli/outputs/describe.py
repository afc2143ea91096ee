"""Rules in short Chinese words: `≥300万元`, `服务机构：活动≥10次且融资≥8亿元；或…`.

Shared by `rules show`, `rules explain` and `compare-jurisdictions`, so a
threshold reads the same everywhere. Pure functions of ruleset objects.
"""

from __future__ import annotations

from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.rules.schema import FunctionCount, MaterialReq, Rule, Variant, When
from pingtai_cli.vocab import label_of

SYMBOLS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": "＝"}

def short_label(field: str) -> str:
    """A fact's short name inside a structure sentence (vocab `short`), else its label, without 是否."""
    fk = vocab.get().facts.get(field)
    label = (fk.short if fk else "") or label_of(field)
    return label[2:] if label.startswith("是否") else label


def when_text(when: When) -> str:
    """`is_renewal == true` → 再次申报; `platform_type == 综合性` → 平台类型为综合性."""
    label = short_label(when.field)
    if when.equals is True:
        return label
    if when.equals is False:
        return f"不{label}" if label.startswith(("具有", "属于", "持有")) else f"非{label}"
    return f"{label}为{when.equals}"


def amount(rule: Rule | Variant, op: str, unit: str | None) -> str:
    return f"{SYMBOLS.get(op, op)}{fmt(rule.value)}{unit or ''}"


def threshold_text(rule: Rule, with_variants: bool = True) -> str:
    """≥100万元（仅申报综合服务功能：≥50万元）; readings add （另一读法：≥10人）."""
    if rule.check != "threshold":
        return requirement_text(rule)
    text = amount(rule, rule.op, rule.unit)
    if with_variants:
        extras = [f"{when_text(v.when)}：{amount(v, rule.op, rule.unit)}" for v in rule.variants]
        extras += [f"另一读法：{_reading_label(rule, r.field)}{SYMBOLS.get(rule.op, rule.op)}{fmt(r.value)}{rule.unit or ''}"
                   for r in rule.readings if r.value is not None]
        if extras:
            text += "（" + "；".join(extras) + "）"
    return text


def _reading_label(rule: Rule, field: str | None) -> str:
    """A second reading of another fact names it (xuchang: 自然年度 vs 运营年限)."""
    return label_of(field) if field and field != rule.field else ""


def requirement_text(rule: Rule) -> str:
    """What a rule asks for, in a few words, for any check kind."""
    if rule.check == "threshold":
        return threshold_text(rule)
    if rule.check == "flag":
        return "须为“是”"
    if rule.check == "one_of":
        return f"{short_label(rule.field or '')}含" + "或".join(f"“{a}”" for a in rule.allowed)
    if rule.check == "text_match":
        return "须有相应记载（按文字比对）"
    if rule.check == "in_area":
        return "须在本地区注册登记（按行政区划）"
    if rule.check == "any_of":
        return structure_text([rule])
    return "定性条件（人工审核）"


def _part(rule: Rule, option_name: str = "") -> str | None:
    """One measurable requirement inside a structure sentence; None for qualitative items."""
    if rule.check == "threshold":
        return short_label(rule.field or "") + threshold_text(rule)
    if rule.check == "flag":
        label = short_label(rule.field or "")
        return None if label and label in option_name else label
    if rule.check in ("one_of", "text_match"):
        return short_label(rule.field or "") + requirement_text(rule)
    if rule.check == "in_area":
        return requirement_text(rule)
    if rule.check == "any_of":
        alternatives = [_option(o.name, o.rules) for o in rule.options]
        return "（" + " 或 ".join(alternatives) + "）"
    return None


def _option(name: str, rules: list[Rule]) -> str:
    """`服务机构：活动≥10次且融资≥8亿元`; an option of one rule is just that rule."""
    parts = [p for p in (_part(r, name) for r in rules) if p]
    if len(rules) == 1 and parts:
        return parts[0]
    return f"{name}：{'且'.join(parts)}" if parts else name


def structure_text(rules: list[Rule]) -> str:
    """The measurable structure of a function's rules: alternatives with 或, all-of with ＋."""
    measurable = [r for r in rules if r.check != "review"]
    if len(measurable) == 1 and measurable[0].check == "any_of":
        return "；或".join(_option(o.name, o.rules) for o in measurable[0].options)
    parts = [p for p in (_part(r) for r in rules) if p]
    return " ＋ ".join(parts) if parts else "仅定性条件（人工审核）"


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
        "op": rule.op if rule.check == "threshold" else None,
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
