"""What every document's fact reader shares: finding a value page by page, and the fact it makes.

A reader (`licence.py`, `audit.py`, `credit_report.py`, `seal.py`) is a function
`(pages, file) -> {fact_key: Fact}`; `__init__.py` names which material each one reads. Pages
are asked for lazily, so a scan is OCR'd only as far as the fact needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Evidence, Fact

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.pages import Pages

DATE = r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})"
SNIPPET = 80

Finder = Callable[[str], "tuple[object, str] | None"]  # text → (value, snippet)
Found = tuple[object, str, int]  # value, snippet, page index
Reader = Callable[["Pages", str], dict[str, Fact]]


def snippet(text: str, start: int, end: int) -> str:
    """The matched text with a little context, on one line."""
    lo = max(0, start - 10)
    return " ".join(text[lo : max(end, start + 20)][:SNIPPET].split())


def search(pages: Pages, finder: Finder, last: int, start: int = 0) -> Found | None:
    """The first page (of `last` from `start`) where `finder` finds its value; OCR'd only as reached."""
    for index in range(start, min(pages.count, start + last)):
        hit = finder(pages.text(index))
        if hit is not None:
            return hit[0], hit[1], index
    return None


def how_read(pages: Pages, index: int) -> str:
    """ "ocr" for a scanned page, "text" for a text layer (PDF or Word)."""
    return "ocr" if pages.is_scan(index) else "text"


def page_fact(
    key: str,
    found: Found | None,
    file: str,
    unit: str | None = None,
    how: str | None = None,
    pages: Pages | None = None,
) -> dict[str, Fact]:
    """{key: Fact} for a value found on a page (with its page and snippet); {} when not found."""
    if found is None:
        return {}
    value, text, index = found
    if how is None and pages is not None:
        how = how_read(pages, index)
    evidence = Evidence(file=file, page=index + 1, snippet=text, how=how)
    return {key: Fact(key, value, unit=unit, evidence=evidence, raw=text)}


def _date(match: re.Match[str]) -> date | None:
    from pingtai_cli.intake.sources.units import ValueParseError, parse_date

    try:
        return parse_date(f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}")
    except ValueParseError:
        return None


def dated(pattern: re.Pattern[str]) -> Finder:
    """A finder for the first valid date `pattern` matches (its groups: year, month, day)."""

    def find(text: str) -> tuple[object, str] | None:
        for m in pattern.finditer(text):
            value = _date(m)
            if value is not None:
                return value, snippet(text, m.start(), m.end())
        return None

    return find


def find_credit_code(text: str) -> tuple[object, str] | None:
    """The 统一社会信用代码 printed in a text (check character verified, OCR slips repaired)."""
    from pingtai_cli.intake.sources.uscc import credit_code_near

    code = credit_code_near(text)
    if code is None:
        return None
    return code.code, snippet(text, code.start, code.start + 18)
