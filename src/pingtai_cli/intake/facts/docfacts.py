"""Facts read from the documents themselves, each with its page and the text it came from.

business licence → credit_code (validated), org_name, registration_date, legal_representative
audit report     → audit_year, total_assets (万元, from the balance sheet)
credit report    → report_date, credit_code
declaration      → has_seal (a red seal on one of its last pages; also credit reports)

These feed the cross-document checks (the workbook says one thing, the
licence another). Pages are asked for lazily, so a scan is OCR'd only as far
as the fact needs: the audit report stops at its balance sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Evidence, Fact
from pingtai_cli.intake.sources.common import UnreadableFile

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.balance import BalanceTotal
    from pingtai_cli.intake.sources.pages import Pages

DATE = r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})"
LICENCE_PAGES = 2  # a licence is page 1 (page 2 when the 正本 comes first)
AUDIT_PAGES = 30  # pages searched for the balance sheet (scans stop earlier: OCR budget)
SEAL_PAGES = 3  # last pages of a declaration checked for a seal
SNIPPET = 80

_LABELS_AFTER_NAME = (
    r"类\s*型|法定代表人|负责人|注册资本|开办资金|成立日期|住\s*所|营业期限|经营范围|登记机关|宗旨"
)
_NAME_RE = re.compile(
    rf"(?:^|\n)[ \t]*(?:单位|企业|机构)?名\s*称\s*[:：]?\s*(?P<v>[^\n]+?)\s*(?=\s{{2,}}|{_LABELS_AFTER_NAME}|\n|$)"
)
_LEGAL_REP_RE = re.compile(r"(?:法定代表人|负责人)\s*[:：]?\s*(?P<v>[\u4e00-\u9fff·]{2,10})")
_REG_DATE_RE = re.compile(rf"(?:成立日期|注册日期|登记日期|成立时间|设立日期)\s*[:：]?\s*{DATE}")
_REPORT_DATE_RE = re.compile(
    rf"(?:报告日期|报告生成时间|生成时间|生成日期|查询时间|查询日期|出具日期|打印日期|报告时间)\s*[:：]?\s*{DATE}"
)
_AUDIT_YEAR_RES = (
    re.compile(
        r"(\d{4})\s*年\s*12\s*月\s*31\s*日的?\s*(?:合并及(?:母|公司)|合并|公司)?\s*资产负债表"
    ),
    re.compile(
        r"(\d{4})\s*年度?\s*的?\s*(?:合并)?\s*(?:利润表|财务报表|审计报告|财务报告|会计报表)"
    ),
)
_PERIOD_END_RE = re.compile(r"(\d{4})\s*年\s*12\s*月\s*31\s*日")
_ASSETS_SENTENCE_RE = re.compile(
    r"资产总额\s*(?:为|：|:)?\s*(?P<n>[\d,，]+(?:\.\d+)?)\s*(?P<u>万元|元)"
)

Finder = Callable[[str], "tuple[object, str] | None"]  # text → (value, snippet)


def _snippet(text: str, start: int, end: int) -> str:
    """The matched text with a little context, on one line."""
    lo = max(0, start - 10)
    return " ".join(text[lo : max(end, start + 20)][:SNIPPET].split())


def _search(
    pages: Pages, finder: Finder, last: int, start: int = 0
) -> tuple[object, str, int] | None:
    """The first page (of `last` from `start`) where `finder` finds its value; OCR'd only as reached."""
    for index in range(start, min(pages.count, start + last)):
        hit = finder(pages.text(index))
        if hit is not None:
            return hit[0], hit[1], index
    return None


def how_read(pages: Pages, index: int) -> str:
    """"ocr" for a scanned page, "text" for a text layer (PDF or Word)."""
    return "ocr" if pages.is_scan(index) else "text"


def _fact(
    key: str,
    found: tuple[object, str, int] | None,
    file: str,
    unit: str | None = None,
    how: str | None = None,
    pages: Pages | None = None,
) -> dict[str, Fact]:
    if found is None:
        return {}
    value, snippet, index = found
    if how is None and pages is not None:
        how = how_read(pages, index)
    evidence = Evidence(file=file, page=index + 1, snippet=snippet, how=how)
    return {key: Fact(key, value, unit=unit, evidence=evidence, raw=snippet)}


