"""One fact, several sources: the workbook, a Word or PDF 申请表, and the documents themselves.

After every file is read, the dossier's facts are settled here:

1. The workbook's values stand first (typed cell by cell into the form the
   tool reads best).
2. A 申请表 typed in a .docx or a PDF (extract/tables.py) gives every fact the
   workbook lacks, its yearly table and lists when the workbook has none. The
   same value in both places becomes one fact with two sources (`Fact.also`);
   different values are a `sources.differ` finding naming both places and
   saying which one is used and why.
3. Facts only a document states become evidence too: 资产总额 from the audit
   report's balance sheet, 注册日期 and 单位性质 from the licence or 法人证书.
   Each keeps its evidence, page and how it was read (text layer, OCR, unit
   inferred), so a verdict resting on an uncertain reading goes to review.
4. A form's amount whose unit was inferred (a bare number, no unit in its label)
   is settled by the document that states the same fact: the same amount confirms
   it (the document joins its sources), an amount exactly 10⁴ or 10⁸ apart means
   the form was written in another unit (元 for 万元), and the document's value is
   used with a `sources.unit_resolved` finding saying so.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core.fmt import fmt
from pingtai_cli.core.models import Dossier, Fact, Finding, MaterialFile
from pingtai_cli.intake.sources.units import scale_apart

# how a source is ranked when two disagree: a lower rank wins
_RANK = {"typed": 0, "text": 1, "unit_inferred": 2, "ocr": 3, None: 4}
# document material → facts its own text states that the 申请表 may lack
DOCUMENT_FACTS: dict[str, tuple[str, ...]] = {
    "audit_report": ("total_assets",),
    "business_license": ("registration_date", "org_type", "org_name", "credit_code"),
}
_LIST_CHECK_IDS = (
    "read.staff_count_mismatch",
    "read.staff_qualified_mismatch",
    "read.satisfaction_mismatch",
    "read.served_count_differs",
)


def _label(key: str) -> str:

    fk = vocab.get().facts.get(key)
    return fk.labels[0] if fk else key


def _shown(fact: Fact) -> str:

    if isinstance(fact.value, date) and fact.precision == "month":  # as written: no invented day
        return f"{fact.value.year}年{fact.value.month}月"
    if isinstance(fact.value, date) and fact.precision == "year":
        return f"{fact.value.year}年"
    value = fact.value.isoformat() if isinstance(fact.value, date) else fmt(fact.value)
    return value + (fact.unit or "" if isinstance(fact.value, int | float) and not isinstance(fact.value, bool) else "")


def _where(fact: Fact) -> str:
    return fact.evidence.describe() if fact.evidence else "申请表"


def same_value(a: Any, b: Any) -> bool:
    """Equal as the contract compares them: numbers to rounding, text without spaces or bracket forms."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, str) and isinstance(b, str):
        fold = str.maketrans("()：:", "（）：：")
        return "".join(a.split()).translate(fold) == "".join(b.split()).translate(fold)
    return a == b


def _why(kept: Fact) -> str:
    how = kept.evidence.how if kept.evidence else None
    if kept.evidence and kept.evidence.sheet and not kept.evidence.file.lower().endswith((".docx", ".pdf")):
        return "Excel申请表是逐格填写、逐格读取的申报数据"
    return {
        "typed": "该处为填写在表格中的文字",
        "text": "该处为PDF文字层，未经文字识别",
    }.get(how or "", "该处读取方式更可靠")


def _written(fact: Fact) -> str:
    """A value as the dossier has it: a bare amount as typed (“3,200,000.00”（未注明单位）), not as
    the 3200000万元 its inferred unit makes of it, which nobody wrote."""
    if _inferred(fact) and fact.raw:
        return f"“{fact.raw}”（未注明单位）"
    return f"“{_shown(fact)}”" + (f"（{fact.period}的数字）" if fact.period else "")


