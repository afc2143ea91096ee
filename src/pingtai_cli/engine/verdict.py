"""Facts + ruleset + as-of date → per-rule results and the verdict (spec §3). No I/O.

The engine knows check kinds, never a jurisdiction: every number, word and
article comes from the ruleset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pingtai_cli.core.models import (
    VERDICT_WORDS,
    CheckResult,
    Dossier,
    Fact,
    Finding,
    FunctionResult,
    FunctionsResult,
    RuleResult,
    Verdict,
)
from pingtai_cli.engine.checks import _qualitative, evaluate_rule, matches_exclusion
from pingtai_cli.engine.consistency import (
    FORMS_DIFFER,
    Rival,
    contest_message,
    cross_check,
    governed_note,
    governs,
    rival_findings,
    rivals,
)
from pingtai_cli.engine.derive import (
    declared_functions,
    derive,
    derive_declared,
    read_declared,
    yearly_findings,
)
from pingtai_cli.engine.materials_check import (
    check_materials,
    contradicted,
    list_minimum_findings,
    submission_month_findings,
)
from pingtai_cli.rules.kinds import kind_of
from pingtai_cli.rules.kinds.in_area import AREA_FACT
from pingtai_cli.rules.schema import Rule, Ruleset
from pingtai_cli.vocab import function_of as normalise_function

Facts = dict[str, Fact]


def apply_relaxation(result: RuleResult, rule: Rule, ruleset: Ruleset, facts: Facts) -> RuleResult:
    """A failing rule whose relaxation the dossier claims becomes `relaxable`, citing the clause."""
    if result.status != "fail":
        return result
    for code in rule.relaxable_by:
        relax = ruleset.relaxation(code)
        if relax and all(facts.get(f) is not None and facts[f].value is True for f in relax.flags):
            result.status = "relaxable"
            result.notes.append(f"申报单位声明适用放宽条款（{relax.article}：“{relax.quote}”），由认定机关裁量。")
            return result
    return result


@dataclass(frozen=True)
class World:
    """The facts of a dossier read with one side of a `Rival` throughout, and with the other."""

    rival: Rival
    used: Facts
    other: Facts


def run_rule(rule: Rule, ruleset: Ruleset, facts: Facts, worlds: tuple[World, ...] = ()) -> RuleResult:
    """A rule's result, contested where its outcome depends on which of two places a fact is
    taken from (`World`): review naming both, unless the ruleset says which document governs."""
    result = apply_relaxation(evaluate_rule(rule, facts), rule, ruleset, facts)
    for world in worlds:
        used = apply_relaxation(evaluate_rule(rule, world.used), rule, ruleset, world.used)
        other = apply_relaxation(evaluate_rule(rule, world.other), rule, ruleset, world.other)
        if used.status != other.status:
            result = _contested(result, rule, ruleset, world.rival, used, other)
    return result


def _contested(result: RuleResult, rule: Rule, ruleset: Ruleset, rival: Rival, used: RuleResult, other: RuleResult) -> RuleResult:
    """The governing document's result (read with certainty), else review with both outcomes."""
    evidence = [e for e in (rival.used.evidence, rival.other.evidence) if e]
    rule_of = governs(ruleset, rival.key, rival.material)
    if rule_of is not None and not rival.other.uncertain:
        other.message += " " + governed_note(rival, rule_of)
        other.evidence = list(dict.fromkeys([*other.evidence, *evidence]))
        return other
    if result.status == "review":  # already a question (an inferred unit, another rival): one more
        result.message += " " + contest_message(rival, rule.title, used, other)
    else:
        result.message = contest_message(rival, rule.title, used, other)
    result.status, result.gap = "review", None
    result.evidence = list(dict.fromkeys([*result.evidence, *evidence]))
    return result


def facts_of(dossier: Dossier, ruleset: Ruleset, as_of: date) -> tuple[Facts, list[Finding]]:
    """Every fact a rule may test (derived and declared ones included), and the findings of
    reading the ruleset's declared facts."""
    facts = derive(dossier, as_of, ruleset=ruleset)
    findings = read_declared(ruleset, dossier, facts)
    derive_declared(ruleset, dossier, facts)
    return facts, findings


def worlds_of(dossier: Dossier, ruleset: Ruleset, as_of: date, facts: Facts, found: list[Rival]) -> tuple[World, ...]:
    """Each rival's two readings of the dossier (`facts`: the dossier as read)."""
    out = []
    for rival in found:
        used, other = rival.worlds(dossier)
        used_facts = facts if used is dossier else facts_of(used, ruleset, as_of)[0]
        out.append(World(rival, used_facts, facts_of(other, ruleset, as_of)[0]))
    return tuple(out)


