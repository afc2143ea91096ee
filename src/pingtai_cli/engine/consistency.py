"""Cross-document consistency: the workbook against what the documents themselves say.

A mismatch is an error finding for a person to resolve. The spec's verdict rules
stand on conditions and materials alone, so the file that disagrees with the
workbook is marked as an invalid material (materials_check.contradicted): the
dossier is at best incomplete until one side is corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Dossier, Fact, Finding, MaterialFile
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
    return "".join(str(name).split()).replace("(", "（").replace(")", "）")


HOW_WORDS = {"ocr": "OCR识别", "unit_inferred": "单位为推断", "text": "文字层", "typed": "填写"}


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


def _compare(dossier: Dossier, material: str, key: str, same: Callable[[Any, Any], bool], label: str) -> list[Finding]:
    """A mismatch is an error (the document then does not prove the claim) only when both values
    were read with certainty; when either was read by OCR or with an inferred unit it is a warning
    for a reviewer, with both values and where and how each was read (spec §3 review)."""
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
            if mine.uncertain or doc.uncertain:
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
        out += _compare(dossier, material, key, same, compared_label(key))
    out += credit_code_findings(dossier, ruleset)
    out += audit_year_findings(dossier, as_of)
    return out
