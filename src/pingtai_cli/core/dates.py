"""The check date as a user gives it (`--as-of 2026-03-15`, or a date in the Python API)."""

from __future__ import annotations

from datetime import date

from pingtai_cli.core.errors import PingtaiError

AS_OF_YEARS = (1900, 2999)  # what "近三年", "上一年度" can be computed for; outside is a typo


def parse_as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        when = date.fromisoformat(text)
    except ValueError as e:
        raise PingtaiError(f"--as-of 应为 YYYY-MM-DD 格式的日期，收到 {text!r}") from e
    low, high = AS_OF_YEARS
    if not low <= when.year <= high:
        raise PingtaiError(f"--as-of 的年份应在 {low} 至 {high} 之间，收到 {text!r}")
    return when


def as_of_date(value: date | str | None) -> date:
    """A date as given, text parsed as `--as-of` is, today when none."""
    return value if isinstance(value, date) else parse_as_of(value)