def required_functions(ruleset: Ruleset, facts: Facts) -> tuple[int, int]:
    """(required, worst case): the count rule, by platform type when the text distinguishes."""
    count = ruleset.functions.count
    if not count.by_platform_type:
        return count.min, count.min
    ptype = facts.get("platform_type")
    if ptype is not None:
        for name, n in count.by_platform_type.items():
            if name in str(ptype.value):
                return n, n
    values = list(count.by_platform_type.values())
    return min(values), max(values)


def function_status(results: list[RuleResult], rules: list[Rule]) -> str:
    """One function's status from its conditions: fail > missing > review > pass. A prerequisite
    in words (具有培训资质或…备案) that no evidence settles leaves the function met only pending review."""
    measured = [r.status for r in results if not _qualitative(r)]
    if "fail" in measured or "relaxable" in measured:
        return "fail"
    if "missing" in measured:
        return "missing"
    prerequisites = {r.code for r in rules if r.prerequisite}
    if "review" in measured or any(r.id in prerequisites and r.status == "review" for r in results):
        return "review"
    return "pass"


def evaluate_functions(
    ruleset: Ruleset, facts: Facts, declared: set[str], worlds: tuple[World, ...] = ()
) -> FunctionsResult:
    items = []
    for fr in ruleset.functions.items:
        is_declared = not declared or fr.function in declared
        results = [run_rule(r, ruleset, facts, worlds) for r in fr.rules]
        measured_status = "review" if not fr.rules else function_status(results, fr.rules)  # not encoded yet
        status = measured_status if is_declared else "not_declared"
        items.append(FunctionResult(fr.function, fr.name, fr.article, status, is_declared, results, measured_status))  # type: ignore[arg-type]
    unencoded = _count_not_encoded(ruleset)
    if unencoded:
        status, article, message = unencoded
        return FunctionsResult(0, sum(1 for i in items if i.status == "pass"), status, article, message, items)  # type: ignore[arg-type]
    low, high = required_functions(ruleset, facts)
    met = sum(1 for i in items if i.status == "pass")
    pending = [i for i in items if i.status == "review"]
    open_ = sum(1 for i in items if i.status == "missing")
    relaxed = sum(1 for i in items if i.declared and _only_relaxable(i))
    count = ruleset.functions.count
    basis = f"{count.article}：“{count.quote}”"
    if met >= high:
        return FunctionsResult(high, met, "pass", count.article, f"满足 {met} 项服务功能，要求至少 {high} 项（{basis}）。", items)
    if met >= low:  # platform type unknown: the count rule itself cannot be decided
        msg = f"满足 {met} 项服务功能；平台类型未填写，要求为 {low}～{high} 项（{basis}），请填写“平台类型”。"
        return FunctionsResult(high, met, "missing", count.article, msg, items)
    if met + len(pending) >= low:
        names = "、".join(i.name for i in pending)
        msg = (
            f"确定满足 {met} 项，{names}的可量化要求满足但尚有前提条件或读数待核实，"
            f"要求至少 {low} 项（{basis}）：核实后方可确认。"
        )
        return FunctionsResult(low, met, "review", count.article, msg, items)
    if met + len(pending) + open_ >= low:
        msg = f"已满足 {met} 项，另有 {open_} 项缺少数据，要求至少 {low} 项（{basis}）。"
        return FunctionsResult(low, met, "missing", count.article, msg, items)
    if met + relaxed >= low:
        msg = f"仅满足 {met} 项，要求至少 {low} 项；未达标项申报单位已声明适用放宽条款（{basis}）。"
        return FunctionsResult(low, met, "relaxable", count.article, msg, items)
    msg = f"仅满足 {met} 项服务功能，要求至少 {low} 项（{basis}）。"
    return FunctionsResult(low, met, "fail", count.article, msg, items)


