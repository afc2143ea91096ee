"""The check kinds that ruleset entries pick by name (`check: threshold` …).

Each kind is a small pure function: (rule, facts) → RuleResult. None of them
knows a jurisdiction; the numbers and words come from the rule.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from .factkeys import label_of
from .models import Fact, RuleResult, Status
from .ruleset import Rule

Facts = dict[str, Fact]
OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
OP_WORDS = {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "等于"}


def fmt(value: Any) -> str:
    """320.0 → '320', 0.5 → '0.5', True → '是'."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return "；".join(str(v) for v in value) or "（空）"
    return str(value)


def _result(rule: Rule, status: Status, facts: Facts, **kw: Any) -> RuleResult:
    fields = [rule.field] if rule.field else []
    evidence = [facts[f].evidence for f in fields if f in facts and facts[f].evidence]
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
        return _missing(rule, facts, required)
    actual = fact.value
    if not isinstance(actual, int | float) or isinstance(actual, bool):
        return _missing(rule, facts, required)
    ok = OPS[rule.op](actual, value)
    label = label_of(rule.field or "")
    unit = rule.unit or ""
    unsure = _region_unknown(rule, facts, float(actual), ok)
    if unsure:
        return _result(rule, "review", facts, actual=actual, required=required, message=f"{label} {fmt(actual)}{unit}，{unsure}")
    cited = "" if source is rule else f"（按{source.article}：{source.quote}）"
    if ok:
        msg = f"{label} {fmt(actual)}{unit}，{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}。"
        return _result(rule, "pass", facts, actual=actual, required=required, message=msg)
    gap = gap_text(rule.op, float(actual), value, rule.unit)
    msg = f"{label} {fmt(actual)}{unit}，要求{OP_WORDS[rule.op]}{fmt(value)}{unit}{cited}，{gap}。"
    return _result(rule, "fail", facts, actual=actual, required=required, message=msg, gap=gap)


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


def _matching(rule: Rule, lines: list[str]) -> list[str]:
    from .patterns import search  # RE2: a ruleset's pattern runs in linear time

    return [line for line in lines if any(search(p, _obtained(line)) for p in rule.patterns)]


def check_text_match(rule: Rule, facts: Facts) -> RuleResult:
    """Requirement form: a line matching a pattern passes; lines that match none go to review."""
    fact = facts.get(rule.field or "")
    if fact is None:
        return _missing(rule, facts, "相关认定")
    lines = _lines(fact)
    hits = _matching(rule, lines)
    if hits:
        return _result(rule, "pass", facts, actual=hits, required="相关认定", message=f"已获认定：{fmt(hits)}。")
    pending = [line for line in lines if not _obtained(line).strip()]
    if pending and pending == lines:
        msg = f"“{fmt(pending)}”尚在申请，不是已获得的认定，不满足“{rule.title}”。"
        return _result(rule, "fail", facts, actual=pending, required="相关认定", message=msg)
    if lines:
        msg = f"已获认定“{fmt(lines)}”无法自动判断是否属于“{rule.title}”，请人工核实。"
        return _result(rule, "review", facts, actual=lines, required="相关认定", message=msg)
    return _result(rule, "fail", facts, actual=[], required="相关认定", message=f"未填写任何已获认定，不满足“{rule.title}”。")


def matches_exclusion(rule: Rule, facts: Facts) -> RuleResult:
    """Exclusion form: the rule *applies* (status fail) when any line matches a pattern."""
    fact = facts.get(rule.field or "")
    lines = _lines(fact) if fact else []
    hits = _matching(rule, lines)
    if hits:
        return _result(rule, "fail", facts, actual=hits, message=f"已获“{fmt(hits)}”，属于“{rule.title}”。")
    return _result(rule, "pass", facts, actual=lines, message="未发现排除情形。")


def check_one_of(rule: Rule, facts: Facts) -> RuleResult:
    fact = facts.get(rule.field or "")
    if fact is None:
        return _missing(rule, facts, "、".join(rule.allowed))
    text = str(fact.value)
    ok = any(a in text for a in rule.allowed)
    status: Status = "pass" if ok else "fail"
    return _result(rule, status, facts, actual=text, required="、".join(rule.allowed), message=f"{label_of(rule.field or '')}：{text}。")


def check_any_of(rule: Rule, facts: Facts) -> RuleResult:
    """Alternatives: passes when every rule of one option passes."""
    options: list[dict[str, Any]] = []
    statuses: list[Status] = []
    for opt in rule.options:
        results = [evaluate_rule(r, facts) for r in opt.rules]
        branch = combine([r.status for r in results])
        statuses.append(branch)
        options.append({"name": opt.name, "status": branch, "conditions": [r.to_dict() for r in results]})
    status: Status = "pass" if "pass" in statuses else "missing" if "missing" in statuses else "fail"
    passed = [str(o["name"]) for o in options if o["status"] == "pass"]
    words = "；".join(f"{o['name']}（{_status_word(str(o['status']))}）" for o in options)
    msg = f"满足“{passed[0]}”条件。" if passed else f"各备选条件均未满足：{words}"
    return _result(rule, status, facts, message=msg, options=options)


STATUS_WORDS = {"pass": "满足", "fail": "不满足", "missing": "缺少数据", "review": "待人工审核", "relaxable": "可放宽"}


def _status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def combine(statuses: list[Status]) -> Status:
    """All-of: fail beats missing beats pass; review items don't decide."""
    if "fail" in statuses:
        return "fail"
    if "missing" in statuses:
        return "missing"
    return "pass"


KINDS: dict[str, Callable[[Rule, Facts], RuleResult]] = {
    "threshold": check_threshold,
    "flag": check_flag,
    "review": check_review,
    "text_match": check_text_match,
    "one_of": check_one_of,
    "any_of": check_any_of,
}


def evaluate_rule(rule: Rule, facts: Facts) -> RuleResult:
    """Run one rule, then show the other readings of an ambiguous clause beside the result."""
    result = KINDS[rule.check](rule, facts)
    for reading in rule.readings:
        note, agrees = _reading_note(rule, reading, facts, result.status)
        result.notes.append(note)
        if not agrees:
            result.disputed.append(note)
    return result


def _reading_note(rule: Rule, reading: Any, facts: Facts, status: Status = "pass") -> tuple[str, bool]:
    """(the note, whether this reading decides as the encoded one does)."""
    field = reading.field or rule.field
    fact = facts.get(field or "")
    head = f"另一读法（{reading.article}：“{reading.quote}”）：{reading.note}"
    if fact is None or reading.value is None or not isinstance(fact.value, int | float):
        return head, True
    ok = OPS[rule.op](fact.value, reading.value)
    met = "也满足" if status == "pass" else "满足"
    verdict = met if ok else f"不满足（{gap_text(rule.op, float(fact.value), reading.value, rule.unit)}）"
    agrees = ok == (status == "pass") or status not in ("pass", "fail")
    return f"{head} 按此读法要求{OP_WORDS[rule.op]}{fmt(reading.value)}{rule.unit or ''}，本申报{verdict}。", agrees
