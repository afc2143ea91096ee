"""Evaluating one rule: its kind decides (rules/kinds/), then what every kind shares applies.

The kinds are a registry (`pingtai_cli.rules.kinds`): a rule names its kind (`check: threshold`)
and `evaluate_rule` asks that kind, then shows the other readings of an ambiguous clause and
leaves undecided what rests on an uncertain reading. None of it knows a jurisdiction; the numbers
and words come from the rule.
"""

from __future__ import annotations

from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import HOW_WORDS, Fact, RuleResult, Status
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.kinds.base import STATUS_WORDS, Facts, combine, combine_results  # noqa: F401 - re-exported
from pingtai_cli.rules.kinds.base import qualitative as _qualitative  # noqa: F401 - re-exported
from pingtai_cli.rules.kinds.base import status_word as _status_word
from pingtai_cli.rules.kinds.text_match import matches_exclusion  # noqa: F401 - re-exported
from pingtai_cli.rules.kinds.threshold import OP_WORDS, OPS, effective_value, gap_text  # noqa: F401 - re-exported
from pingtai_cli.rules.schema import Rule


def tested_field(rule: Rule) -> str | None:
    """The fact a rule decides on (in_area decides on the derived registered_area)."""
    return kind_of(rule).fact_key(rule)


def evaluate_rule(rule: Rule, facts: Facts) -> RuleResult:
    """Run one rule, show the other readings of an ambiguous clause beside the result, and leave
    undecided what rests on an uncertain reading or on a clause whose readings disagree."""
    result = kind_of(rule).evaluate(rule, facts, evaluate_rule)
    for reading in rule.readings:
        note, agrees = _reading_note(rule, reading, facts, result.status)
        result.notes.append(note)
        if not agrees:
            result.disputed.append(note)
    decided = result.status if result.status in ("pass", "fail") else None
    if result.status in ("pass", "fail"):
        _other_label(rule, result, facts)
    if result.status in ("pass", "fail"):
        _unsure_reading(rule, result, facts)
    if result.status in ("pass", "fail"):
        _confirmed_unit(rule, result, facts)
    if result.status in ("pass", "fail"):
        _lower_bound(rule, result, facts)
    if decided is not None:  # said even when another doubt already made it review
        _approximate(rule, result, facts, decided)
        _doubtful(rule, result, facts, decided)
    if result.status in ("pass", "fail") and result.disputed:
        outcome = _status_word(result.status)
        result.message += f" 按本规则的读法为“{outcome}”，按另一读法结论不同：需认定机关确定适用哪种读法。"
        result.status = "review"
    return result


def _other_label(rule: Rule, result: RuleResult, facts: Facts) -> None:
    """A figure read under another label than the clause names (服务场地面积 for 办公场所面积) is
    not that figure: the result says so and is for review, unless the other figure is a wider one
    that already fails (从业人数 below the 专职从业人数 required)."""
    fact = facts.get(rule.field or "")
    if not rule.labels or fact is None or not fact.label or fact.label in rule.labels:
        return
    named = "、".join(rule.labels)
    if fact.label in rule.bound_labels and result.status == "fail":
        result.message += f"（申请表填写的是“{fact.label}”，{named}不会多于此数，故不满足。）"
        return
    result.message += (
        f" 申请表填写的是“{fact.label}”，不是{rule.article}所说的“{named}”：请填写“{named}”，由评审人员核实。"
    )
    result.status = "review"


def _unsure_reading(rule: Rule, result: RuleResult, facts: Facts) -> None:
    """A pass or a failure that rests on a value read only by OCR or with an inferred unit is for
    a reviewer: the result keeps the value, says where and how it was read, and becomes review."""
    key = tested_field(rule)
    fact = facts.get(key or "")
    if fact is None or not fact.uncertain:
        return
    places = "；".join(
        f"{e.describe()}（{HOW_WORDS.get(e.how or '', e.how or '')}）" for e in fact.sources
    )
    outcome = _status_word(result.status)
    if any(e.how == "unit_inferred" for e in fact.sources):  # the question, not the guess as a fact
        result.message = _unit_question(rule, result.status, facts, fact).lstrip()
    else:
        result.message += f" 该值读取不确定（{places}），按此读数为“{outcome}”，请核对原件后确认。"
    result.status = "review"
    if not result.evidence and fact.evidence:
        result.evidence = [fact.evidence]


def _confirmed_unit(rule: Rule, result: RuleResult, facts: Facts) -> None:
    """A decision on an amount the form wrote without a unit, which another place states with one
    (the audit report's 资产总计 in 元): the result cites those places and says so, so that what it
    rests on is shown, not only a cell whose unit was inferred."""
    fact = facts.get(tested_field(rule) or "")
    if fact is None or fact.evidence is None or fact.evidence.how != "unit_inferred" or fact.uncertain:
        return
    sure = [e for e in fact.also if not e.uncertain]
    result.evidence = list(dict.fromkeys([*(result.evidence or [fact.evidence]), *sure]))
    places = "、".join(e.describe() for e in sure)
    result.message += (
        f" {fact.evidence.describe()}填写“{fact.raw}”未注明单位，按{fact.unit or ''}读取，与{places}所载一致。"
    )


