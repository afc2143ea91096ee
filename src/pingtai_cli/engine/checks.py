"""The check kinds that ruleset entries pick by name (`check: threshold` …).

Each kind is a small pure function: (rule, facts) → RuleResult. None of them
knows a jurisdiction; the numbers and words come from the rule.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Fact, RuleResult, Status
from pingtai_cli.core.patterns import search
from pingtai_cli.rules.schema import Rule
from pingtai_cli.vocab import label_of

Facts = dict[str, Fact]
OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
OP_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"}


def _result(rule: Rule, status: Status, facts: Facts, **kw: Any) -> RuleResult:
    fields = [rule.field] if rule.field else []
    evidence = kw.pop("evidence", None) or [facts[f].evidence for f in fields if f in facts and facts[f].evidence]
    return RuleResult(
        id=rule.code,
        name=rule.title,
        article=rule.article,
        quote=rule.quote,
        fields=fields,
        status=status,
        unit=rule.unit,
        fix=rule.fix,
        evidence=[e for e in evidence if e is not None],
        **kw,
    )


def _missing(rule: Rule, facts: Facts, required: str | None = None) -> RuleResult:
    label = label_of(rule.field or "")
    return _result(rule, "missing", facts, required=required, message=f"缺少数据：申请表未填写或无法读取“{label}”。")


def effective_value(rule: Rule, facts: Facts) -> tuple[float, Rule | Any]:
    """The threshold in force for this dossier: a variant whose `when` holds overrides `value`."""
    for v in rule.variants:
        fact = facts.get(v.when.field)
        if fact is not None and fact.value == v.when.equals:
            return v.value, v
    assert rule.value is not None
    return rule.value, rule


def _region_unknown(rule: Rule, facts: Facts, actual: float, ok: bool) -> str | None:
    """When a regional variant would decide otherwise and the applicant's region is not known
    (no credit code, or one that names only the province), the threshold is for a person to settle."""
    for v in rule.variants:
        if v.when.region and v.when.field not in facts and OPS[rule.op](actual, v.value) != ok:
            return (f"但无法由统一社会信用代码确定是否属于{v.when.region}：属于时门槛为{fmt(v.value)}{rule.unit or ''}"
                    f"（{v.article}：“{v.quote}”），否则为{fmt(rule.value)}{rule.unit or ''}，两者结论不同，待人工审核。")
    return None


def gap_text(op: str, actual: float, required: float, unit: str | None) -> str:
    diff = abs(required - actual)
    unit_word = "个百分点" if unit == "%" else (unit or "")
    word = "差" if op in (">=", ">") else "超出"
    return f"{word} {fmt(round(diff, 4))} {unit_word}".strip()


def check_threshold(rule: Rule, facts: Facts) -> RuleResult:
    value, source = effective_value(rule, facts)
    required = f"{rule.op} {fmt(value)}"
    fact = facts.get(rule.field or "")
    if fact is None:
        return _listed_only(rule, facts, value, required) or _missing(rule, facts, required)
    actual = fact.value
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return _missing(rule, facts, required)
    ok = OPS[rule.op](actual, value)
    label = fact.label or (rule.labels[0] if rule.labels else label_of(rule.field or ""))
    unit = rule.unit or ""
    unsure = _region_unknown(rule, facts, float(actual), ok)
    if unsure:
        return _result(rule, "review", facts, actual=actual, required=required, message=f"{label} {fmt(actual)}{unit}，{unsure}")
    cited = "" if source is rule else f"（按{source.article}：{source.quote}）"
    undecided = _variant_undecided(rule, facts, float(actual), ok, value)
    if undecided is not None:
        msg = (
            f"{label} {fmt(actual)}{unit}：按{undecided.article}“{undecided.quote}”要求{OP_WORDS[rule.op]}"
            f"{fmt(undecided.value)}{unit}，否则{OP_WORDS[rule.op]}{fmt(value)}{unit}，结论不同；"
            f"申请表未能说明是否属于该情形（{label_of(undecided.when.field)}），请评审人员确认。"
        )
        return _result(rule, "review", facts, actual=actual, required=required, message=msg)
    listed = _by_the_lists(rule, facts, fact, float(actual), value, ok, required, cited)
    if listed is not None:
        return listed
    upper = facts.get(f"{rule.field}_upper")  # the value is known only within bounds
    if upper is not None and isinstance(upper.value, int | float) and OPS[rule.op](upper.value, value) != ok:
        msg = (
            f"{label}在 {fmt(actual)}～{fmt(upper.value)}{unit} 之间（日期只写到月：“{fact.raw}”），"
            f"要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}：按该月不同日子结论不同，请核对营业执照上的具体日期。"
        )
        return _result(rule, "review", facts, actual=actual, required=required, message=msg)
    if ok:
        msg = f"{label} {fmt(actual)}{unit}，{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}。"
        return _result(rule, "pass", facts, actual=actual, required=required, message=msg)
    gap = gap_text(rule.op, float(actual), value, rule.unit)
    msg = f"{label} {fmt(actual)}{unit}，要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}，{gap}。"
    return _result(rule, "fail", facts, actual=actual, required=required, message=msg, gap=gap)


def _variant_undecided(rule: Rule, facts: Facts, actual: float, ok: bool, value: float) -> Any:
    """A variant whose condition the dossier claims but leaves undecided (`<field>_unknown`: a
    renewal whose last recognition has no year), and whose value decides otherwise. A condition
    the dossier says nothing about is simply not met: the rule's own value applies."""
    for v in rule.variants:
        if f"{v.when.field}_unknown" in facts and OPS[rule.op](actual, v.value) != ok:
            return v
    return None


