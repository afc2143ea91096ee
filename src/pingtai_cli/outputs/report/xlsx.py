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

from pingtai_cli.core.models import CheckResult
from pingtai_cli.engine.duplicates import duplicate_note
from pingtai_cli.outputs.report.labels import check_lang, t
from pingtai_cli.outputs.report.view import (
    GROUPS,
    ResultView,
    Row,
    build_view,
    clean,
    counts,
    main_problems,
    tally,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CELL_LIMIT = 32000  # Excel holds 32,767 characters per cell
MAX_WIDTH = 60

SUMMARY_COLUMNS = (
    "col.no", "col.org", "col.dossier", "col.region", "col.verdict",
    "col.n_fail", "col.n_missing", "col.n_absent", "col.n_invalid", "col.n_review", "col.problems",
    "col.credit_code", "fact.total_assets", "fact.smes_served", "fact.staff_total",
    "col.functions_met", "col.duplicate",
)  # fmt: skip
KEY_FACTS = ("total_assets", "smes_served", "staff_total")  # numbers, with their unit in the head
DETAIL_COLUMNS = (
    "col.dossier", "col.org", "col.category", "col.code", "col.name", "col.status", "col.actual",
    "col.required", "col.gap", "col.article", "col.evidence", "col.fix", "col.message",
)  # fmt: skip (col.message last: a script that reads the columns by position keeps its letters)
WRAP_COLUMNS = {"col.org", "col.problems", "col.name", "col.fix", "col.evidence", "col.duplicate", "col.message"}
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
    _materials_sheet(wb.create_sheet(t("sheet.materials", lang)), views)
    _tally_sheet(wb.create_sheet(t("sheet.tally", lang)), list(results), lang)
    for ws in wb.worksheets:
        _print_setup(ws)
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
        c.invalid,
        c.review,
        main_problems(r),
        *_key_facts(r),
        duplicate_note(r),
    ]


def _key_facts(r: CheckResult) -> list[Any]:
    """Credit code, the three figures a bureau compares first, and the functions met."""
    code = r.facts.get("credit_code")
    figures = []
    for key in KEY_FACTS:
        fact = r.facts.get(key)
        figures.append(fact.value if fact is not None and isinstance(fact.value, int | float) else None)
    fr = r.functions
    met = ""
    if fr is not None:
        names = "、".join(i.name for i in fr.items if i.status == "pass")
        met = f"{names or '无'}（{fr.met}/{fr.required}）"
    return [str(code.value) if code is not None else "", *figures, met]


MATERIAL_FILLS = {"present": "C8E6C9", "missing": "FFCDD2", "invalid": "FFCDD2", "review": "E1BEE7"}


def _materials_sheet(ws: Any, views: list[ResultView]) -> None:
    """Dossier × material: 已提供 / 缺件 / 无效 / 待审核 (blank: not asked of this dossier)."""
    from openpyxl.styles import PatternFill

    columns: dict[str, str] = {}  # material id → head, in ruleset order, across jurisdictions
    for v in views:
        for m in v.result.materials:
            columns.setdefault(m.id, m.name if m.required else f"{m.name}（非必需）")
    lang = views[0].lang if views else "zh"
    heads = [t("col.no", lang), t("col.org", lang), t("col.dossier", lang), *columns.values()]
    rows = []
    for i, v in enumerate(views, 1):
        by_id = {m.id: m for m in v.result.materials}
        cells = [_material_word(by_id.get(k), lang) for k in columns]
        if v.result.error:  # nothing could be looked at: say so rather than leave a blank row
            cells = [t("verdict.error", lang)] * len(columns)
        rows.append([i, v.org, v.result.dossier, *cells])
    _fill(ws, heads, rows)
    for r, v in enumerate(views, 2):
        by_id = {m.id: m for m in v.result.materials}
        for c, key in enumerate(columns, 4):
            got = by_id.get(key)
            colour = MATERIAL_FILLS.get(got.status) if got is not None and (got.required or got.status == "present") else None
            if colour:
                ws.cell(row=r, column=c).fill = PatternFill("solid", fgColor=colour)
    for col in range(4, len(heads) + 1):  # heads are long names: wrap them, keep columns narrow
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(col)].width = 12


