"""Facts computed from other facts, in one place: operating years, ratios, growth, function names.

Pure functions of a Dossier and the as-of date; the results are ordinary Facts
whose evidence points at the inputs they came from.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Dossier, Evidence, Fact, Finding

normalise_function = vocab.function_of  # 信息服务功能 → information (vocab/functions.yaml)


def declared_functions(dossier: Dossier) -> set[str]:
    raw = dossier.value("functions_declared") or []
    if isinstance(raw, str):
        raw = [raw]
    return {k for k in (normalise_function(str(x)) for x in raw) if k}


def years_between(start: date, end: date) -> float:
    """Whole years plus the fraction of the current one, e.g. 2019-03-15 → 2021-03-15 is 2.0."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    anniversary = _add_years(start, years)
    next_anniversary = _add_years(start, years + 1)
    fraction = (end - anniversary).days / max(1, (next_anniversary - anniversary).days)
    # Truncate, never round: a day short of two years must not show as 2.0 and pass "两年以上".
    return math.floor((years + fraction) * 100) / 100


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def full_calendar_years(start: date, as_of: date) -> int:
    """Complete calendar years (1 Jan–31 Dec) operated before as_of: 自然年度."""
    first_full = start.year if (start.month, start.day) == (1, 1) else start.year + 1
    return max(0, as_of.year - first_full)


def _ev(fact: Fact | None) -> Evidence | None:
    return fact.evidence if fact else None


# 单位性质 → legal person. A negation is read first: "不具有法人资格" contains 法人 and is not one.
_NOT_LEGAL_PERSON = ("非法人", "不具有法人", "不具备法人", "无法人", "没有法人", "不是法人", "分支机构", "分公司", "分所", "办事处", "个体工商户", "个人独资", "合伙")
# Kinds of body that are legal persons under 民法典 第七十六条至第一百条 (营利法人, 非营利法人
# 事业单位、社会团体、基金会、社会服务机构 [民办非企业单位], 特别法人) and company law.
_LEGAL_PERSON = ("法人", "事业单位", "社会团体", "民办非企业", "社会服务机构", "基金会", "有限公司", "有限责任公司", "股份有限公司", "股份公司")


def is_legal_person(org_type: str) -> bool | None:
    """单位性质 text → legal person? None when it says neither (the reviewer is asked)."""
    text = "".join(org_type.split())
    if any(w in text for w in _NOT_LEGAL_PERSON):
        return False
    if any(w in text for w in _LEGAL_PERSON):
        return True
    return None


def complete_years(yearly: list[dict[str, Any]], as_of: date) -> list[tuple[int, Any]]:
    """(year, smes_served) of the years before the check year: a row for the current year is
    partial (the year is not over) and is never taken as the latest."""
    counts = [(int(r["year"]), r["smes_served"]) for r in yearly if r.get("smes_served") is not None and r.get("year")]
    return sorted(c for c in counts if c[0] < as_of.year)


def smes_growth(yearly: list[dict[str, Any]], as_of: date) -> bool | None:
    """近两年服务企业数量稳步增长, as applied: the last complete year's count exceeds the year
    before's (the two years before the check year). None when either row is missing."""
    rows = dict(complete_years(yearly, as_of))
    last = as_of.year - 1
    if last not in rows or last - 1 not in rows:
        return None
    return rows[last] > rows[last - 1]


def smes_growth_three_years(yearly: list[dict[str, Any]], as_of: date) -> bool | None:
    """The other reading: over the three years before the check year, each exceeds the one before
    (the two steps of growth of "近两年"). None when a row is missing."""
    rows = dict(complete_years(yearly, as_of))
    years = [as_of.year - 3, as_of.year - 2, as_of.year - 1]
    if any(y not in rows for y in years):
        return None
    return rows[years[0]] < rows[years[1]] < rows[years[2]]


def _least_certain(*facts: Fact | None) -> Evidence | None:
    """The evidence a derived value inherits: an uncertain input's, so the doubt travels with it."""
    present = [f for f in facts if f is not None]
    for f in present:
        if f.uncertain:
            return f.evidence
    return present[0].evidence if present else None


