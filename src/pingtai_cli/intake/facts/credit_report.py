"""The credit report (信用报告) → report_date (it must be from the month of submission), credit_code."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Fact
from pingtai_cli.intake.facts.common import DATE, dated, find_credit_code, page_fact, search

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.pages import Pages

MATERIAL = "credit_report"
REPORT_PAGES = 2  # the generation date is printed on the cover or the first page

_REPORT_DATE_RE = (  # compiled on first use (re caches it): only a credit report needs it
    rf"(?:报告日期|报告生成时间|生成时间|生成日期|查询时间|查询日期|出具日期|打印日期|报告时间)\s*[:：]?\s*{DATE}"
)


def read(pages: Pages, file: str) -> dict[str, Fact]:
    """The date the report was generated, and the credit code it was generated for."""
    at = pages.starts.get(MATERIAL, 0)
    found = search(pages, dated(re.compile(_REPORT_DATE_RE)), REPORT_PAGES, at)
    facts = page_fact("report_date", found, file, pages=pages)
    facts |= page_fact("credit_code", search(pages, find_credit_code, 1, at), file, pages=pages)
    return facts