def _by_the_lists(
    rule: Rule, facts: Facts, fact: Fact, actual: float, value: float, ok: bool, required: str, cited: str
) -> RuleResult | None:
    """A typed figure against what the list sheets show (derive._derive_from_lists): a list that
    caps the figure decides; one that need not be complete sends a differing outcome to review."""
    label, unit = label_of(rule.field or ""), rule.unit or ""
    cap = facts.get(f"{rule.field}_cap")
    if cap is not None and isinstance(cap.value, int | float) and actual > cap.value + 0.01:
        by_list = OPS[rule.op](cap.value, value)
        head = f"申请表{label} {fmt(actual)}{unit}，但{cap.raw}，与申请表不一致；按名单判断"
        evidence = [e for e in (fact.evidence, cap.evidence) if e]
        if by_list:
            msg = f"{head}，{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}。"
            return _result(rule, "pass", facts, actual=cap.value, required=required, message=msg, evidence=evidence)
        gap = gap_text(rule.op, float(cap.value), value, rule.unit)
        msg = f"{head}，要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}，{gap}。"
        return _result(rule, "fail", facts, actual=cap.value, required=required, message=msg, gap=gap, evidence=evidence)
    seen = facts.get(f"{rule.field}_list")
    if seen is not None and isinstance(seen.value, int | float) and OPS[rule.op](seen.value, value) != ok:
        msg = (
            f"申请表{label} {fmt(actual)}{unit}，{seen.raw}，两者不一致且结论不同"
            f"（要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}）：请核对名单与申请表，由评审人员确认。"
        )
        evidence = [e for e in (fact.evidence, seen.evidence) if e]
        return _result(rule, "review", facts, actual=actual, required=required, message=msg, evidence=evidence)
    return None


def _listed_only(rule: Rule, facts: Facts, value: float, required: str) -> RuleResult | None:
    """No figure in the 申请表, but a list shows a count (derive._count_from_lists): evidence for
    the reviewer, not a decision, since the list need not be complete nor be of that year."""
    seen = facts.get(f"{rule.field}_list")
    if seen is None or not isinstance(seen.value, int | float) or isinstance(seen.value, bool):
        return None
    label, unit = label_of(rule.field or ""), rule.unit or ""
    ok = OPS[rule.op](seen.value, value)
    where = f"（{seen.evidence.describe()}）" if seen.evidence else ""
    outcome = "已达到" if ok else "未达到"
    msg = (
        f"申请表未填写{label}；{seen.raw}{where}，按名单计数{outcome}要求（{OP_WORDS[rule.op]}{fmt(value)}{unit}）。"
        f"名单未必完整、未必只含该年度，不能代替申请表数字：请评审人员核对名单，并请申报单位在申请表中填写{label}。"
    )
    evidence = [seen.evidence] if seen.evidence else None
    return _result(rule, "review", facts, actual=seen.value, required=required, message=msg, evidence=evidence)