def _count_not_encoded(ruleset: Ruleset) -> tuple[str, str, str] | None:
    """(status, article, message) when the count rule cannot be applied as written: the text sets
    none (`min: 0`), or the ruleset lists fewer functions than it requires (not yet encoded)."""
    count, items = ruleset.functions.count, ruleset.functions.items
    basis = f"{count.article}：“{count.quote}”"
    if count.min == 0 and not count.by_platform_type:
        return "pass", count.article, f"文本未规定须满足几项服务功能（{basis}），服务功能仅供参考，不影响结论。"
    need = max([count.min, *count.by_platform_type.values()])
    if len(items) < need or any(not i.rules for i in items):
        msg = (f"服务功能要求尚未编码（规则文件列出 {len(items)} 项服务功能，"
               f"{'部分没有规则，' if any(not i.rules for i in items) else ''}而{basis}），无法判断，待人工审核。")
        return "review", count.article, msg
    return None


def encoding_gaps(ruleset: Ruleset) -> list[str]:
    """What the ruleset says it has not encoded or not confirmed: a verdict cannot rest on it."""
    gaps = []
    if ruleset.status == "draft":
        gaps.append(f"规则文件《{ruleset.document.title}》为草稿（status: draft），尚未逐条与原文核对确认。")
    drafts = ruleset.draft_codes()
    if drafts and ruleset.status != "draft":
        gaps.append(f"以下规则为草稿、待确认：{'、'.join(drafts[:12])}{'等' if len(drafts) > 12 else ''}。")
    for n in ruleset.not_encoded:
        gaps.append(f"{n.article + ' ' if n.article else ''}{n.section}尚未编码：{n.note}")
    count = _count_not_encoded(ruleset)
    if count and count[0] == "review":
        gaps.append("服务功能要求尚未编码。")
    return gaps


def temper(verdict: Verdict, reasons: list[str], ruleset: Ruleset, conditions: list[RuleResult],
           exclusions: list[RuleResult]) -> tuple[Verdict, list[str]]:
    """Never a confident verdict resting on a half-written ruleset: `eligible` with anything not
    encoded or not confirmed, and `ineligible` resting only on draft rules, become `review`."""
    gaps = encoding_gaps(ruleset)
    if not gaps or verdict not in ("eligible", "ineligible"):
        return verdict, reasons
    drafts = set(ruleset.draft_codes())
    sure = [c for c in conditions + exclusions if c.status == "fail" and c.id not in drafts]
    if verdict == "ineligible" and sure and ruleset.status != "draft":
        return verdict, reasons
    head = "规则尚未完整编码或确认，不作“符合”或“不符合”的结论：" if verdict == "eligible" else \
        "不满足的条件均来自草稿或未编码的规则，待人工核对原文后再下结论："
    kept = reasons if verdict == "ineligible" else []
    return "review", [head, *gaps, *kept]


def _only_relaxable(item: FunctionResult) -> bool:
    statuses = {c.status for c in item.conditions if not _qualitative(c)}
    return "relaxable" in statuses and statuses <= {"relaxable", "pass"}


def decide(
    conditions: list[RuleResult],
    functions: FunctionsResult,
    exclusions: list[RuleResult],
    materials_ok: bool,
    missing_materials: list[str],
    materials_review: list[str] | None = None,
) -> tuple[Verdict, list[str]]:
    """The spec's precedence: ineligible > review > incomplete > eligible, with reasons.

    `review` also when a mandatory condition that tests a field stays unresolved (a pattern that
    matched nothing, an uncertain reading, readings that disagree), when an exclusion may apply,
    when the function requirement is met only pending review, or when a required material is for
    a reviewer to judge (documents that contradict each other on an uncertain reading).
    """
    reasons: list[str] = []
    failing = [c for c in conditions if c.status == "fail"]
    applied = [e for e in exclusions if e.status == "fail"]
    reasons += [f"{c.article} {c.name}：{c.message}" for c in failing]
    reasons += [f"{e.article} {e.name}：{e.message}" for e in applied]
    if functions.status == "fail":
        reasons.append(functions.message)
    if reasons:
        return "ineligible", reasons
    relaxable = [c for c in conditions if c.status == "relaxable"]
    reasons += [f"{c.article} {c.name}：{c.message}（可放宽，待认定机关裁量）" for c in relaxable]
    if functions.status == "relaxable":
        reasons.append(functions.message)
    unresolved = [c for c in conditions if c.status == "review" and c.fields]
    unresolved += [e for e in exclusions if e.status == "review"]
    reasons += [f"{c.article} {c.name}：{c.message}（待审核）" for c in unresolved]
    if functions.status == "review":
        reasons.append(functions.message)
    reasons += materials_review or []
    missing = [c for c in conditions if c.status == "missing"]
    missing += [e for e in exclusions if e.status == "missing"]
    gaps = [f"{c.article} {c.name}：{c.message}" for c in missing]
    if functions.status == "missing":
        gaps.append(functions.message)
    gaps += missing_materials
    if reasons:  # what is missing still needs supplying whatever the reviewer decides: said too
        return "review", reasons + [f"另需补正：{g}" for g in gaps]
    if gaps or not materials_ok:
        return "incomplete", gaps
    return "eligible", ["全部可量化基本条件满足，服务功能要求满足，所需材料齐全。"]


