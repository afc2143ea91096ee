"""`--format xlsx`: the batch workbook a bureau sorts and filters.

Sheet 汇总 has one row per dossier; sheet 明细 one row per problem (condition,
function, material, finding). Applicants' text never becomes a formula: a
cell whose text starts with = + - @ (or a tab/CR) is prefixed with an
apostrophe, and characters Excel cannot store are made visible.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from typing import Any

from ..models import CheckResult
from .labels import check_lang, t
from .view import GROUPS, ResultView, Row, build_view, clean, counts, main_problems

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CELL_LIMIT = 32000  # Excel holds 32,767 characters per cell
MAX_WIDTH = 60

SUMMARY_COLUMNS = (
    "col.no", "col.org", "col.dossier", "col.region", "col.verdict",
    "col.n_fail", "col.n_missing", "col.n_absent", "col.n_review", "col.problems",
)  # fmt: skip
DETAIL_COLUMNS = (
    "col.dossier", "col.org", "col.category", "col.code", "col.name", "col.status", "col.actual",
    "col.required", "col.gap", "col.article", "col.evidence", "col.fix",
)  # fmt: skip
WRAP_COLUMNS = {"col.problems", "col.name", "col.fix", "col.evidence"}
VERDICT_FILLS = {
    "eligible": "C8E6C9",
    "ineligible": "FFCDD2",
    "incomplete": "FFF59D",
    "review": "E1BEE7",
    "error": "FFCDD2",
}


def safe_cell(value: Any) -> Any:
    """Numbers stay numbers; text is cleaned, bounded and cannot start a formula."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = clean(value, CELL_LIMIT)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    return text


def render_xlsx(
    results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh"
) -> bytes:
    """Both sheets as .xlsx bytes. `verbose` adds passing items to 明细."""
    from openpyxl import Workbook

    check_lang(lang)
    views = [build_view(r, lang) for r in results]
    wb = Workbook()
    summary = wb.active
    summary.title = t("sheet.summary", lang)
    _fill(
        summary,
        [t(k, lang) for k in SUMMARY_COLUMNS],
        [_summary_row(i, v) for i, v in enumerate(views, 1)],
    )
    _colour_verdicts(summary, SUMMARY_COLUMNS.index("col.verdict") + 1, views)
    _wrap(summary, SUMMARY_COLUMNS)
    detail = wb.create_sheet(t("sheet.detail", lang))
    rows = [_detail_row(v, row) for v in views for row in _detail_items(v, verbose)]
    _fill(detail, [t(k, lang) for k in DETAIL_COLUMNS], rows)
    _wrap(detail, DETAIL_COLUMNS)
    readings = wb.create_sheet(t("sheet.readings", lang))
    heads = [t(k, lang) for k in ("label.dossier", "col.code", "col.name", "col.article", "label.readings", "col.status")]
    _fill(readings, heads, [
        [v.result.dossier, r.code, r.name, r.article, r.note,
         t("label.reading_differs" if r.differs else "label.reading_agrees", lang)]
        for v in views for r in v.readings
    ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _summary_row(i: int, view: ResultView) -> list[Any]:
    r = view.result
    c = counts(r)
    return [
        i,
        view.org,
        r.dossier,
        r.jurisdiction_name,
        view.verdict_word,
        c.failed,
        c.missing,
        c.absent,
        c.review,
        main_problems(r),
    ]


def _detail_items(view: ResultView, verbose: bool) -> list[Row]:
    """The problems of a dossier (all items with -v); an unreadable dossier gets one line saying so."""
    if view.result.error:
        return [
            Row(
                group="consistency",
                code="dossier.error",
                name=t("label.error", view.lang),
                status="error",
                word=t("status.error", view.lang),
                tone="fail",
                message=clean(view.result.error),
            )
        ]
    if verbose:
        return [row for group in GROUPS for row in view.rows[group]]
    return view.problems()


def _detail_row(view: ResultView, row: Row) -> list[Any]:
    lang = view.lang
    name = row.name if row.group != "consistency" else row.message
    evidence = "；".join(row.evidence + row.files)
    notes = "；".join(row.notes)
    fix = "；".join(x for x in (row.fix, notes) if x)
    actual = row.actual or (row.message if row.group == "materials" else "")
    return [
        view.result.dossier,
        view.org,
        t(f"group.{row.group}", lang),
        row.code,
        name,
        row.word,
        actual,
        row.required,
        row.gap,
        " ".join(x for x in (row.article, f"“{row.quote}”" if row.quote else "") if x),
        evidence,
        fix,
    ]


def _fill(ws: Any, heads: list[str], rows: list[list[Any]]) -> None:
    """Header styled and frozen, autofilter over the data, widths from the content."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append(heads)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="305496")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _widths(ws)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(ws: Any) -> None:
    from openpyxl.utils import get_column_letter

    for idx, column in enumerate(ws.iter_cols(values_only=True), 1):
        longest = max((_display_width(str(v)) for v in column[:500] if v is not None), default=4)
        ws.column_dimensions[get_column_letter(idx)].width = min(max(longest + 2, 6), MAX_WIDTH)


def _wrap(ws: Any, columns: Sequence[str]) -> None:
    """Long text columns wrap instead of running off the page."""
    from openpyxl.styles import Alignment

    for idx, key in enumerate(columns, 1):
        if key not in WRAP_COLUMNS:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _colour_verdicts(ws: Any, col: int, views: list[ResultView]) -> None:
    from openpyxl.styles import PatternFill

    for i, view in enumerate(views, 2):
        colour = VERDICT_FILLS.get(view.verdict)
        if colour:
            ws.cell(row=i, column=col).fill = PatternFill("solid", fgColor=colour)