def _lower_bound(rule: Rule, result: RuleResult, facts: Facts) -> None:
    """A figure written as a lower bound only (150家以上, 150余家) decides a minimum it meets and a
    maximum it exceeds; a minimum it misses, or a maximum it keeps, may go either way with the
    figure itself: the result says so and is for review."""
    key = tested_field(rule)
    fact = facts.get(key or "")
    if fact is None or fact.precision != "at_least" or rule.op not in OPS:
        return
    minimum = rule.op in (">=", ">")
    if (minimum and result.status == "pass") or (rule.op in ("<=", "<") and result.status == "fail"):
        return
    where = fact.evidence.describe() if fact.evidence else "申请表"
    result.message = (  # not 60家，差 20 家: a bound's shortfall is no figure the dossier gives
        f"{where}填写“{fact.raw}”，只说明不少于{fmt(fact.value)}{fact.unit or ''}，"
        f"确切数字可能{'达到' if minimum else '超出'}要求：请申报单位填写确切数字，由评审人员核实。"
    )
    result.status, result.gap = "review", None


def _approximate(rule: Rule, result: RuleResult, facts: Facts, decided: Status) -> None:
    """A figure written as an approximation (约130家, 130家左右, 近150家) decides nothing by itself:
    the result says what it gives as read and is for review."""
    fact = facts.get(tested_field(rule) or "")
    if fact is None or fact.precision != "approximate":
        return
    where = fact.evidence.describe() if fact.evidence else "申请表"
    result.message += (
        f" 但{where}填写“{fact.raw}”，是约数，不是确切数字：按{fmt(fact.value)}{fact.unit or ''}"
        f"为“{_status_word(decided)}”，请申报单位填写确切数字，由评审人员核实。"
    )
    result.status, result.gap = "review", None


def _doubtful(rule: Rule, result: RuleResult, facts: Facts, decided: Status) -> None:
    """A reading with a doubt (a figure of another year than the condition's, a layout that reads
    two ways, a figure computed from approximate ones): the result says it and is for review."""
    fact = facts.get(tested_field(rule) or "")
    if fact is None or not fact.doubt:
        return
    result.message += f" 按所填数字为“{_status_word(decided)}”，但{fact.doubt}"
    result.status, result.gap = "review", None
    if not result.evidence and fact.evidence:
        result.evidence = [fact.evidence]


def _unit_question(rule: Rule, status: Status, facts: Facts, fact: Fact) -> str:
    """What a reviewer must decide of an amount written without a unit: which unit it is in, with
    what the condition gives in each (`3,200,000.00` for 资产总额: 万元 as read, or 元)."""
    from dataclasses import replace

    from pingtai_cli.intake.sources.units import other_scales

    where = fact.evidence.describe() if fact.evidence else "申请表"
    unit = fact.unit or ""
    scales = [(unit, 1.0), *other_scales(unit)]
    written, number, read_as = _as_written(fact, scales)
    verb = "所载" if fact.evidence and fact.evidence.page else "填写"
    said = (
        f" {where}{verb}“{written}”，未注明单位，按{read_as}读作{fmt(fact.value)}{unit}，"
        f"按此为“{_status_word(status)}”"
    )
    others = []
    for name, factor in scales:
        if name == read_as:
            continue
        alt = replace(fact, value=number * factor)
        alt_status = kind_of(rule).evaluate(rule, {**facts, fact.key: alt}, evaluate_rule).status
        others.append(f"若以{name}填写则为{fmt(alt.value)}{unit}，{_status_word(alt_status)}")
    return said + ("；" + "；".join(others) if others else "") + f"。请向申报单位确认该数的单位（{'、'.join(n for n, _ in scales)}）后判定。"


def _as_written(fact: Fact, scales: list[tuple[str, float]]) -> tuple[str, float, str]:
    """(the number as written, its value, the scale it was read in) of an amount without a unit.

    A form cell holds the bare number, read in the key's unit; a document's amount comes with
    the row it stands in (`资产总计 2,600,000.00 2,366,000.00`) and may have been read in 元 by
    its form: the number whose reading in one of the scales gives the value is the one written.
    """
    import math
    import re

    value = float(fact.value)
    for m in re.finditer(r"-?\d[\d,，]*(?:\.\d+)?", str(fact.raw or "")):
        number = float(m[0].replace(",", "").replace("，", ""))
        for name, factor in scales:
            if number and math.isclose(number * factor, value, rel_tol=1e-9):
                return m[0], number, name
    return str(fact.raw) if fact.raw else fmt(value), value, scales[0][0]


def _reading_note(rule: Rule, reading: Any, facts: Facts, status: Status = "pass") -> tuple[str, bool]:
    """(the note, whether this reading decides as the encoded one does)."""
    field = reading.field or rule.field
    fact = facts.get(field or "")
    head = f"另一读法（{reading.article}：“{reading.quote}”）：{reading.note}"
    if fact is not None and reading.value is None and isinstance(fact.value, bool):
        verdict = "满足" if fact.value else "不满足"
        agrees = fact.value == (status == "pass") or status not in ("pass", "fail")
        return f"{head} 按此读法本申报{verdict}。", agrees
    if fact is None or reading.value is None or not isinstance(fact.value, int | float) or isinstance(fact.value, bool):
        return head, True
    ok = OPS[rule.op](fact.value, reading.value)
    met = "也满足" if status == "pass" else "满足"
    verdict = met if ok else f"不满足（{gap_text(rule.op, float(fact.value), reading.value, rule.unit)}）"
    agrees = ok == (status == "pass") or status not in ("pass", "fail")
    return f"{head} 按此读法要求{OP_WORDS[rule.op]}{fmt(reading.value)}{rule.unit or ''}，本申报{verdict}。", agrees
