"""The audit report (审计报告) → audit_year, total_assets (万元, from the balance sheet).

Pages are searched by their heads (a band at the top: cheap to OCR); only the balance-sheet page is
read whole, in its unit context (`intake/sources/balance.py`), and reading stops at it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Fact
from pingtai_cli.intake.facts.common import Found, page_fact, snippet

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.balance import BalanceTotal
    from pingtai_cli.intake.sources.pages import Pages

MATERIAL = "audit_report"
AUDIT_PAGES = 30  # pages searched for the balance sheet (scans stop earlier: OCR budget)

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


def find_audit_year(text: str) -> tuple[object, str] | None:
    for pattern in _AUDIT_YEAR_RES:
        m = pattern.search(text)
        if m and 1990 <= int(m[1]) <= 2100:
            return int(m[1]), snippet(text, m.start(), m.end())
    return None


def find_total_assets(text: str) -> tuple[object, str] | None:
    """资产总计 on a balance sheet (in its unit context), or “资产总额为…” in prose; in 万元."""
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
        return round(value, 4), snippet(text, prose.start(), prose.end())
    return None


def find_period_end(text: str) -> tuple[object, str] | None:
    """The year of a balance sheet's date line (2025年12月31日), when the report named none."""
    m = _PERIOD_END_RE.search(text)
    if m and 1990 <= int(m[1]) <= 2100:
        return int(m[1]), snippet(text, m.start(), m.end())
    return None


def is_balance_sheet(text: str) -> bool:
    """A page headed 资产负债表 (not the audit opinion that merely names it)."""
    for line in text.splitlines():
        folded = "".join(line.split())
        if "资产负债表" in folded and len(folded) <= 14:
            return True
    folded = "".join(text.split())
    return "资产负债表" in folded and "编制单位" in folded


def read(pages: Pages, file: str) -> dict[str, Fact]:
    """Year audited and 资产总计 of the balance sheet.

    Stops when both are found or the OCR budget is spent.
    """
    year: Found | None = None
    assets: Found | None = None
    how: str | None = None  # "unit_inferred" when the balance sheet states no unit
    for index in range(pages.starts.get(MATERIAL, 0), min(pages.count, AUDIT_PAGES)):
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
    return page_fact("audit_year", year, file, "年", pages=pages) | page_fact(
        "total_assets", assets, file, "万元", how=how, pages=pages
    )
