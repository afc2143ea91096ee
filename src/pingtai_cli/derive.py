"""Facts computed from other facts, in one place: operating years, ratios, growth, function names.

Pure functions of a Dossier and the as-of date; the results are ordinary Facts
whose evidence points at the inputs they came from.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from .models import Dossier, Evidence, Fact

FUNCTION_NAMES: dict[str, tuple[str, ...]] = {
    "information": ("信息",),
    "technology": ("技术",),
    "startup": ("创业",),
    "training": ("培训",),
    "financing": ("融资", "投融资", "担保"),
    "comprehensive": ("综合",),
}
FUNCTION_LABELS = {
    "information": "信息服务",
    "technology": "技术服务",
    "startup": "创业服务",
    "training": "培训服务",
    "financing": "融资服务",
    "comprehensive": "综合服务",
}


def normalise_function(name: str) -> str | None:
    """信息 / 信息服务 / 信息服务功能 / information → information; unknown → None."""
    text = name.strip().lower()
    if text in FUNCTION_NAMES:
        return text
    for key, stems in FUNCTION_NAMES.items():
        if any(text.startswith(s) for s in stems):
            return key
    return None


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


def is_legal_person(org_type: str) -> bool | None:
    """单位性质 text → legal person? None when it says neither."""
    text = org_type.replace(" ", "")
    if "非法人" in text or "分支" in text or "分公司" in text:
        return False
    if "法人" in text or "民办非企业" in text or "有限公司" in text or "有限责任" in text:
        return True
    return None


def smes_growth(yearly: list[dict[str, Any]]) -> bool | None:
    """Spec §1.2: over the latest (up to three) years, each year's count exceeds the one before."""
    counts = [(r["year"], r["smes_served"]) for r in yearly if r.get("smes_served") is not None]
    counts = sorted(counts)[-3:]
    if len(counts) < 2:
        return None
    return all(b[1] > a[1] for a, b in zip(counts, counts[1:], strict=False))


def growth(yearly: list[dict[str, Any]], column: str, years: int) -> bool | None:
    """A declared growth window (近三年稳定增长: years=3): the latest `years` consecutive years each
    above the one before; None (missing) when the table has fewer such years."""
    values = sorted((int(r["year"]), r[column]) for r in yearly if isinstance(r.get(column), int | float))
    latest = values[-years:]
    if len(latest) < years or latest[-1][0] - latest[0][0] != years - 1:
        return None
    return all(b[1] > a[1] for a, b in zip(latest, latest[1:], strict=False))


def derive(dossier: Dossier, as_of: date) -> dict[str, Fact]:
    """Every fact a rule may test: the dossier's own plus the derived ones."""
    facts = dict(dossier.facts)
    reg = facts.get("registration_date")
    if reg and isinstance(reg.value, date):
        facts["operating_years"] = Fact("operating_years", years_between(reg.value, as_of), "年", reg.evidence)
        facts["full_calendar_years"] = Fact(
            "full_calendar_years", full_calendar_years(reg.value, as_of), "年", reg.evidence
        )
    total, qual = facts.get("staff_total"), facts.get("staff_qualified")
    if total and qual and isinstance(total.value, int | float) and total.value > 0:
        ratio = round(100.0 * float(qual.value) / float(total.value), 2)
        facts["staff_qualified_ratio"] = Fact("staff_qualified_ratio", ratio, "%", qual.evidence)
    org = facts.get("org_type")
    if org and isinstance(org.value, str):
        legal = is_legal_person(org.value)
        if legal is not None:
            facts["is_legal_person"] = Fact("is_legal_person", legal, None, org.evidence, org.value)
    _derive_from_yearly(dossier, facts)
    declared = declared_functions(dossier)
    if "functions_declared" in facts:
        only = declared == {"comprehensive"}
        facts["functions_only_comprehensive"] = Fact(
            "functions_only_comprehensive", only, None, _ev(facts.get("functions_declared"))
        )
    return facts


def _derive_from_yearly(dossier: Dossier, facts: dict[str, Fact]) -> None:
    rows = [r for r in dossier.yearly if r.get("year")]
    evidence = dossier.list_evidence.get("yearly")
    growth = smes_growth(rows)
    if growth is not None:
        facts["smes_growth"] = Fact("smes_growth", growth, None, evidence)
    if "smes_served" not in facts:
        served = [r for r in rows if r.get("smes_served") is not None]
        if served:
            latest = max(served, key=lambda r: r["year"])
            ev = latest.get("evidence") or evidence
            facts["smes_served"] = Fact("smes_served", latest["smes_served"], "家", ev, f"{latest['year']}年")


def derive_declared(ruleset: Any, dossier: Dossier, facts: dict[str, Fact]) -> None:
    """The facts a ruleset declares itself: ratios of two facts or yearly columns, growth windows,
    and for each region set whether the applicant's credit code lies in it."""
    rows = [r for r in dossier.yearly if r.get("year")]
    evidence = dossier.list_evidence.get("yearly")
    for f in ruleset.facts:
        if f.ratio is not None:
            ratio = _ratio(f.ratio, facts, rows)
            if ratio is not None:
                facts[f.key] = Fact(f.key, ratio[0], f.unit, ratio[1] or evidence, ratio[2])
        elif f.growth is not None:
            grew = growth(rows, f.growth.column, f.growth.years)
            if grew is not None:
                facts[f.key] = Fact(f.key, grew, None, evidence)
    credit = facts.get("credit_code")
    for region in ruleset.region_sets:
        inside = _in_region(str(credit.value) if credit else "", region.prefixes())
        if inside is not None:
            key = f"region:{region.name}"
            facts[key] = Fact(key, inside, None, credit.evidence if credit else None, str(credit.value) if credit else None)


def _ratio(ratio: Any, facts: dict[str, Fact], rows: list[dict[str, Any]]) -> tuple[float, Evidence | None, str] | None:
    """(value, evidence, how) of numerator ÷ denominator: both facts, else the latest yearly row with both."""
    num, den = facts.get(ratio.numerator), facts.get(ratio.denominator)
    scale = 100.0 if ratio.percent else 1.0
    if num and den and isinstance(num.value, int | float) and isinstance(den.value, int | float) and den.value:
        return round(scale * float(num.value) / float(den.value), 2), num.evidence, "申请表"
    both = [r for r in rows if isinstance(r.get(ratio.numerator), int | float) and r.get(ratio.denominator)]
    if not both:
        return None
    latest = max(both, key=lambda r: r["year"])
    value = round(scale * float(latest[ratio.numerator]) / float(latest[ratio.denominator]), 2)
    return value, latest.get("evidence"), f"{latest['year']}年运营情况表"


def _in_region(credit_code: str, prefixes: list[str]) -> bool | None:
    """In / out of a set of division prefixes by the credit code's characters 3–8; None when unknown
    (no code, or a province-level code that cannot say which city)."""
    from . import regions

    division = regions.from_credit_code(credit_code) if len(credit_code) == 18 else None
    if division is None:
        return None
    relation = regions.relation(division.code, prefixes)
    return {"in": True, "out": False}.get(relation)