def check_flag(rule: Rule, facts: Facts) -> RuleResult:
    fact = facts.get(rule.field or "")
    if fact is None or not isinstance(fact.value, bool):
        return _missing(rule, facts, "是")
    label = label_of(rule.field or "")
    shown = fact.raw if fact.raw and not isinstance(fact.value, bool) else fmt(fact.value)
    if fact.raw and rule.field == "is_legal_person":
        shown = f"单位性质为“{fact.raw}”"
    if fact.value:
        return _result(rule, "pass", facts, actual=True, required="是", message=f"{label}：{shown}。")
    return _result(rule, "fail", facts, actual=False, required="是", message=f"{label}：{shown}，不满足“{rule.title}”。")


def check_review(rule: Rule, facts: Facts) -> RuleResult:
    return _result(rule, "review", facts, message=f"定性条件，需评审人员核实：{rule.title}。")


NONE_WORDS = {"无", "没有", "暂无", "否", "none", "-", "—", "/"}


# A recognition still applied for is not one obtained (已获认定). 申报中小企业… and
# 认定中小企业… are ordinary phrases, not "being applied for".
PENDING_RE = re.compile(r"拟申|拟参|正在申|申请中(?!小)|申报中(?!小)|待认定|准备申|计划申|将申")
_PENDING_ASIDE = re.compile(r"[（(][^）)]*?(?:" + PENDING_RE.pattern + r")[^）)]*[）)]")
_CLAUSES = re.compile(r"[，,；;]")


def _obtained(line: str) -> str:
    """The part of a line that names what was obtained: `…示范平台（2025年拟申报国家级）` keeps
    the platform, a clause or aside about a pending application is dropped."""
    line = _PENDING_ASIDE.sub("", line)
    return "，".join(c for c in _CLAUSES.split(line) if not PENDING_RE.search(c))


def _lines(fact: Fact) -> list[str]:
    value = fact.value
    items = value if isinstance(value, list) else [value]
    return [str(x).strip() for x in items if str(x).strip() and str(x).strip().lower() not in NONE_WORDS]


def _matching(patterns: list[str], lines: list[str]) -> list[str]:

    return [line for line in lines if any(search(p, _obtained(line)) for p in patterns)]