def _date(match: re.Match[str]) -> date | None:
    from pingtai_cli.intake.sources.units import ValueParseError, parse_date

    try:
        return parse_date(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")
    except ValueParseError:
        return None


def _dated(pattern: re.Pattern[str]) -> Finder:
    def find(text: str) -> tuple[object, str] | None:
        for m in pattern.finditer(text):
            value = _date(m)
            if value is not None:
                return value, _snippet(text, m.start(), m.end())
        return None

    return find


def find_credit_code(text: str) -> tuple[object, str] | None:
    from pingtai_cli.intake.sources.uscc import credit_code_near

    code = credit_code_near(text)
    if code is None:
        return None
    return code.code, _snippet(text, code.start, code.start + 18)


def find_org_name(text: str) -> tuple[object, str] | None:
    for m in _NAME_RE.finditer(text):
        name = not_a_label(m["v"].strip(" :：;；,，。")) or ""
        if 2 <= len(name) <= 60 and re.search(r"[\u4e00-\u9fff]", name):
            return name, _snippet(text, m.start("v") - 4, m.end())
    return None


# The printed field labels of a licence or 法人证书: never a value (OCR of a two-column licence
# puts `法定代表人` beside `注册资本` when the name sits on the line below)
FIELD_LABELS = (
    "统一社会信用代码", "名称", "类型", "法定代表人", "负责人", "注册资本", "开办资金", "成立日期",
    "注册日期", "营业期限", "住所", "经营场所", "经营范围", "登记机关", "宗旨和业务范围", "举办单位",
    "经费来源", "有效期", "发证机关",
)
_FIELD_LABEL_RE = re.compile("|".join(sorted(FIELD_LABELS, key=len, reverse=True)))


def not_a_label(value: str) -> str | None:
    """The value cut before any field label it runs into; None when nothing but a label is left."""
    m = _FIELD_LABEL_RE.search(value)
    cut = value[: m.start()] if m else value
    return cut if len(cut) >= 2 else None


def find_legal_rep(text: str) -> tuple[object, str] | None:
    for m in _LEGAL_REP_RE.finditer(text):
        name = not_a_label(m["v"])
        if name is not None:
            return name, _snippet(text, m.start(), m.end())
    return None


_TYPE_RE = re.compile(r"类\s*型\s*[:：]?\s*(?P<v>[\u4e00-\u9fff（）()·]{2,40}?)(?=\s|法定代表人|负责人|$)")
_CERTIFICATE_TYPES = (
    ("事业单位法人证书", "事业单位法人"),
    ("社会团体法人登记证书", "社会团体法人"),
    ("民办非企业单位登记证书", "民办非企业单位"),
)
_COMPANY_RE = re.compile(r"有限责任公司|股份有限公司|有限公司|全民所有制|集体所有制|股份合作制")


def find_org_type(text: str) -> tuple[object, str] | None:
    """单位性质 as the certificate shows it: its title (法人证书) or the licence's 类型 line.

    Only what the document says for sure: a company (有限责任公司…) is 企业法人, a 分公司 is a
    非法人分支机构; any other 类型 (合伙企业, 个体工商户) is left to the form.
    """
    folded = "".join(text.split())
    for title, kind in _CERTIFICATE_TYPES:
        if title in folded:
            at = folded.index(title)
            return kind, folded[at : at + 20]
    m = _TYPE_RE.search(text)
    if m is None:
        return None
    written = m["v"]
    if "分公司" in written or "分支机构" in written or "非法人" in written:
        return "非法人分支机构", _snippet(text, m.start(), m.end())
    if _COMPANY_RE.search(written):
        return "企业法人", _snippet(text, m.start(), m.end())
    return None


def licence_facts(pages: Pages, file: str) -> dict[str, Fact]:
    """Credit code, name, registration date and legal representative of a licence or 法人证书."""
    facts: dict[str, Fact] = {}
    at = pages.starts.get("business_license", 0)  # page 3 of a combined PDF
    finders = (
        ("credit_code", find_credit_code),
        ("org_name", find_org_name),
        ("registration_date", _dated(_REG_DATE_RE)),
        ("legal_representative", find_legal_rep),
        ("org_type", find_org_type),
    )
    for key, finder in finders:
        facts |= _fact(key, _search(pages, finder, LICENCE_PAGES, at), file, pages=pages)
    return facts


def credit_report_facts(pages: Pages, file: str) -> dict[str, Fact]:
    """The date a credit report was generated (it must be from the month of submission)."""
    at = pages.starts.get("credit_report", 0)
    facts = _fact("report_date", _search(pages, _dated(_REPORT_DATE_RE), 2, at), file, pages=pages)
    facts |= _fact("credit_code", _search(pages, find_credit_code, 1, at), file, pages=pages)
    return facts


def find_audit_year(text: str) -> tuple[object, str] | None:
    for pattern in _AUDIT_YEAR_RES:
        m = pattern.search(text)
        if m and 1990 <= int(m[1]) <= 2100:
            return int(m[1]), _snippet(text, m.start(), m.end())
    return None


def find_total_assets(text: str) -> tuple[object, str] | None:
    """资产总计 on a balance sheet (in its unit context: extract/balance.py), or “资产总额为…” in prose; in 万元."""
    found = find_balance_total(text)
    if found is not None:
        return round(found.assets.wan, 4), found.assets.snippet
    return find_assets_sentence(text)


def find_balance_total(text: str) -> BalanceTotal | None:
    from pingtai_cli.intake.sources.balance import balance_total

    if "资产负债表" not in "".join(text.split()):
        return None
    return balance_total(text)


def find_assets_sentence(text: str) -> tuple[object, str] | None:
    """“资产总额为1,250.00万元” in the text of a report."""
    from pingtai_cli.intake.sources.units import ValueParseError, parse_number

    prose = _ASSETS_SENTENCE_RE.search(text)
    if prose:
        try:
            value = parse_number(prose["n"].replace("，", ",") + prose["u"], "万元")
        except ValueParseError:
            return None
        return round(value, 4), _snippet(text, prose.start(), prose.end())
    return None


def is_balance_sheet(text: str) -> bool:
    """A page headed 资产负债表 (not the audit opinion that merely names it)."""
    for line in text.splitlines():
        folded = "".join(line.split())
        if "资产负债表" in folded and len(folded) <= 14:
            return True
    folded = "".join(text.split())
    return "资产负债表" in folded and "编制单位" in folded


def audit_facts(pages: Pages, file: str) -> dict[str, Fact]:
    """Year audited and 资产总计 of the balance sheet.

    Pages are searched by their heads (a band at the top: cheap to OCR);
    only the balance-sheet page is read whole. Stops when both are found or
    the OCR budget is spent.
    """
    year: tuple[object, str, int] | None = None
    assets: tuple[object, str, int] | None = None
    how: str | None = None  # "unit_inferred" when the balance sheet states no unit
    for index in range(pages.starts.get("audit_report", 0), min(pages.count, AUDIT_PAGES)):
        head = pages.head(index)
        if index in pages.refused:
            break  # the OCR budget is spent; the rest of the scan stays unread (noted)
        if year is None and (hit := find_audit_year(head)):
            year = (*hit, index)
        if assets is None and is_balance_sheet(head):
            full = pages.text(index)
            if total := find_balance_total(full):
                assets = (round(total.assets.wan, 4), total.assets.snippet, index)
                how = "unit_inferred" if total.assets.inferred else None
                if problem := total.problem():
                    pages.problems.append(f"第{index + 1}页{problem}")
            if year is None and (hit := find_period_end(full)):
                year = (*hit, index)
        elif assets is None and not pages.is_scan(index) and (hit := find_assets_sentence(head)):
            assets = (*hit, index)  # “资产总额为…万元” in the text of a report
        if year and assets:
            break
    return _fact("audit_year", year, file, "年", pages=pages) | _fact(
        "total_assets", assets, file, "万元", how=how, pages=pages
    )


def find_period_end(text: str) -> tuple[object, str] | None:
    """The year of a balance sheet's date line (2025年12月31日), when the report named none."""
    m = _PERIOD_END_RE.search(text)
    if m and 1990 <= int(m[1]) <= 2100:
        return int(m[1]), _snippet(text, m.start(), m.end())
    return None


def seal_facts(pages: Pages, file: str, *, last_pages: int = SEAL_PAGES) -> dict[str, Fact]:
    """has_seal: whether one of the last pages carries a red seal (a declaration is signed at its end).

    No fact when no page could be looked at: the seal is then for a person to check.
    """

    checked = list(range(pages.count - 1, max(-1, pages.count - 1 - last_pages), -1))
    best = None
    for index in checked:
        try:
            result = pages.seal(index)
        except UnreadableFile:
            continue  # no image of that page (a Word document's text): cannot tell
        if best is None or result.score > best[1].score:
            best = (index, result)
        if result.found:
            break
    if best is None:
        return {}
    index, result = best
    evidence = Evidence(file=file, page=index + 1, snippet=result.describe())
    return {"has_seal": Fact("has_seal", result.found, evidence=evidence, raw=result.describe())}


def seen_seal(pages: Pages, file: str) -> dict[str, Fact]:
    """has_seal=True when a page already rendered (for OCR) showed a seal; nothing otherwise."""
    for index, result in sorted(pages.seals.items()):
        if result.found:
            evidence = Evidence(file=file, page=index + 1, snippet=result.describe())
            return {"has_seal": Fact("has_seal", True, evidence=evidence, raw=result.describe())}
    return {}


EXTRACTORS: dict[str, Callable[[Pages, str], dict[str, Fact]]] = {
    "business_license": licence_facts,
    "audit_report": audit_facts,
    "credit_report": credit_report_facts,
}