def month_only(fact: Fact | None) -> bool:
    """A date written to the month only (`2019年5月`, `precision: month`): it stands for any day
    of that month."""
    from pingtai_cli.intake.sources.units import names_no_day

    if fact is None or not isinstance(fact.value, date):
        return False
    return fact.precision == "month" or (bool(fact.raw) and names_no_day(fact.raw))


def year_only(fact: Fact | None) -> bool:
    """A date written to the year only (`2017年`, `precision: year`): it stands for any day of that
    year; `value` is its 1 January, a month and day nobody wrote."""
    return fact is not None and isinstance(fact.value, date) and fact.precision == "year"


def date_text(fact: Fact) -> str:
    """A date fact as written to its precision: `2026年3月` for a month, `2017年` for a year, else
    the ISO date."""
    value = fact.value
    if year_only(fact):
        return f"{value.year}年"
    if month_only(fact):
        return f"{value.year}年{value.month}月"
    return value.isoformat() if isinstance(value, date) else str(value)


def date_span(fact: Fact) -> tuple[date, date]:
    """(first, last) day a date fact may stand for: the day itself, or its month's or year's."""
    value = fact.value
    if year_only(fact):
        return value.replace(month=1, day=1), value.replace(month=12, day=31)
    if month_only(fact):
        return value.replace(day=1), _month_end(value)
    return value, value


def growth(yearly: list[dict[str, Any]], column: str, years: int) -> bool | None:
    """A declared growth window (近三年稳定增长: years=3): the latest `years` consecutive years each
    above the one before; None (missing) when the table has fewer such years."""
    values = sorted((int(r["year"]), r[column]) for r in yearly if isinstance(r.get(column), int | float))
    latest = values[-years:]
    if len(latest) < years or latest[-1][0] - latest[0][0] != years - 1:
        return None
    return all(b[1] > a[1] for a, b in zip(latest, latest[1:], strict=False))


def _month_end(d: date) -> date:
    import calendar

    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def derive(dossier: Dossier, as_of: date, area: Any = None, ruleset: Any = None) -> dict[str, Fact]:
    """Every fact a rule may test: the dossier's own plus the derived ones. `area` is the ruleset's
    `area` (codes + name): where the applicant is registered is decided against it; `ruleset`
    (optional) names the recognition a renewal is of."""
    facts = dict(dossier.facts)
    _with_periods(dossier, facts, as_of)
    if ruleset is not None and area is None:
        area = ruleset.area
    reg = _registration(dossier, facts.get("registration_date"))
    if reg and isinstance(reg.value, date):
        # A date written to the month or the year is any day of it: the years are counted from its
        # last day (never more than is sure) and, as `<key>_upper`, from its first; a threshold
        # whose outcome differs between the two is for review (checks.check_threshold).
        first, last = date_span(reg)
        partial = "year" if year_only(reg) else "month" if month_only(reg) else None
        raw = reg.raw if partial else None
        facts["operating_years"] = Fact("operating_years", years_between(last, as_of), "年", reg.evidence, raw)
        facts["full_calendar_years"] = Fact(
            "full_calendar_years", full_calendar_years(last, as_of), "年", reg.evidence, raw
        )
        if partial:
            facts["operating_years_upper"] = Fact(
                "operating_years_upper", years_between(first, as_of), "年", reg.evidence, reg.raw, precision=partial
            )
            facts["full_calendar_years_upper"] = Fact(
                "full_calendar_years_upper", full_calendar_years(first, as_of), "年", reg.evidence, reg.raw,
                precision=partial,
            )
    total, qual = facts.get("staff_total"), facts.get("staff_qualified")
    if total and qual and isinstance(total.value, int | float) and total.value > 0:
        ratio = round(100.0 * float(qual.value) / float(total.value), 2)
        facts["staff_qualified_ratio"] = Fact(
            "staff_qualified_ratio", ratio, "%", _least_certain(qual, total), doubt=inherited_doubt(qual, total)
        )
    org = facts.get("org_type")
    if org and isinstance(org.value, str):
        legal = is_legal_person(org.value)
        if legal is not None:
            facts["is_legal_person"] = Fact("is_legal_person", legal, None, org.evidence, org.value)
    _derive_from_yearly(dossier, facts, as_of)
    _derive_from_lists(dossier, facts)
    if ruleset is not None:
        renewal = renewal_at_term_end(facts, ruleset, as_of)
        if renewal is not None:
            facts["renewal_at_term_end"] = renewal
        elif facts.get("is_renewal") is not None and facts["is_renewal"].value is True:
            # a renewal is claimed but its term cannot be told: a variant keyed on it is undecided
            claimed = facts["is_renewal"]
            facts["renewal_at_term_end_unknown"] = Fact(
                "renewal_at_term_end_unknown", True, None, claimed.evidence, "声明再次申报，但已获认定中没有上次认定的年份"
            )
    if area is not None:
        located = area_fact(facts, list(area.codes), area.name)
        if located is not None:
            facts["registered_area"] = located
    declared = declared_functions(dossier)
    if "functions_declared" in facts:
        only = declared == {"comprehensive"}
        facts["functions_only_comprehensive"] = Fact(
            "functions_only_comprehensive", only, None, _ev(facts.get("functions_declared"))
        )
    return facts


