"""The business licence or 法人证书 → credit_code (validated), org_name, registration_date,
legal_representative, org_type (单位性质, only where the document says it for sure).

These feed the cross-document checks (the workbook says one thing, the licence another).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Fact
from pingtai_cli.intake.facts.common import (
    DATE,
    dated,
    find_credit_code,
    page_fact,
    search,
    snippet,
)

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.pages import Pages

MATERIAL = "business_license"
LICENCE_PAGES = 2  # a licence is page 1 (page 2 when the 正本 comes first)

_LABELS_AFTER_NAME = (
    r"类\s*型|法定代表人|负责人|注册资本|开办资金|成立日期|住\s*所|营业期限|经营范围|登记机关|宗旨"
)
_NAME_RE = re.compile(
    rf"(?:^|\n)[ \t]*(?:单位|企业|机构)?名\s*称\s*[:：]?\s*(?P<v>[^\n]+?)\s*(?=\s{{2,}}|{_LABELS_AFTER_NAME}|\n|$)"
)
_LEGAL_REP_RE = re.compile(r"(?:法定代表人|负责人)\s*[:：]?\s*(?P<v>[\u4e00-\u9fff·]{2,10})")
_REG_DATE_RE = re.compile(rf"(?:成立日期|注册日期|登记日期|成立时间|设立日期)\s*[:：]?\s*{DATE}")

# The printed field labels of a licence or 法人证书: never a value (OCR of a two-column licence
# puts `法定代表人` beside `注册资本` when the name sits on the line below)
FIELD_LABELS = (
    "统一社会信用代码",
    "名称",
    "类型",
    "法定代表人",
    "负责人",
    "注册资本",
    "开办资金",
    "成立日期",
    "注册日期",
    "营业期限",
    "住所",
    "经营场所",
    "经营范围",
    "登记机关",
    "宗旨和业务范围",
    "举办单位",
    "经费来源",
    "有效期",
    "发证机关",
)
_FIELD_LABEL_RE = re.compile("|".join(sorted(FIELD_LABELS, key=len, reverse=True)))

_TYPE_RE = re.compile(
    r"类\s*型\s*[:：]?\s*(?P<v>[\u4e00-\u9fff（）()·]{2,40}?)(?=\s|法定代表人|负责人|$)"
)
_CERTIFICATE_TYPES = (
    ("事业单位法人证书", "事业单位法人"),
    ("社会团体法人登记证书", "社会团体法人"),
    ("民办非企业单位登记证书", "民办非企业单位"),
)
_COMPANY_RE = re.compile(r"有限责任公司|股份有限公司|有限公司|全民所有制|集体所有制|股份合作制")


def not_a_label(value: str) -> str | None:
    """The value cut before any field label it runs into; None when nothing but a label is left."""
    m = _FIELD_LABEL_RE.search(value)
    cut = value[: m.start()] if m else value
    return cut if len(cut) >= 2 else None


# Marks a name never starts or ends with: OCR reads a speck beside a line as `·`, `.` or `|`
_NOT_AN_END = " :：;；,，。·•・.-_|、'\"“”‘’"


def find_org_name(text: str) -> tuple[object, str] | None:
    for m in _NAME_RE.finditer(text):
        name = not_a_label(m["v"].strip(_NOT_AN_END)) or ""
        if 2 <= len(name) <= 60 and re.search(r"[\u4e00-\u9fff]", name):
            return name, snippet(text, m.start("v") - 4, m.end())
    return None


def find_legal_rep(text: str) -> tuple[object, str] | None:
    for m in _LEGAL_REP_RE.finditer(text):
        name = not_a_label(m["v"])
        if name is not None:
            return name, snippet(text, m.start(), m.end())
    return None


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
        return "非法人分支机构", snippet(text, m.start(), m.end())
    if _COMPANY_RE.search(written):
        return "企业法人", snippet(text, m.start(), m.end())
    return None


FINDERS = (
    ("credit_code", find_credit_code),
    ("org_name", find_org_name),
    ("registration_date", dated(_REG_DATE_RE)),
    ("legal_representative", find_legal_rep),
    ("org_type", find_org_type),
)


def read(pages: Pages, file: str) -> dict[str, Fact]:
    """Credit code, name, registration date and legal representative of a licence or 法人证书."""
    facts: dict[str, Fact] = {}
    at = pages.starts.get(MATERIAL, 0)  # page 3 of a combined PDF
    for key, finder in FINDERS:
        facts |= page_fact(key, search(pages, finder, LICENCE_PAGES, at), file, pages=pages)
    return facts