def _material_word(m: Any, lang: str) -> str:
    if m is None:
        return ""
    if m.status == "missing":
        return t("status.absent" if m.required else "status.optional", lang)
    return t(f"status.{m.status}", lang)


def _tally_sheet(ws: Any, results: list[CheckResult], lang: str) -> None:
    """结论统计: a count per verdict (spec §3), of which could not be checked, and the duplicates."""
    tl = tally(results, lang)
    rows: list[list[Any]] = [[word, n] for _, word, n in tl.per_verdict]
    rows.append([t("label.unreadable_count", lang), tl.unreadable])
    rows.append([t("col.duplicate", lang), tl.duplicates])
    rows.append([t("label.total", lang), tl.total])
    _fill(ws, [t("col.verdict", lang), t("col.count", lang)], rows)
    ws.auto_filter.ref = None


def _print_setup(ws: Any) -> None:
    """A4 landscape, every column on the page width, the header row repeated on each page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


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
    message = "" if row.message in (name, actual) else row.message  # what the reviewer must decide, and why
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
        message,
    ]


def _fill(ws: Any, heads: list[str], rows: list[list[Any]]) -> None:
    """Header styled and frozen, autofilter over the data, widths from the content."""
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append(heads)
    top = Alignment(vertical="top")  # beside a wrapped cell, a row's other cells start at its top too
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.alignment = top
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


HEAD_WIDTH = 8  # a header wider than this wraps (its cell does) rather than widen a column of numbers
WRAP_WIDTH = 30  # a wrapped text column: its long cells grow the row, not the printed page's width


def _widths(ws: Any) -> None:
    """Each column as wide as its longest value (of the first 500), its header wrapping past
    HEAD_WIDTH: printed fit to the page width, a sheet as wide as its headers (满足的服务功能（满足/需）
    over a column of 2/1) came out at 40 % and could not be read."""
    from openpyxl.utils import get_column_letter

    for idx, column in enumerate(ws.iter_cols(values_only=True), 1):
        head, values = column[0], column[1:500]
        longest = max((_display_width(str(v)) for v in values if v is not None), default=0)
        floor = min(_display_width(str(head)) if head is not None else 4, HEAD_WIDTH)
        ws.column_dimensions[get_column_letter(idx)].width = min(max(longest, floor) + 2, MAX_WIDTH)


def _wrap(ws: Any, columns: Sequence[str]) -> None:
    """Long text columns wrap instead of running off the page, at most WRAP_WIDTH wide."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for idx, key in enumerate(columns, 1):
        if key not in WRAP_COLUMNS:
            continue
        dim = ws.column_dimensions[get_column_letter(idx)]
        dim.width = min(dim.width or WRAP_WIDTH, WRAP_WIDTH)
        for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _heights(ws)


LINE_POINTS = 15  # one line of the default 11-point font
MAX_ROW_POINTS = 409  # Excel's tallest row


def _heights(ws: Any) -> None:
    """Each row as tall as its most wrapped cell: neither Excel nor LibreOffice grows a row for
    wrapped text when it prints a workbook it did not lay out itself, so long cells overprinted
    the rows below them."""
    from openpyxl.utils import get_column_letter

    widths = [ws.column_dimensions[get_column_letter(i)].width or 8 for i in range(1, ws.max_column + 1)]
    for row in ws.iter_rows():
        lines = 1
        for cell, width in zip(row, widths, strict=False):
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            per_line = max(1.0, width - 1)
            lines = max(lines, sum(max(1, -(-_display_width(part) // int(per_line))) for part in str(cell.value).split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(lines * LINE_POINTS, MAX_ROW_POINTS)


def _colour_verdicts(ws: Any, col: int, views: list[ResultView]) -> None:
    from openpyxl.styles import PatternFill

    for i, view in enumerate(views, 2):
        colour = VERDICT_FILLS.get(view.verdict)
        if colour:
            ws.cell(row=i, column=col).fill = PatternFill("solid", fgColor=colour)
