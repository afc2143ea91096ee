"""Render a `Comparison` (jurisdictions side by side) as a terminal table, markdown, JSON, CSV or xlsx.

Every renderer takes the whole `Comparison` and knows nothing of where its rows
came from, so rows added later (a dossier's verdict under each jurisdiction)
render the same way. CSV and xlsx cells that a spreadsheet would run as a
formula (= + - @ at the start) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from pingtai_cli.outputs.comparison import Cell, Column, Comparison, Row

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LEGEND = "粗体 = 最严，斜体 = 最宽（仅数值可比的行）；—（未规定）= 该地文件没有此项；—（未编码）= 规则文件尚未编码此项（文件可能有规定）。"


def neutralise(text: str) -> str:
    """A cell a spreadsheet would evaluate becomes inert text: '=1+1 → ''=1+1."""
    return "'" + text if text.startswith(FORMULA_START) else text


def headers(cmp: Comparison) -> list[str]:
    return ["类别", "条件", *[c.name for c in cmp.columns], "差异"]


def _cells(cmp: Comparison, row: Row) -> list[Cell]:
    return [row.cells.get(c.key) or Cell("") for c in cmp.columns]


def plain_rows(cmp: Comparison) -> list[list[str]]:
    """One list of strings per row: section, label, a cell per jurisdiction, the difference."""
    return [
        [row.section, row.label, *[c.display() for c in _cells(cmp, row)], row.diff]
        for row in cmp.rows
    ]


def render_json(cmp: Comparison) -> str:
    return json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2) + "\n"


def render_csv(cmp: Comparison) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for values in [headers(cmp), *plain_rows(cmp)]:
        writer.writerow([neutralise(v) for v in values])
    return buf.getvalue()


def _md(text: str) -> str:
    from pingtai_cli.outputs.report.markdown import (
        _AUTOLINK,  # a dossier's row may carry a URL: no autolink either
    )

    return _AUTOLINK.sub("\u200b", text).replace("|", "\\|").replace("\n", "<br>")


def _md_cell(cell: Cell) -> str:
    text = _md(cell.display())
    if cell.emphasis == "strictest":
        return f"**{text}**"
    if cell.emphasis == "loosest":
        return f"*{text}*"
    return text


def render_markdown(cmp: Comparison) -> str:
    """One table per section, jurisdictions as columns."""
    lines = ["# 各地认定条件对比", "", LEGEND, ""]
    lines += [f"- **{c.name}**（{c.level}）：{c.document}" for c in cmp.columns]
    for section in dict.fromkeys(r.section for r in cmp.rows):
        lines += ["", f"## {section}", ""]
        lines.append("| 条件 | " + " | ".join(_md(c.name) for c in cmp.columns) + " | 差异 |")
        lines.append("|---" * (len(cmp.columns) + 2) + "|")
        for row in (r for r in cmp.rows if r.section == section):
            cells = " | ".join(_md_cell(c) for c in _cells(cmp, row))
            lines.append(f"| {_md(row.label)} | {cells} | {_md(row.diff)} |")
    return "\n".join(lines) + "\n"


def render_terminal(cmp: Comparison) -> Any:
    """A rich Table: sections as separators, strictest bold red, loosest italic green."""
    from rich.table import Table
    from rich.text import Text

    from pingtai_cli.outputs.report.wrap import Wrapped

    table = Table(title="各地认定条件对比", caption=LEGEND, show_lines=False, expand=False)
    table.add_column("条件", style="bold", overflow="fold", min_width=6)
    for c in cmp.columns:
        table.add_column(c.name, overflow="fold", min_width=6)
    table.add_column("差异", overflow="fold", min_width=6)
    section = None
    for row in cmp.rows:
        if row.section != section:
            if section is not None:
                table.add_section()
            section = row.section
            table.add_row(Text(f"【{section}】", style="bold cyan"), *[""] * (len(cmp.columns) + 1))
        cells = [Wrapped(Text(c.display(), style=_style(c))) for c in _cells(cmp, row)]
        diff = Text(row.diff, style="dim" if row.diff == "一致" else "yellow")
        table.add_row(Wrapped(Text(row.label)), *cells, Wrapped(diff))  # Chinese broken as it is set
    return table


def _style(cell: Cell) -> str:
    if cell.absent:
        return "dim"
    return {"strictest": "bold red", "loosest": "italic green"}.get(cell.emphasis or "", "")


def render_xlsx(cmp: Comparison) -> bytes:
    """A workbook with one sheet: frozen headers, strictest bold, loosest italic, differing rows shaded."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "各地对比"
    ws.append([neutralise(h) for h in headers(cmp)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    shade = PatternFill("solid", fgColor="FFF2CC")
    for i, row in enumerate(cmp.rows, start=2):
        cells = _cells(cmp, row)
        ws.append(
            [
                neutralise(v)
                for v in (row.section, row.label, *[c.display() for c in cells], row.diff)
            ]
        )
        for j, c in enumerate(cells, start=3):
            target = ws.cell(row=i, column=j)
            target.font = Font(
                bold=c.emphasis == "strictest",
                italic=c.emphasis == "loosest",
                color="808080" if c.absent else None,
            )
            if row.diff and row.diff != "一致":
                target.fill = shade
    wrap = Alignment(wrap_text=True, vertical="top")
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        for cell in col:
            cell.alignment = wrap
    widths = [10, 22] + [34] * len(cmp.columns) + [30]
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = width
    ws.freeze_panes = "C2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


RENDERERS = {
    "table": render_terminal,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
    "xlsx": render_xlsx,
}


def render(cmp: Comparison, fmt: str) -> Any:
    """str for text formats, bytes for xlsx, a rich renderable for `table`."""
    return RENDERERS[fmt](cmp)


def render_rows(columns: list[Column], rows: list[Row], fmt: str) -> Any:
    """Render any rows under these jurisdiction columns — the seam for rows that are not law.

    `compare-jurisdictions --dossier DIR` can append, say, a 结论 row whose cells are a
    dossier's verdict under each jurisdiction (Row(id="dossier.verdict", section="结论",
    label=…, cells={key: Cell(text, article)})) and render it with the rest.
    """
    return render(Comparison(columns, rows), fmt)