def _registration(dossier: Dossier, reg: Fact | None) -> Fact | None:
    """The 注册日期 the years are counted from: the 申请表's, or, when it is written to the month or
    the year only, the licence's exact date within it (the same date, to the day the licence
    prints; its evidence and how it was read go with it)."""
    if reg is None or not (month_only(reg) or year_only(reg)):
        return reg
    first, last = date_span(reg)
    for f in dossier.files:
        doc = f.facts.get("registration_date") if "business_license" in f.material_keys else None
        if doc is not None and isinstance(doc.value, date) and doc.precision is None and first <= doc.value <= last:
            raw = f"申请表填写“{reg.raw or date_text(reg)}”，{f.path}载明 {doc.value.isoformat()}"
            return Fact("registration_date", doc.value, None, doc.evidence, raw, also=[e for e in reg.sources])
    return reg


def _derive_from_yearly(dossier: Dossier, facts: dict[str, Fact], as_of: date) -> None:
    rows = [r for r in dossier.yearly if r.get("year")]
    evidence = dossier.list_evidence.get("yearly")
    growth = smes_growth(rows, as_of)
    last = as_of.year - 1
    if growth is not None:
        doubt = yearly_doubt(rows, "smes_served", [last - 1, last])
        facts["smes_growth"] = Fact("smes_growth", growth, None, evidence, doubt=doubt)
    three = smes_growth_three_years(rows, as_of)
    if three is not None:
        doubt = yearly_doubt(rows, "smes_served", [last - 2, last - 1, last])
        facts["smes_growth_three_years"] = Fact("smes_growth_three_years", three, None, evidence, doubt=doubt)
    if "smes_served" not in facts:  # only the last complete year stands for 年服务中小企业
        served = [r for r in rows if r.get("smes_served") is not None and int(r["year"]) == last]
        if served:
            latest = served[0]
            cell = (latest.get("cells") or {}).get("smes_served")
            ev = cell or latest.get("evidence") or evidence
            raw = cell.snippet if cell is not None and cell.snippet else f"{latest['year']}年"
            precision = (latest.get("precision") or {}).get("smes_served")
            facts["smes_served"] = Fact("smes_served", latest["smes_served"], "家", ev, raw, precision=precision)


