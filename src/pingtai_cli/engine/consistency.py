"""Cross-document consistency: the workbook against what the documents themselves say.

A mismatch is an error finding for a person to resolve. The spec's verdict rules
stand on conditions and materials alone, so the file that disagrees with the
workbook is marked as an invalid material (materials_check.contradicted): the
dossier is at best incomplete until one side is corrected.

Two places that state one fact differently are also a `Rival` (`rivals`): the value the check
uses and the other place's, each with where and how it was read. The verdict runs every rule
again with the other value (engine/verdict.py `run_rule`); a rule whose outcome differs between
the two is `review`, naming both values, both places and both outcomes (`contest_message`),
unless the ruleset says which document governs that fact (`governing:`) and that document was
read with certainty: then its value decides, and the 申请表 is the side to correct. The places
compared: the 申请表 against the licence and the audit report (COMPARISONS), against another
申请表 in a Word or PDF file or a second workbook (the file's `form`), and a figure of the
申请表 against the same year's row of its own yearly table (上一年度: 年服务中小企业数, 资产总额).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import HOW_WORDS, Dossier, Fact, Finding, MaterialFile
from pingtai_cli.engine.derive import date_span, date_text, month_only, year_only
from pingtai_cli.rules.schema import Ruleset


def _doc_facts(dossier: Dossier, material: str, key: str) -> list[tuple[MaterialFile, Fact]]:
    return [(f, f.facts[key]) for f in dossier.files if material in f.material_keys and key in f.facts]


def _where(fact: Fact | None) -> str:
    return fact.evidence.describe() if fact and fact.evidence else "申请表"


def _shown(fact: Fact) -> str:
    """320.0 → 320万元; a date as 2019-03-15, or 2019年3月 when written to the month."""

    value = date_text(fact) if isinstance(fact.value, date) else fmt(fact.value)
    return value + (fact.unit or "" if isinstance(fact.value, int | float) else "")


def _norm_name(name: str) -> str:
    """A name as compared: no spaces, brackets full-width, no stray mark at either end (`·大连…`
    from OCR was a mismatch)."""
    return "".join(str(name).split()).replace("(", "（").replace(")", "）").strip(" :：;；,，。·•・.-_|、")


def _how(fact: Fact) -> str:
    how = fact.evidence.how if fact.evidence else None
    return f"，{HOW_WORDS[how]}" if how in HOW_WORDS else ""


def unit_slip(a: Any, b: Any) -> str | None:
    """Two amounts exactly 10⁴ or 10⁸ apart: one side wrote 元 for 万元, 万元 for 亿元 (or back)."""
    from pingtai_cli.intake.sources.units import scale_apart

    power = scale_apart(a, b)
    if power is None:
        return None
    words = {4: "元与万元或万元与亿元", 8: "元与亿元"}[power]
    return f"两者恰好相差 10^{power} 倍，很可能是单位写错（{words}混用）"


def _same(key: str, mine: Fact, doc: Fact, same: Callable[[Any, Any], bool]) -> bool:
    """A date written to the month or the year agrees with any day of it (2019年5月 and 2019-05-20,
    2019年 and 2019-05-20); figures stated for different years (2023年末 and an audit of 2025) are
    no disagreement: each is of its own year (derive.period_doubts says which one a check needs)."""

    if isinstance(mine.value, date) and isinstance(doc.value, date) and any(month_only(f) or year_only(f) for f in (mine, doc)):
        (a0, a1), (b0, b1) = date_span(mine), date_span(doc)
        return a0 <= b1 and b0 <= a1
    return same(mine.value, doc.value)


def _years_apart(mine: Fact, material: MaterialFile) -> bool:
    """The 申请表 dates its figure to a year (2023年末：236.6万元) and the document is of another
    (an audit of 2025): two years' figures, which differ rightly (derive.period_doubt says which
    one a check needs)."""
    from pingtai_cli.intake.sources.units import period_parts

    parts = period_parts(mine.period) if mine.period else None
    audited = material.facts.get("audit_year")
    return parts is not None and audited is not None and audited.value != parts[0]


def _compare(
    dossier: Dossier, material: str, key: str, same: Callable[[Any, Any], bool], label: str, ruleset: Ruleset | None = None
) -> list[Finding]:
    """A mismatch is an error (the document then does not prove the claim) only when both values
    were read with certainty; when either was read by OCR or with an inferred unit it is a warning
    for a reviewer, with both values and where and how each was read (spec §3 review). A document
    the ruleset says governs the fact (`governing:`), read with certainty, is not contradicted:
    the 申请表 is the side to correct (a warning), and its value decides the conditions."""
    mine = dossier.facts.get(key)
    out = []
    for f, doc in _doc_facts(dossier, material, key):
        if mine is not None and not _same(key, mine, doc, same) and not _years_apart(mine, f):
            slip = unit_slip(mine.value, doc.value) if isinstance(mine.value, int | float) else None
            msg = (
                f"{label}不一致：申请表（{_where(mine)}{_how(mine)}）为“{_shown(mine)}”，"
                f"{f.path}（{_where(doc)}{_how(doc)}）为“{_shown(doc)}”"
                + (f"；{slip}" if slip else "")
            )
            rule = governs(ruleset, key, material) if ruleset is not None else None
            if rule is not None and not doc.uncertain:
                msg += (f"。按{rule.article}，{label}以{f.path}所载为准（{rule.note or rule.quote}），"
                        f"本次检查按“{_shown(doc)}”判断：请更正申请表。")
                out.append(Finding(f"consistency.{key}_governed", "warning", msg, [f.path], key, doc.evidence))
            elif mine.uncertain or doc.uncertain:
                msg += "。其中有读数不确定，不据此判定材料无效：请核对原件，确认哪一方正确。"
                out.append(Finding(f"consistency.{key}_unsure", "warning", msg, [f.path], key, doc.evidence))
            else:
                out.append(Finding(f"consistency.{key}_mismatch", "error", msg + "。请核对并更正。", [f.path], key, doc.evidence))
    return out


def _assets_close(a: object, b: object) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True
    return abs(x - y) <= max(1.0, 0.01 * max(abs(x), abs(y)))


def credit_code_findings(dossier: Dossier, ruleset: Ruleset) -> list[Finding]:
    from pingtai_cli.intake.sources.uscc import is_valid

    fact = dossier.facts.get("credit_code")
    if fact is None:
        return []
    code = str(fact.value).strip().upper()
    out = []
    if not is_valid(code):
        msg = f"统一社会信用代码“{code}”（{_where(fact)}）不符合 GB 32100-2015 校验规则，请核对是否抄错。"
        out.append(Finding("consistency.credit_code_invalid", "error", msg, [fact.evidence.file] if fact.evidence else [], "credit_code", fact.evidence))
    area = ruleset.area
    if area and len(code) == 18 and not any(code[2:8].startswith(c) for c in area.codes):
        msg = (  # the quote goes on inside the sentence: its own full stop would double the 。
            f"统一社会信用代码第3–8位（登记管理机关行政区划码）为 {code[2:8]}，不在{area.name}"
            f"（{'、'.join(area.codes)}…）范围内；{area.article}：“{area.quote.rstrip('。')}”。请确认申报地区是否正确。"
        )
        out.append(Finding("consistency.credit_code_area", "warning", msg, [], "credit_code", fact.evidence))
    return out


def audit_year_findings(dossier: Dossier, as_of: date) -> list[Finding]:
    out = []
    for f, fact in _doc_facts(dossier, "audit_report", "audit_year"):
        if int(fact.value) != as_of.year - 1:
            msg = f"{f.path} 审计的是 {fact.value} 年度，按检查日 {as_of.isoformat()} 应提供上一年度（{as_of.year - 1}年）的审计报告。"
            out.append(Finding("consistency.audit_year", "warning", msg, [f.path], None, fact.evidence))
    return out


# fact key → (the material whose document states it, same?): what is compared
COMPARISONS: dict[str, tuple[str, Callable[[Any, Any], bool]]] = {
    "credit_code": ("business_license", lambda a, b: str(a).upper() == str(b).upper()),
    "org_name": ("business_license", lambda a, b: _norm_name(a) == _norm_name(b)),
    "registration_date": ("business_license", lambda a, b: a == b),
    "total_assets": ("audit_report", _assets_close),
}
COMPARED = {key: material for key, (material, _) in COMPARISONS.items()}


def compared_label(key: str) -> str:
    """The fact's name when the workbook is set against a document (vocab `compare_label`)."""
    from pingtai_cli import vocab

    fk = vocab.get().facts[key]
    return fk.compare_label or fk.label