def _unknown_functions(dossier: Dossier, ruleset: Ruleset) -> list[Finding]:
    """A declared function this text does not list is not counted: say so rather than drop it."""

    fact = dossier.facts.get("functions_declared")
    raw = fact.value if fact and isinstance(fact.value, list) else []
    listed = {item.function for item in ruleset.functions.items}
    unknown = [str(x) for x in raw if normalise_function(str(x)) not in listed]
    if not unknown:
        return []
    names = "、".join(item.name for item in ruleset.functions.items)
    msg = (
        f"申报服务功能“{'、'.join(unknown)}”不是{ruleset.functions.count.article}列出的服务功能"
        f"（{names}），未计入；请改为其中的名称。"
    )
    files = [fact.evidence.file] if fact and fact.evidence else []
    return [Finding("functions.unknown", "warning", msg, files, "functions_declared", fact.evidence if fact else None)]


def _disputed(results: list[RuleResult]) -> list[Finding]:
    """A second reading of an ambiguous clause that decides otherwise is shown as a warning,
    not only in the condition's notes: the applicant should not learn it from `-v` alone."""
    return [
        Finding(
            f"reading.{r.id}",
            "warning",
            f"{r.article} {r.name}：{note}",
            sorted({e.file for e in r.evidence}),
            r.fields[0] if r.fields else None,
            r.evidence[0] if r.evidence else None,
        )
        for r in results
        for note in r.disputed
    ]


def evaluate(dossier: Dossier, ruleset: Ruleset, as_of: date) -> CheckResult:
    """Check one dossier against one ruleset on one date."""
    facts, declared_findings = facts_of(dossier, ruleset, as_of)
    found = rivals(dossier, as_of)
    worlds = worlds_of(dossier, ruleset, as_of, facts, found)
    conditions = [run_rule(r, ruleset, facts, worlds) for r in ruleset.basic]
    conditions[:0] = _area_condition(ruleset, facts, worlds)
    functions = evaluate_functions(ruleset, facts, declared_functions(dossier), worlds)
    exclusions = [matches_exclusion(r, facts) for r in ruleset.exclusions]
    for e in exclusions:
        e.group = "exclusion"
    materials = check_materials(ruleset, dossier, facts, as_of)
    findings: list[Finding] = list(dossier.findings) + declared_findings + cross_check(dossier, ruleset, as_of)
    findings += rival_findings(dossier, as_of, found)
    findings += yearly_findings(dossier, as_of)
    findings += submission_month_findings(ruleset, dossier, as_of)
    findings += list_minimum_findings(ruleset, dossier)
    findings += _disputed(conditions + [c for item in functions.items for c in item.conditions])
    findings += _unknown_functions(dossier, ruleset)
    contradicted(materials, findings)
    if not ruleset.in_force(as_of):
        findings.insert(0, _not_in_force(ruleset, as_of))
    elif ruleset.document.in_force_until_other and as_of > ruleset.document.in_force_until_other:
        findings.insert(0, _end_disputed(ruleset, as_of))
    blocking = [m for m in materials if m.required and m.status in ("missing", "invalid")]
    missing_words = [f"{m.article} {m.name}：{'缺少' if m.status == 'missing' else '无效'}" for m in blocking]
    # spec §3: eligible only when every required material is present; one a person must still
    # judge (a seal a grey scan cannot show, a file pingtai could not check) is not yet present
    in_review = [m for m in materials if m.required and m.status == "review"]
    review_words = [f"{m.article} {m.name}：待审核（{'；'.join(m.problems) or '需人工核实'}）" for m in in_review]
    review_words += [f.message for f in findings if f.id == FORMS_DIFFER]  # which 申请表 is submitted
    findings += _undeclared_met(functions)
    _say_the_rest(ruleset, conditions, functions, exclusions, not blocking, missing_words, review_words)
    verdict, reasons = decide(conditions, functions, exclusions, not blocking, missing_words, review_words)
    verdict, reasons = temper(verdict, reasons, ruleset, conditions, exclusions)
    findings += _gap_findings(ruleset)
    org = facts.get("org_name")
    return CheckResult(
        dossier=dossier.path,
        jurisdiction=ruleset.key,
        jurisdiction_name=ruleset.name,
        document=ruleset.document.cited,
        as_of=as_of,
        verdict=verdict,
        in_force=ruleset.in_force(as_of),
        org_name=str(org.value) if org else None,
        conditions=conditions,
        functions=functions,
        exclusions=exclusions,
        materials=materials,
        findings=findings,
        facts=facts,
        files=dossier.files,
        reasons=reasons,
    )