def yearly_doubt(rows: list[dict[str, Any]], column: str, years: list[int], purpose: str = "判断逐年增长") -> str | None:
    """What a reviewer must settle of a comparison of `years` of the yearly table: a figure of one
    of them written as an approximation (约130) or a lower bound (130以上) decides no growth."""
    words = {"approximate": "是约数", "at_least": "只说明下限"}
    marked = []
    for r in rows:
        mark = (r.get("precision") or {}).get(column)
        if r.get("year") in years and mark in words:
            cell = (r.get("cells") or {}).get(column)
            written = cell.snippet if cell is not None and cell.snippet else fmt(r.get(column))
            marked.append(f"{r['year']}年“{written}”{words[mark]}")
    if not marked:
        return None
    name = vocab.get().yearly.column(column).header
    return f"运营情况表{name}中{'，'.join(marked)}，不是确切数字，不能据此{purpose}：请申报单位填写确切数字，由评审人员核实。"


def inherited_doubt(*inputs: Fact | None) -> str | None:
    """A figure computed from figures that are not exact (约20人, 20人以上) or not settled (a doubt):
    what the reviewer must settle of it."""
    said = []
    for f in inputs:
        if f is None:
            continue
        if f.precision == "approximate":
            said.append(f"“{f.raw}”是约数")
        elif f.precision == "at_least":
            said.append(f"“{f.raw}”只说明下限")
        elif f.doubt:
            said.append(f.doubt.rstrip("。"))
    if not said:
        return None
    return f"计算所用的数字中{'；'.join(said)}：按此计算的结果不是确切数字，请申报单位填写确切数字，由评审人员核实。"


def period_doubt(dossier: Dossier, fact: Fact, as_of: date) -> str | None:
    """A figure of a year-bound key (vocab `period`) that the dossier dates to another period than
    the year before the check (the year every 上一年度 figure is of): what the reviewer must settle,
    naming the period written, the one required and a figure of that period the dossier gives."""
    from pingtai_cli.intake.sources.units import period_parts

    fk = vocab.get().facts.get(fact.key)
    period = stated_period(dossier, fact)
    parts = period_parts(period) if fk is not None and fk.period and period else None
    if fk is None or parts is None:
        return None
    year, month, day, word = parts
    want = as_of.year - 1
    if year == want and month in (None, 12) and day in (None, 31) and word != "初":
        return None
    if fk.period == "year_end" and year == want + 1 and word == "初" and month is None:
        return None  # 2026年初 is the balance of 2025年末
    required = f"{want}年末" if fk.period == "year_end" else f"{want}年度"
    where = fact.evidence.describe() if fact.evidence else "申请表"
    seen = _figures_of_year(dossier, fact.key, want)
    verb = "所载" if fact.evidence and fact.evidence.page else "填写"
    return (
        f"{where}{verb}的是{period}的数字（“{fact.raw}”），本条看上一年度（{required}）的{fk.label}"
        f"（检查日 {as_of.isoformat()}）：请申报单位填写{required}的{fk.label}"
        + (f"（卷宗中{'；'.join(seen)}）" if seen else "")
        + "，由评审人员核实。"
    )


def stated_period(dossier: Dossier, fact: Fact) -> str | None:
    """The period a figure is stated for: as written with it, else, for a figure read from an audit
    report (its balance sheet), the end of the year audited."""
    if fact.period or fact.evidence is None:
        return fact.period
    for f in dossier.files:
        audited = f.facts.get("audit_year")
        if f.path == fact.evidence.file and audited is not None and f.facts.get(fact.key) is fact:
            return f"{audited.value}年末"
    return None


def _figures_of_year(dossier: Dossier, key: str, year: int) -> list[str]:
    """Where the dossier states `key` for `year`: the yearly table's row, an audit report of it."""
    out = []
    fk = vocab.get().facts[key]
    if key in vocab.get().yearly.fields:
        for r in dossier.yearly:
            if r.get("year") == year and isinstance(r.get(key), int | float):
                out.append(f"运营情况表{year}年为{fmt(r[key])}{fk.unit or ''}")
    for f in dossier.files:
        doc, audited = f.facts.get(key), f.facts.get("audit_year")
        if doc is not None and audited is not None and audited.value == year and isinstance(doc.value, int | float):
            out.append(f"{f.path}（{year}年度审计）所载{fmt(doc.value)}{doc.unit or fk.unit or ''}")
    return out