def _differ(key: str, kept: Fact, other: Fact) -> Finding:
    message = (
        f"{_label(key)}在两处填写不一致：{_where(kept)}为{_written(kept)}，"
        f"{_where(other)}为{_written(other)}。本次检查采用前者（{_why(kept)}），请核对并统一两处。"
    )
    if _inferred(other) and (power := scale_apart(kept.value, other.value)):
        message += (
            f"后者未注明单位，按{other.unit}读作{_shown(other)}，与前者恰好相差 10^{power} 倍，"
            f"应是以其他单位（如元）填写：请在该处注明单位。"
        )
    files = [e.file for e in (kept.evidence, other.evidence) if e]
    return Finding("sources.differ", "warning", message, files, key, other.evidence)


def _inferred(fact: Fact) -> bool:
    """The fact's own reading rests on an inferred unit (a bare amount, no unit stated)."""
    return fact.evidence is not None and fact.evidence.how == "unit_inferred"


def _settle_unit(dossier: Dossier, material: MaterialFile, doc: Fact, out: list[Finding]) -> bool:
    """A document's amount against a form's whose unit was inferred; True when it settled it."""
    mine = dossier.facts[doc.key]
    if not _inferred(mine) or doc.evidence is None or not isinstance(doc.value, int | float):
        return False
    if same_value(mine.value, doc.value):  # the document states the unit the form left out
        if doc.evidence not in mine.also:
            mine.also.append(doc.evidence)
        return True
    power = scale_apart(mine.value, doc.value)
    if power is None:
        return False  # another amount: consistency.cross_check sets one against the other
    dossier.facts[doc.key] = doc
    message = (
        f"{_where(mine)}的{_label(doc.key)}“{mine.raw}”未注明单位，按{mine.unit}读作“{_shown(mine)}”，"
        f"与{_where(doc)}所载“{_shown(doc)}”恰好相差 10^{power} 倍：申请表所填应是以其他单位（如元）计的同一金额。"
        f"本次检查采用{material.path}的数值“{_shown(doc)}”；请在申请表中注明单位（如 {fmt(doc.value)}{doc.unit or ''}）。"
    )
    files = [e.file for e in (mine.evidence, doc.evidence) if e]
    out.append(Finding("sources.unit_resolved", "warning", message, files, doc.key, mine.evidence))
    return True


def _offer(dossier: Dossier, fact: Fact, out: list[Finding]) -> bool:
    """Add one more source of a fact; True when the fact was new to the dossier."""
    mine = dossier.facts.get(fact.key)
    if mine is None:
        dossier.facts[fact.key] = fact
        return True
    if fact.evidence is None or fact.evidence in mine.sources:
        return False
    if same_value(mine.value, fact.value):
        mine.also.append(fact.evidence)
        _confirm(mine, fact)
    elif _RANK.get(fact.evidence.how, 4) < _RANK.get(mine.evidence.how if mine.evidence else None, 4):
        dossier.facts[fact.key] = fact  # a typed value beats an OCR reading of the same form
        out.append(_differ(fact.key, fact, mine))
    else:
        out.append(_differ(fact.key, mine, fact))
    return False


def _confirm(mine: Fact, other: Fact) -> None:
    """A figure the form's layout left in doubt (资产总额 over two rows: 合计 320 / 其中 100) that
    another source states plainly, the same, is that figure: the doubt is settled."""
    if mine.doubt and not other.doubt and other.period == mine.period:
        mine.doubt = None


def _forms(dossier: Dossier) -> list[MaterialFile]:
    """Files holding a 申请表 in their tables, the most reliable reading first. A second workbook
    (intake/dossier.py `_other_form`) is another version of the 申请表, not a source of the
    workbook's facts: it is left to the engine to set against it."""
    forms = [f for f in dossier.files if f.form is not None and f.kind != "xlsx"]

    def rank(f: MaterialFile) -> tuple[int, bool, str]:
        hows = [fact.evidence.how for fact in f.form.facts.values() if fact.evidence]
        best = min((_RANK.get(h, 4) for h in hows), default=4)
        return best, "application_form" not in f.material_keys, f.path  # the 申请表 itself first

    return sorted(forms, key=rank)