def cross_check(dossier: Dossier, ruleset: Ruleset, as_of: date) -> list[Finding]:
    """Every consistency finding for one dossier under one ruleset."""
    out: list[Finding] = []
    for key, (material, same) in COMPARISONS.items():
        out += _compare(dossier, material, key, same, compared_label(key), ruleset)
    out += credit_code_findings(dossier, ruleset)
    out += audit_year_findings(dossier, as_of)
    return out


# ---------------------------------------------------------------- one fact, two values: rivals


@dataclass(frozen=True)
class Rival:
    """Two places that state one fact differently: the value the check uses and the other's.

    `material` is the document's material key (audit_report) when the other place is a document
    that states the fact itself; `year` the yearly table's row when it is that row (the 申请表's
    上一年度 figure against it); `form` when it is another 申请表 (a Word or PDF table, a second
    workbook)."""

    key: str
    used: Fact
    other: Fact
    used_place: str  # 申请表（申请表.xlsx 申请表!D8，填写）
    other_place: str  # 2025年度审计报告.pdf（2025年度审计报告.pdf 第2页，文字层）
    file: str = ""  # the other place's file
    material: str | None = None
    year: int | None = None
    form: bool = False

    def worlds(self, dossier: Dossier) -> tuple[Dossier, Dossier]:
        """(the dossier as it reads with the used value throughout, with the other's throughout).

        A document's or another form's value replaces the fact; a yearly row's is the fact, and
        the used value becomes that row's (so that 近两年增长 reads the same figure as 年服务)."""
        other = replace(dossier, facts={**dossier.facts, self.key: self.other})
        if self.year is None:
            return dossier, other
        rows = [dict(r, **{self.key: self.used.value}) if _year_of(r) == self.year else r for r in dossier.yearly]
        return replace(dossier, yearly=rows), other