def _with_periods(dossier: Dossier, facts: dict[str, Fact], as_of: date) -> None:
    """Every year-bound figure of another period than the check's carries its doubt (a copy: the
    dossier's own facts stay as read, for another ruleset or date)."""
    from dataclasses import replace

    for key, fact in list(facts.items()):
        doubt = period_doubt(dossier, fact, as_of)
        if doubt:
            facts[key] = replace(fact, doubt=f"{fact.doubt} {doubt}" if fact.doubt else doubt)


def read_declared(ruleset: Any, dossier: Dossier, facts: dict[str, Fact]) -> list[Finding]:
    """The ruleset's declared input facts (no ratio, no growth) from the 申请表 rows labelled with
    the declared label (or the key itself); a value that cannot be read is an error finding."""
    from pingtai_cli.intake.sources import units
    from pingtai_cli.intake.sources.excel import label_text
    from pingtai_cli.intake.sources.units import ValueParseError

    findings: list[Finding] = []
    for f in ruleset.facts:
        if f.ratio is not None or f.growth is not None or f.key in facts:
            continue
        found = dossier.other_labels.get(label_text(f.label)) or dossier.other_labels.get(label_text(f.key))
        if not found:
            continue
        raw, evidence = found
        try:
            value = _parse_declared(f, raw)
        except ValueParseError as exc:
            where = f"{evidence.file} {evidence.sheet}!{evidence.cell}" if evidence else dossier.workbook
            findings.append(
                Finding("read.bad_value", "error", f"{where}：“{f.label}”的值“{raw}”无法读取：{exc}", [evidence.file] if evidence else [], f.key, evidence)
            )
            continue
        precision = "month" if f.type == "date" and units.names_no_day(raw) else None
        if f.type == "number" and units.states_lower_bound(raw):
            precision = "at_least"
        if f.type == "number" and units.states_approximate(raw):
            precision = "approximate"
        period = units.period_of(raw) if f.type == "number" else None
        facts[f.key] = Fact(
            f.key, value, f.unit if f.type == "number" else None, evidence, str(raw), precision=precision, period=period
        )
    return findings


def _parse_declared(f: Any, raw: Any) -> Any:
    from pingtai_cli.intake.sources import units

    if f.type == "number":
        if f.unit and units.is_unit(f.unit):
            return units.parse_number(raw, f.unit)
        return _plain_number(raw, f.unit or "")  # 项, 件, 个 or no unit: the units table has no such unit
    if f.type == "bool":
        return units.parse_bool(raw)
    if f.type == "date":
        return units.parse_date(raw)
    if f.type == "list":
        return units.parse_list(raw)
    return units.parse_text(raw)