def merge_forms(dossier: Dossier) -> None:
    """Settle the dossier's facts from every source (see the module docstring)."""
    out: list[Finding] = []
    forms = _forms(dossier)
    had_book = dossier.workbook is not None
    book_keys = set(dossier.facts)
    for material in forms:
        form = material.form
        for fact in form.facts.values():
            _offer(dossier, fact, out)
        if not dossier.yearly and form.yearly:
            dossier.yearly = list(form.yearly)
            if "yearly" in form.list_evidence:
                dossier.list_evidence.setdefault("yearly", form.list_evidence["yearly"])
        adopted = {}
        for kind, rows in form.lists.items():
            if rows and not dossier.lists.get(kind):
                dossier.lists[kind] = adopted[kind] = list(rows)
                if kind in form.list_evidence:
                    dossier.list_evidence[kind] = form.list_evidence[kind]
        if had_book and adopted:  # a list PDF beside the workbook: its counts against the form
            from pingtai_cli.intake.sources.excel import list_checks

            out += list_checks(material.path, dossier.facts, adopted, dossier.list_evidence)
        for finding in form.findings:  # a bad value in the form the facts come from
            if not had_book or (
                finding.id not in _LIST_CHECK_IDS and finding.field and finding.field not in book_keys
            ):
                out.append(finding)
    if not had_book and forms:
        _found_form_elsewhere(dossier, forms)
    for material in dossier.files:
        for kind in material.material_keys:
            for key in DOCUMENT_FACTS.get(kind, ()):
                fact = material.facts.get(key)
                if fact is None or not _adoptable(fact):
                    continue
                if key not in dossier.facts:
                    dossier.facts[key] = fact
                    out.append(_from_document(material, fact))
                elif _settle_unit(dossier, material, fact, out):
                    continue
                elif same_value(dossier.facts[key].value, fact.value):
                    _confirm(dossier.facts[key], fact)
                elif key in _COMPARED and _kinds_differ(dossier.facts[key], fact):
                    out.append(_differ(key, dossier.facts[key], fact))
    dossier.findings += out


# Facts of a document checked against the form here (the others: consistency.cross_check).
_COMPARED = frozenset({"org_type"})
# 单位性质 by kind: the licence gives a category (企业法人, 非法人分支机构, 事业单位法人 …), the
# form free words (有限责任公司, 民营企业, 事业单位): they differ only when their kinds do.
_ORG_KINDS = (
    ("分支机构", ("非法人", "分支机构", "分公司", "办事处")),
    ("事业单位", ("事业单位",)),
    ("社会团体", ("社会团体", "社团")),
    ("民办非企业单位", ("民办非企业", "社会服务机构")),
    ("企业", ("企业", "公司")),
)


def _org_kind(value: Any) -> str | None:
    text = "".join(str(value).split())
    return next((kind for kind, words in _ORG_KINDS if any(w in text for w in words)), None)


def _kinds_differ(mine: Fact, doc: Fact) -> bool:
    a, b = _org_kind(mine.value), _org_kind(doc.value)
    return a is not None and b is not None and a != b


def _adoptable(fact: Fact) -> bool:
    return fact.value is not None and fact.value != ""


def _from_document(material: MaterialFile, fact: Fact) -> Finding:
    how = {"ocr": "（文字识别读取，请核对）", "unit_inferred": "（原表未注明金额单位，按数值推断，请核对）"}
    note = how.get((fact.evidence.how if fact.evidence else None) or "", "")
    message = f"申请表未填写{_label(fact.key)}，采用{_where(fact)}所载“{_shown(fact)}”{note}"
    return Finding("sources.from_document", "info", message, [material.path], fact.key, fact.evidence)


def _found_form_elsewhere(dossier: Dossier, forms: list[MaterialFile]) -> None:
    """No workbook, but a 申请表 in a Word/PDF file: say where the data came from instead."""
    names = "、".join(f.path for f in forms)
    sheets = [f.evidence.sheet for m in forms if m.form for f in m.form.facts.values() if f.evidence]
    paragraphs = sum(1 for s in sheets if s.startswith("正文第"))
    # a 申请报告 that writes its form as `资产总额：260万元` lines has no table to be looked for
    where = "正文中“项目：内容”的各段" if sheets and paragraphs == len(sheets) else "中的申请表表格"
    dossier.findings = [f for f in dossier.findings if f.id != "workbook.missing"]
    dossier.findings.append(
        Finding(
            "sources.form_in_document",
            "info",
            f"卷宗中没有Excel申请表，申报数据读自{names}{where}",
            [f.path for f in forms],
        )
    )