def _year_of(row: dict[str, Any]) -> int | None:
    try:
        return int(row.get("year") or 0) or None
    except (TypeError, ValueError):
        return None


def _differs(key: str, mine: Fact, other: Fact) -> bool:
    """Two values of one fact that cannot both be true: a date written to the month agrees with
    any day of it, a count written as a lower bound (100多家) with any count at or above it."""
    from pingtai_cli.intake.facts.crosscheck import same_value

    if _within_bound(mine, other) or _within_bound(other, mine):
        return False
    compare = COMPARISONS.get(key)
    return not _same(key, mine, other, compare[1] if compare else same_value)


def _within_bound(bound: Fact, fact: Fact) -> bool:
    numbers = all(isinstance(f.value, int | float) and not isinstance(f.value, bool) for f in (bound, fact))
    return numbers and bound.precision == "at_least" and fact.value >= bound.value


def _of_the_year(f: MaterialFile, as_of: date) -> bool:
    """A document that states the fact for the year the 申请表's figure stands for: an audit
    report of another year (审计年度 2024 when 上一年度 is 2025) states another year's total assets,
    no rival of the 申请表's (consistency.audit_year says it is the wrong year)."""
    year = f.facts.get("audit_year")
    try:
        return year is None or int(year.value) == as_of.year - 1
    except (TypeError, ValueError):
        return True