def _plain_number(raw: Any, unit: str) -> float:
    """A number written bare or followed by the declared unit (`3项`, `３`); never negative."""
    from pingtai_cli.intake.sources.units import ValueParseError, normalize

    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueParseError("不是数值")
    text = normalize(str(raw)).strip().replace(",", "")
    text = text.removesuffix(normalize(unit)).strip() if unit else text
    try:
        value = float(text)
    except ValueError:
        raise ValueParseError(f"不是数值{f'（应写如 3{unit}）' if unit else ''}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueParseError("不是有效的非负数值")
    return value


def derive_declared(ruleset: Any, dossier: Dossier, facts: dict[str, Fact]) -> None:
    """The facts a ruleset declares itself: ratios of two facts or yearly columns, growth windows,
    and for each region set whether the applicant's credit code lies in it."""
    rows = [r for r in dossier.yearly if r.get("year")]
    evidence = dossier.list_evidence.get("yearly")
    for f in ruleset.facts:
        if f.ratio is not None:
            ratio = _ratio(f.ratio, facts, rows)
            if ratio is not None:
                facts[f.key] = Fact(f.key, ratio[0], f.unit, ratio[1] or evidence, ratio[2], doubt=ratio[3])
        elif f.growth is not None:
            grew = growth(rows, f.growth.column, f.growth.years)
            if grew is not None:
                years = sorted(int(r["year"]) for r in rows if isinstance(r.get(f.growth.column), int | float))
                doubt = yearly_doubt(rows, f.growth.column, years[-f.growth.years :])
                facts[f.key] = Fact(f.key, grew, None, evidence, doubt=doubt)
    credit = facts.get("credit_code")
    for region in ruleset.region_sets:
        prefixes = region.prefixes()
        if not prefixes:  # a draft set not yet listed: membership unknown, never "outside"
            continue
        inside = _in_region(str(credit.value) if credit else "", prefixes)
        if inside is not None:
            key = f"region:{region.name}"
            facts[key] = Fact(key, inside, None, credit.evidence if credit else None, str(credit.value) if credit else None)


def _ratio(
    ratio: Any, facts: dict[str, Fact], rows: list[dict[str, Any]]
) -> tuple[float, Evidence | None, str, str | None] | None:
    """(value, evidence, how, doubt) of numerator ÷ denominator: both facts, else the latest yearly
    row with both; the doubt when either figure is not exact (约, 以上)."""
    num, den = facts.get(ratio.numerator), facts.get(ratio.denominator)
    scale = 100.0 if ratio.percent else 1.0
    if num and den and isinstance(num.value, int | float) and isinstance(den.value, int | float) and den.value:
        return round(scale * float(num.value) / float(den.value), 2), num.evidence, "申请表", inherited_doubt(num, den)
    both = [r for r in rows if isinstance(r.get(ratio.numerator), int | float) and r.get(ratio.denominator)]
    if not both:
        return None
    latest = max(both, key=lambda r: r["year"])
    value = round(scale * float(latest[ratio.numerator]) / float(latest[ratio.denominator]), 2)
    doubt = yearly_doubt([latest], ratio.numerator, [latest["year"]], "计算比例") or yearly_doubt(
        [latest], ratio.denominator, [latest["year"]], "计算比例"
    )
    return value, latest.get("evidence"), f"{latest['year']}年运营情况表", doubt


def _in_region(credit_code: str, prefixes: list[str]) -> bool | None:
    """In / out of a set of division prefixes by the credit code's characters 3–8; None when unknown
    (no code, or a province-level code that cannot say which city)."""
    from pingtai_cli.core import regions

    division = regions.from_credit_code(credit_code) if len(credit_code) == 18 else None
    if division is None:
        return None
    relation = regions.relation(division.code, prefixes)
    return {"in": True, "out": False}.get(relation)


def _derive_from_lists(dossier: Dossier, facts: dict[str, Fact]) -> None:
    """What the list sheets show, beside the figures typed in the form (spec §1.3).

    `<key>_cap`: the most the evidence allows (a staff list: the qualified people it shows plus
    everyone it does not list); a typed figure above it is contradicted, and the condition is
    decided by the list. `<key>_list`: what a list that need not be complete shows; when it
    decides otherwise than the typed figure the condition is for review. The 专业人员 of
    “大专及以上学历和中级及以上技术职称” are counted with either qualification (the applied
    reading); `staff_qualified_ratio_both` counts those with both (the other reading), when the
    list names every person.
    """
    from pingtai_cli.intake.sources.excel import qualified_counts, satisfaction_share

    lists, where = dossier.lists, dossier.list_evidence
    staff = lists.get("staff") or []
    total = facts.get("staff_total")
    if staff and any(p.get("education") or p.get("title") for p in staff):
        either, both = qualified_counts(staff)
        ev = where.get("staff")
        count = total.value if total and isinstance(total.value, int | float) and total.value > 0 else None
        if count is not None:
            unlisted = max(0.0, float(count) - len(staff))
            cap = round(100.0 * min(float(count), either + unlisted) / float(count), 2)
            words = (
                f"人员名单列出 {len(staff)} 人，其中大专及以上学历或中级及以上职称 {either} 人"
                + (f"，未列出的 {unlisted:g} 人全部计入" if unlisted else "")
                + f"，按从业人数 {count:g} 人最多 {cap:g}%"
            )
            facts["staff_qualified_ratio_cap"] = Fact("staff_qualified_ratio_cap", cap, "%", ev, words)
            if not unlisted:
                ratio_both = round(100.0 * both / float(count), 2)
                facts["staff_qualified_ratio_both"] = Fact(
                    "staff_qualified_ratio_both", ratio_both, "%", ev, f"两者兼具的 {both} 人"
                )
    _count_from_lists(lists, where, facts)
    partners = lists.get("partners") or []
    if partners:
        facts["agencies_aggregated_list"] = Fact(
            "agencies_aggregated_list", len(partners), "家", where.get("partners"), f"合作单位名单列出 {len(partners)} 家"
        )
    share = satisfaction_share(lists.get("served_smes") or [])
    if share is not None:
        facts["satisfaction_rate_list"] = Fact(
            "satisfaction_rate_list", round(share[0], 2), "%", where.get("served_smes"),
            f"服务企业名单 {share[1]} 家的评价中“满意”占 {share[0]:.1f}%",
        )


# a count the 申请表 states → the list whose rows are what it counts, and how they are named
_COUNTED_LISTS = (("smes_served", "served_smes", "家"), ("staff_total", "staff", "人"))


def _count_from_lists(lists: dict[str, Any], where: dict[str, Any], facts: dict[str, Fact]) -> None:
    """`<key>_list`: the count a list shows when the 申请表 states none (a served-SME list, a
    staff list, typed in a workbook sheet or read from a list PDF). A list need not be complete
    nor limited to the year, so (as with the lists against typed figures) it never decides a
    threshold: checks.check_threshold sends it to review, with the count and where it was read."""
    for key, kind, unit in _COUNTED_LISTS:
        name = vocab.get().lists[kind].name
        rows = lists.get(kind) or []
        if rows and key not in facts and f"{key}_list" not in facts:
            facts[f"{key}_list"] = Fact(f"{key}_list", len(rows), unit, where.get(kind), f"{name}列出 {len(rows)} {unit}")


def renewal_at_term_end(facts: dict[str, Fact], ruleset: Any, as_of: date) -> Fact | None:
    """三年期满再次认定: a renewal in the year the recognition's term ends (第十六条 有效期三年，
    在有效期满当年可再次申报), which re-applying after the title lapsed is not. Read from 是否再次申报
    and the year of this ruleset's own recognition in 已获认定. None when it cannot be told."""
    import re

    claimed = facts.get("is_renewal")
    prior = facts.get("prior_recognitions")
    title = ruleset.document.recognition_title
    lines = [str(x) for x in (prior.value if prior and isinstance(prior.value, list) else [prior.value] if prior else [])]
    own = [line for line in lines if title in "".join(line.split())]
    years = [int(y) for line in own for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", line)]
    term = next((p.value for p in ruleset.procedure if p.id == "validity_years" and isinstance(p.value, int | float)), None)
    ev = claimed.evidence if claimed else (prior.evidence if prior else None)
    if claimed is not None and claimed.value is False:
        return Fact("renewal_at_term_end", False, None, ev, "申请表“是否再次申报”为否")
    if claimed is None and not own:
        return Fact("renewal_at_term_end", False, None, ev, "未声明再次申报，已获认定中也没有本级示范平台") if prior else None
    if not years or term is None:
        return None  # a renewal is claimed (or a title held) but its term cannot be told
    start = max(years)
    end = start + int(term)
    if as_of.year > end:
        words = f"{start}年获认定，有效期至{end}年已满，本次为期满后重新申报，不是“三年期满再次认定”"
        return Fact("renewal_at_term_end", False, None, ev, words)
    return Fact("renewal_at_term_end", True, None, ev, f"{start}年获认定，{end}年有效期满，本次为期满再次认定")


def yearly_findings(dossier: Dossier, as_of: date) -> list[Any]:
    """Rows that cannot stand for 近两年 or 上一年度: a partial current year, a table that stops
    before the year before the check. Missing data, said with what to add."""
    from pingtai_cli.core.models import Finding

    rows = [r for r in dossier.yearly if r.get("year") and r.get("smes_served") is not None]
    if not rows:
        return []
    out = []
    ev = dossier.list_evidence.get("yearly")
    files = [ev.file] if ev else []
    partial = sorted({int(r["year"]) for r in rows if int(r["year"]) >= as_of.year})
    if partial:
        msg = (
            f"运营情况表中的 {'、'.join(map(str, partial))} 年尚未结束（检查日 {as_of.isoformat()}），"
            "不作为“上一年度”或“近两年”的数据；以已结束的年度为准。"
        )
        out.append(Finding("yearly.partial_year", "warning", msg, files, "smes_served", ev))
    done = [int(r["year"]) for r in rows if int(r["year"]) < as_of.year]
    needed = [as_of.year - 2, as_of.year - 1]
    lacking = [y for y in needed if y not in done]
    if lacking:
        latest = max(done) if done else None
        msg = (
            f"运营情况表缺少 {'、'.join(map(str, lacking))} 年的服务中小企业数"
            + (f"（最近一年为 {latest} 年）" if latest else "")
            + f"：按检查日 {as_of.isoformat()}，“年服务中小企业”和“近两年服务企业数量稳步增长”"
            f"看 {needed[0]}、{needed[1]} 年。请补填这两年的数据。"
        )
        out.append(Finding("yearly.stale", "warning", msg, files, "smes_served", ev))
    return out


# ---------------------------------------------------------------- where the applicant is registered


def _place(fact: Fact) -> tuple[str, list[Any]]:
    from pingtai_cli.core.regions import find_in_address

    text = str(fact.value)
    return text, find_in_address(text)


def area_fact(facts: dict[str, Fact], codes: list[str], area_name: str) -> Fact | None:
    """registered_area: is the applicant registered inside the area (GB/T 2260 division codes)?

    Value `in`, `out`, `conflict` (the credit code and the address disagree) or `unknown` (no
    source names a division precisely enough). The credit code's characters 3–8 are the
    registration authority's division; the 所在地区 and 注册地址 say where the body is. None when
    the dossier gives none of them.
    """
    from pingtai_cli.core.regions import from_credit_code, relation
    from pingtai_cli.intake.sources.uscc import is_valid

    said: list[tuple[str, str, Fact]] = []  # (relation, words, fact)
    code_fact = facts.get("credit_code")
    if code_fact is not None:
        code = str(code_fact.value).strip().upper()
        d = from_credit_code(code) if is_valid(code) else None
        if d is not None:
            said.append((relation(d.code, codes), f"统一社会信用代码第3–8位 {code[2:8]}（{d.chain_names()}）", code_fact))
        else:
            said.append(("unknown", f"统一社会信用代码“{code}”无效或无法识别行政区划", code_fact))
    for key, label in (("region", "所在地区"), ("registered_address", "注册地址")):
        fact = facts.get(key)
        if fact is None or not str(fact.value).strip():
            continue
        text, places = _place(fact)
        rels = {relation(p.code, codes) for p in places}
        names = "、".join(p.chain_names() for p in places)
        if not places:
            said.append(("unknown", f"{label}“{text}”未写明行政区划", fact))
        elif len(rels) == 1:
            said.append((rels.pop(), f"{label}“{text}”（{names}）", fact))
        else:
            said.append(("unknown", f"{label}“{text}”可指{names}，无法确定", fact))
    if not said:
        return None
    decided = [s for s in said if s[0] in ("in", "out")]
    verdicts = {s[0] for s in decided}
    if len(verdicts) > 1:
        value = "conflict"
    elif verdicts:
        value = verdicts.pop()
    else:
        value = "unknown"
    basis = decided or said
    words = "；".join(s[1] for s in said)
    evidence = _least_certain(*(s[2] for s in basis))
    others = [s[2].evidence for s in basis if s[2].evidence is not None and s[2].evidence is not evidence]
    return Fact("registered_area", value, None, evidence, f"{words}（{area_name}：{'、'.join(codes)}）", also=others)