def _area_condition(ruleset: Ruleset, facts: Facts, worlds: tuple[World, ...]) -> list[RuleResult]:
    """The text's area as a condition where no basic rule tests it (Ruleset.area_rule), listed
    only when the applicant may lie outside it: an applicant the text does not cover is never
    `eligible` under it (rulesets' readings: 注册地不在本地区)."""
    rule = ruleset.area_rule()
    fact = facts.get(AREA_FACT)
    if rule is None or fact is None or fact.value not in ("out", "conflict"):
        return []
    return [run_rule(rule, ruleset, facts, worlds)]


def _say_the_rest(ruleset: Ruleset, conditions: list[RuleResult], functions: FunctionsResult,
                  exclusions: list[RuleResult], materials_ok: bool, missing: list[str], review: list[str]) -> None:
    """A registration place left for review says what the rest of the check gives, so that the
    reviewer sees both outcomes: outside, not eligible; inside, the verdict of every other item."""
    area = {r.code for r in ruleset.basic if kind_of(r).fact_key(r) == AREA_FACT}
    area |= {rule.code} if (rule := ruleset.area_rule()) else set()
    open_ = [c for c in conditions if c.id in area and c.status == "review"]
    if not open_:
        return
    rest, _ = decide([c for c in conditions if c not in open_], functions, exclusions, materials_ok, missing, review)
    rest, _ = temper(rest, [], ruleset, [c for c in conditions if c not in open_], exclusions)
    for c in open_:
        c.message += f"其余各项的结论为“{VERDICT_WORDS[rest]}”。"


def _gap_findings(ruleset: Ruleset) -> list[Finding]:
    return [Finding("ruleset.not_encoded", "warning", g) for g in encoding_gaps(ruleset)]


def _undeclared_met(functions: FunctionsResult) -> list[Finding]:
    """Only declared functions count (spec §3). One the dossier does not declare whose data meet its
    requirement is worth declaring: say so, rather than leave the applicant to notice."""
    out = []
    for item in functions.items:
        if item.status == "not_declared" and item.would_be == "pass":
            msg = (
                f"未申报“{item.name}”，但申请表数据已满足{item.article}的要求；只有申报的服务功能才计入"
                f"（“申报服务功能”一栏）。如确实提供该项服务，可在“申报服务功能”中增加“{item.name}”。"
            )
            out.append(Finding(f"functions.undeclared_met.{item.function}", "info", msg, [], "functions_declared"))
    return out


def _end_disputed(ruleset: Ruleset, as_of: date) -> Finding:
    """The check date lies between two readings of the text's last day: in force by the one
    applied, expired by the other. A warning, never the 'not in force' error."""
    doc = ruleset.document
    other = doc.in_force_until_other.isoformat() if doc.in_force_until_other else "—"
    until = doc.in_force_until.isoformat() if doc.in_force_until else "—"
    msg = (
        f"检查日 {as_of.isoformat()}：按 {until} 为最后一日，《{doc.title}》仍在有效期内；"
        f"按另一读法最后一日为 {other}，已过有效期。{doc.in_force_until_note or ''}"
        + (f"（{doc.in_force_article}：“{doc.in_force_quote}”）" if doc.in_force_article else "")
    )
    return Finding("ruleset.in_force_end_disputed", "warning", msg)


def _not_in_force(ruleset: Ruleset, as_of: date) -> Finding:
    doc = ruleset.document
    until = doc.in_force_until.isoformat() if doc.in_force_until else "—"
    msg = (
        f"注意：检查日 {as_of.isoformat()} 不在《{doc.title}》的有效期内"
        f"（{doc.in_force_from.isoformat()} 至 {until}），结论仅供参考。"
    )
    if doc.in_force_article:
        msg += f"依据 {doc.in_force_article}：“{doc.in_force_quote}”"
    return Finding("ruleset.not_in_force", "error", msg)