def _form_place(fact: Fact) -> str:
    """Where the value the check uses was read: the 申请表 (a cell), or the document the 申请表 left
    it to (a page of the audit report)."""
    ev = fact.evidence
    if ev is not None and ev.page is not None and not ev.sheet:
        return f"{_where(fact)}（{HOW_WORDS.get(ev.how or '', '读取')}）"
    return f"申请表（{_where(fact)}{_how(fact)}）"


def rivals(dossier: Dossier, as_of: date) -> list[Rival]:
    """Every place that states a fact of the 申请表 otherwise than the value the check uses."""
    out: list[Rival] = []
    for key, (material, _) in COMPARISONS.items():
        mine = dossier.facts.get(key)
        if mine is None:
            continue
        for f, doc in _doc_facts(dossier, material, key):
            if doc.evidence not in mine.sources and _of_the_year(f, as_of) and _differs(key, mine, doc):
                out.append(Rival(key, mine, doc, _form_place(mine), f"{f.path}（{_where(doc)}{_how(doc)}）",
                                 f.path, material=material))
    for f in dossier.files:
        if f.form is None:
            continue
        # the form's own facts, and what its running text states otherwise than its table
        stated = [*f.form.facts.items(), *((k, x) for k, xs in getattr(f.form, "contested", {}).items() for x in xs)]
        for key, fact in stated:
            mine = dossier.facts.get(key)
            if mine is None or fact.evidence in mine.sources or fact.value in (None, ""):
                continue
            if _differs(key, mine, fact):
                out.append(Rival(key, mine, fact, _form_place(mine), f"{f.path}（{_where(fact)}{_how(fact)}）",
                                 f.path, form=True))
    out += _yearly_rivals(dossier, as_of)
    merged: dict[tuple[str, str], Rival] = {}
    for r in out:  # the same other value in two places is one question, naming both places
        mark = (r.key, _shown(r.other))
        first = merged.get(mark)
        if first is None:
            merged[mark] = r
        elif r.other_place not in first.other_place:
            merged[mark] = replace(
                first, other_place=f"{first.other_place}、{r.other_place}", year=first.year or r.year,
                material=first.material or r.material, form=first.form or r.form,
            )
    return list(merged.values())


def _yearly_rivals(dossier: Dossier, as_of: date) -> list[Rival]:
    """The 申请表's figure for 上一年度 (年服务中小企业数, 资产总额) against that year's row of the
    yearly operation table, when the form states it apart from the table."""
    year = as_of.year - 1
    row = next((r for r in dossier.yearly if _year_of(r) == year), None)
    if row is None:
        return []
    where = dossier.list_evidence.get("yearly")
    out = []
    for key in ("smes_served", "total_assets"):
        mine, value = dossier.facts.get(key), row.get(key)
        if mine is None or not isinstance(value, int | float) or isinstance(value, bool):
            continue
        if not isinstance(mine.value, int | float) or isinstance(mine.value, bool):
            continue
        cell = (row.get("cells") or {}).get(key) or row.get("evidence") or where
        if cell is not None and cell in mine.sources:
            continue  # the figure was taken from this row
        theirs = Fact(key, value, mine.unit, cell, cell.snippet if cell and cell.snippet else None)
        if _differs(key, mine, theirs):
            place = f"运营情况表 {year} 年（{cell.describe() if cell else '申请表'}）"
            out.append(Rival(key, mine, theirs, _form_place(mine), place, cell.file if cell else "", year=year))
    return out