def _sorted_lines(rule: Rule, lines: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(lines the text names, lines it may name, the rest): `patterns`, `review_patterns`, neither."""
    named = _matching(rule.patterns, lines)
    maybe = [x for x in _matching(rule.review_patterns, lines) if x not in named]
    rest = [x for x in lines if x not in named and x not in maybe]
    return named, maybe, rest


def check_text_match(rule: Rule, facts: Facts) -> RuleResult:
    """Requirement form: what the text names passes, what it may name goes to review, what it does
    not name does not pass. A rule without `review_patterns` sends every unmatched line to review."""
    fact = facts.get(rule.field or "")
    if fact is None:
        return _missing(rule, facts, "相关认定")
    lines = _lines(fact)
    named, maybe, rest = _sorted_lines(rule, lines)
    if named:
        return _result(rule, "pass", facts, actual=named, required="相关认定", message=f"已获认定：{fmt(named)}。")
    pending = [line for line in lines if not _obtained(line).strip()]
    if pending and pending == lines:
        msg = f"“{fmt(pending)}”尚在申请，不是已获得的认定，不满足“{rule.title}”。"
        return _result(rule, "fail", facts, actual=pending, required="相关认定", message=msg)
    unclear = maybe if rule.review_patterns else [x for x in lines if x not in pending]
    if unclear:
        msg = (
            f"已获认定“{fmt(unclear)}”不是{rule.article}写明的认定，是否属于“{rule.title}”"
            f"需认定机关判断；请附认定文件，由评审人员核实。"
        )
        return _result(rule, "review", facts, actual=unclear, required="相关认定", message=msg)
    if lines:
        msg = f"已获认定“{fmt(lines)}”不属于{rule.article}所列的认定（“{rule.quote}”），不满足“{rule.title}”。"
        return _result(rule, "fail", facts, actual=lines, required="相关认定", message=msg)
    return _result(rule, "fail", facts, actual=[], required="相关认定", message=f"未填写任何已获认定，不满足“{rule.title}”。")


def matches_exclusion(rule: Rule, facts: Facts) -> RuleResult:
    """Exclusion form: the rule *applies* (status fail) when a line names what the text names; a
    line that may name it is for review; no data at all is missing data, not 'no exclusion'."""
    fact = facts.get(rule.field or "")
    if fact is None or (not _lines(fact) and not _said_none(fact)):
        label = label_of(rule.field or "")
        msg = f"缺少数据：未填写“{label}”，无法判断是否属于“{rule.title}”；没有任何认定请填写“无”。"
        return _result(rule, "missing", facts, actual=[], message=msg)
    lines = _lines(fact)
    named, maybe, _ = _sorted_lines(rule, lines)
    if named:
        return _result(rule, "fail", facts, actual=named, message=f"已获“{fmt(named)}”，属于“{rule.title}”。")
    if maybe:
        msg = f"已获“{fmt(maybe)}”可能属于“{rule.title}”（{rule.article}），需评审人员核实认定级别和名称。"
        return _result(rule, "review", facts, actual=maybe, message=msg)
    return _result(rule, "pass", facts, actual=lines, message="未发现排除情形。")


def _said_none(fact: Fact) -> bool:
    value = fact.value
    items = value if isinstance(value, list) else [value]
    return any(str(x).strip().lower() in NONE_WORDS for x in items)


def check_one_of(rule: Rule, facts: Facts) -> RuleResult:
    fact = facts.get(rule.field or "")
    if fact is None:
        return _missing(rule, facts, "、".join(rule.allowed))
    text = str(fact.value)
    ok = any(a in text for a in rule.allowed)
    status: Status = "pass" if ok else "fail"
    return _result(rule, status, facts, actual=text, required="、".join(rule.allowed), message=f"{label_of(rule.field or '')}：{text}。")


AREA_WORDS = {"in": "在本地区", "out": "不在本地区", "conflict": "信用代码与地址不一致", "unknown": "无法确定"}


def check_in_area(rule: Rule, facts: Facts) -> RuleResult:
    """Registered inside the ruleset's `area`, by GB/T 2260 division (derive.area_fact)."""
    fact = facts.get("registered_area")
    if fact is None:
        msg = "缺少数据：申请表未填写“所在地区”“注册地址”或统一社会信用代码，无法判断注册登记地。"
        return _result(rule, "missing", facts, required=rule.title, message=msg)
    shown = fact.raw or ""
    status: Status
    if fact.value == "in":
        status, msg = "pass", f"{shown}：在本办法的地区范围内。"
    elif fact.value == "out":
        status, msg = "fail", f"{shown}：不在本办法的地区范围内，不满足“{rule.title}”。"
    elif fact.value == "conflict":
        status = "review"
        msg = f"{shown}：统一社会信用代码与地址所指的行政区划不一致，请核对营业执照，由评审人员确认注册登记地。"
    else:
        status = "review"
        msg = f"{shown}：无法确定是否“{rule.title}”，请把“所在地区”写到县（市、区），如“河南省许昌市长葛市”。"
    actual = AREA_WORDS.get(str(fact.value))
    return _result(rule, status, facts, actual=actual, required=rule.title, message=msg)


def _branch_claimed(results: list[RuleResult]) -> bool:
    """An alternative the dossier gives no data for at all is not one it claims."""
    measured = [r for r in results if not _qualitative(r)]
    return not measured or any(r.status != "missing" for r in measured)


def check_any_of(rule: Rule, facts: Facts) -> RuleResult:
    """Alternatives: passes when every rule of one option passes. An option the dossier gives no
    data for is not claimed: a measured shortfall in the other is then a failure with its gap."""
    options: list[dict[str, Any]] = []
    statuses: list[Status] = []
    gaps: list[str] = []
    for opt in rule.options:
        results = [evaluate_rule(r, facts) for r in opt.rules]
        branch = combine_results(results)
        if branch == "missing" and not _branch_claimed(results):
            branch = "fail"
            options.append({"name": opt.name, "status": "fail", "claimed": False, "conditions": [r.to_dict() for r in results]})
        else:
            options.append({"name": opt.name, "status": branch, "conditions": [r.to_dict() for r in results]})
            gaps += [f"{opt.name}：{r.gap}" for r in results if r.status == "fail" and r.gap]
        statuses.append(branch)
    if all(o.get("claimed") is False for o in options):  # no data for any alternative
        statuses = ["missing"]
        for o in options:
            o["status"] = "missing"
            o.pop("claimed")
    status: Status = (
        "pass" if "pass" in statuses else "review" if "review" in statuses
        else "missing" if "missing" in statuses else "fail"
    )
    passed = [str(o["name"]) for o in options if o["status"] == "pass"]
    words = "；".join(
        f"{o['name']}（{'未申报、无数据' if o.get('claimed') is False else _status_word(str(o['status']))}）" for o in options
    )
    msg = f"满足“{passed[0]}”条件。" if passed else f"各备选条件均未满足：{words}"
    gap = "；".join(gaps) if status == "fail" and gaps else None
    if gap:
        msg += f"（{gap}）"
    return _result(rule, status, facts, message=msg, options=options, gap=gap)


STATUS_WORDS = {"pass": "满足", "fail": "不满足", "missing": "缺少数据", "review": "待人工审核", "relaxable": "可放宽"}


def _status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def _qualitative(r: RuleResult) -> bool:
    """A review item that tests no field (健全的管理制度): shown, never deciding."""
    return r.status == "review" and not r.fields


def combine(statuses: list[Status]) -> Status:
    """All-of: fail beats review beats missing beats pass (statuses of measured rules)."""
    order: tuple[Status, ...] = ("fail", "review", "missing", "relaxable")
    return next((status for status in order if status in statuses), "pass")


def combine_results(results: list[RuleResult]) -> Status:
    """All-of over results: qualitative review items don't decide, an unresolved measurable one does."""
    return combine([r.status for r in results if not _qualitative(r)])


KINDS: dict[str, Callable[[Rule, Facts], RuleResult]] = {
    "threshold": check_threshold,
    "flag": check_flag,
    "review": check_review,
    "text_match": check_text_match,
    "one_of": check_one_of,
    "any_of": check_any_of,
    "in_area": check_in_area,
}

HOW_WORDS = {"ocr": "由OCR识别", "unit_inferred": "单位系推断", "text": "取自文字层", "typed": "由申请人填写"}


def tested_field(rule: Rule) -> str | None:
    """The fact a rule decides on (in_area decides on the derived registered_area)."""
    return "registered_area" if rule.check == "in_area" else rule.field


def evaluate_rule(rule: Rule, facts: Facts) -> RuleResult:
    """Run one rule, show the other readings of an ambiguous clause beside the result, and leave
    undecided what rests on an uncertain reading or on a clause whose readings disagree."""
    result = KINDS[rule.check](rule, facts)
    for reading in rule.readings:
        note, agrees = _reading_note(rule, reading, facts, result.status)
        result.notes.append(note)
        if not agrees:
            result.disputed.append(note)
    if result.status in ("pass", "fail"):
        _other_label(rule, result, facts)
    if result.status in ("pass", "fail"):
        _unsure_reading(rule, result, facts)
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
    result.message += f" 该值读取不确定（{places}），按此读数为“{outcome}”，请核对原件后确认。"
    result.status = "review"
    if not result.evidence and fact.evidence:
        result.evidence = [fact.evidence]


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