def rival_findings(dossier: Dossier, as_of: date, found: list[Rival]) -> list[Finding]:
    """What the cross-checks above do not already say: a 申请表 figure against its own yearly
    table, and two 申请表 workbooks that differ (which of them the dossier submits is a question
    for the reviewer, whatever the conditions give: `FORMS_DIFFER` sends the verdict to review)."""
    out = []
    for r in _yearly_rivals(dossier, as_of):
        label = compared_label(r.key)
        typed = r.used_place.startswith("申请表")  # else the 申请表 left it to a document
        msg = (f"{label}不一致：{r.used_place}为“{_shown(r.used)}”，{r.other_place}为“{_shown(r.other)}”，"
               + (f"同是 {r.year} 年的数据。请核对并统一两处。" if typed else
                  f"申请表未填写{label}，检查采用的是前者，而后者是 {r.year} 年的数据。请核对，并在申请表中填写{label}。"))
        out.append(Finding(f"consistency.{r.key}_yearly", "warning", msg, [r.file] if r.file else [], r.key, r.other.evidence))
    first = dossier.workbook or "申请表"
    for f in dossier.files:
        if f.error and f.kind == "xlsx" and dossier.workbook and f.path != dossier.workbook and "application_form" in f.material_keys:
            msg = (f"卷宗中另有一份申请表 {f.path}，但无法读取（{f.error}），无法与 {first} 比对。无法确定哪一份是"
                   f"正式申报的版本，本次检查采用 {first} 的数据，结论待审核：请申报单位重新提供该文件，或只保留一份申请表。")
            out.append(Finding(FORMS_DIFFER, "error", msg, [first, f.path]))
            continue
        if f.form is None or f.kind != "xlsx":  # another workbook: another version of the 申请表
            continue
        said = [f"{compared_label(r.key)}：前者“{_shown(r.used)}”，后者“{_shown(r.other)}”"
                for r in found if r.form and f"{f.path}（" in r.other_place]
        said += _yearly_differences(dossier.yearly, f.form.yearly)
        if not said:
            continue
        msg = (f"卷宗中有两份申请表，数据不一致：{first} 与 {f.path}（{'；'.join(said)}）。无法确定哪一份是正式申报的版本，"
               f"本次检查采用前者的数据，结论待审核：请申报单位确认以哪一份为准，只保留一份申请表。")
        out.append(Finding(FORMS_DIFFER, "error", msg, [first, f.path]))
    return out


def _yearly_differences(mine: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[str]:
    """The figures of one year that two yearly tables give differently, in words."""
    from pingtai_cli import vocab
    from pingtai_cli.intake.facts.crosscheck import same_value

    columns = {c.key: c for c in vocab.get().yearly.columns if c.key != "year"}
    rows = {_year_of(r): r for r in theirs}
    out = []
    for row in mine:
        other = rows.get(_year_of(row))
        if other is None:
            continue
        for key, column in columns.items():
            a, b = row.get(key), other.get(key)
            if isinstance(a, int | float) and isinstance(b, int | float) and not same_value(a, b):
                unit = column.unit or vocab.unit_of(key) or ""
                out.append(f"运营情况表 {_year_of(row)} 年{column.header}：前者“{fmt(a)}{unit}”，后者“{fmt(b)}{unit}”")
    return out


FORMS_DIFFER = "consistency.application_forms_differ"


def governed_note(rival: Rival, rule: Any) -> str:
    """Why the document's value decided: the ruleset's governing entry, and the 申请表 to correct."""
    return (f"（按{rule.article}，{compared_label(rival.key)}以{rival.file}所载为准；{rival.used_place}为"
            f"“{_shown(rival.used)}”，与之不一致，须更正。）")


def governs(ruleset: Ruleset, key: str, material: str | None) -> Any:
    """The ruleset's word that `material`'s value of `key` governs the 申请表's (`governing:`)."""
    return next((g for g in ruleset.governing if g.fact == key and g.material == material), None) if material else None


def contest_message(rival: Rival, title: str, used: Any, other: Any) -> str:
    """What the reviewer must decide of a rule whose outcome differs with the place its fact is
    taken from: both values, both places, and the outcome of each (used / other: RuleResults)."""
    from pingtai_cli.rules.kinds.base import status_word

    label = compared_label(rival.key)

    def said(r: Any) -> str:
        return f"{str(r.message).strip().rstrip('。')}（{status_word(r.status)}）"

    return (
        f"{label}两处不一致：{rival.used_place}为“{_shown(rival.used)}”，{rival.other_place}为“{_shown(rival.other)}”，"
        f"“{title}”的结论不同——按前者：{said(used)}；按后者：{said(other)}。"
        f"请评审人员核对原件，确认以哪一处为准，并请申报单位更正有误的一处。"
    )
