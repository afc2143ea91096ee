"""A workbook of one sheet of plain values (text and numbers), written directly as SpreadsheetML.

The .xlsx beside a summary form is rows of cell values (no styles or formulas) with a print
set-up (A4 landscape, every column on the page width, the table's header row repeated on each
page) and column widths from the longest text, which openpyxl took ~250 ms to import and write: a third of the forms left to
render after a batch. This writes the same cells as openpyxl's `Worksheet.append` would (inline
strings, numbers as "%.16g", Excel's error words as errors, an empty string as an empty cell), so
that a workbook reader sees the same values; tests/test_forms.py compares the two.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

Value = str | int | float
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # openpyxl's

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
# The plain cell format, and one that wraps for a cell of several lines (资产总额\n（万元）, a name
# and a phone): without it a spreadsheet prints such a cell on one line, and LibreOffice only its last.
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Value) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(f"not a plain cell value: {value!r}")
    if not isinstance(value, str):
        return f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>'  # openpyxl's "%.16g"
    if value == "":
        return f'<c r="{ref}" t="inlineStr"/>'
    if value in ERROR_CODES:
        return f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>'
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    wrap = ' s="1"' if _lines(value) > 1 else ""
    return f'<c r="{ref}"{wrap} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


_WIDEST = 40  # a column's width at most: a longer text wraps in it


def _lines(text: str) -> int:
    """How many lines a text takes in its cell: its own, and a line wider than the widest column
    wrapped (a 结论 such as 待审核（与第1、2、…、44行重复申报）: unwrapped, it ran on past the table and
    the page, fitted to the width, printed at a third of its size)."""
    return sum(max(1, -(-int(_width(line)) // (_WIDEST - 3))) for line in text.split("\n"))


def _width(value: Value) -> float:
    """Excel's column width for a value (a CJK character is two digits wide), of its longest line."""
    text = value if isinstance(value, str) else f"{value:.16g}"
    return max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in text.split("\n")), default=0)


def _cols(rows: Sequence[Sequence[Value]]) -> str:
    """Each column as wide as its longest cell, between 6 and 40 (a title in one cell, the rows
    of a single-cell note, does not widen its column: it would squeeze the table on the page)."""
    widths: dict[int, float] = {}
    for row in rows:
        if len(row) < 2:
            continue
        for c, v in enumerate(row, start=1):
            widths[c] = max(widths.get(c, 0), _width(v))
    if not widths:
        return ""
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{min(_WIDEST, max(6, w + 3)):g}" customWidth="1"/>' for c, w in sorted(widths.items())
    )
    return f"<cols>{cols}</cols>"


# A4 (paperSize 9), landscape, one page wide and as many tall as needed (fitToHeight 0).
_PRINT = (
    '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
)


def _sheet(rows: Sequence[Sequence[Value]]) -> str:
    """The worksheet: row n is rows[n-1]; an empty row takes its number and holds no cell."""
    lines = []
    for r, row in enumerate(rows, start=1):
        if row:
            cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row, start=1))
            tall = max((_lines(v) for v in row if isinstance(v, str)), default=1)
            # a row of wrapped cells is as tall as its most lines (15 points each): readers do not
            # all fit a row's height to its text on opening
            height = f' ht="{15 * tall}" customHeight="1"' if tall > 1 else ""
            lines.append(f'<row r="{r}"{height}>{cells}</row>')
    filled = [r for r, row in enumerate(rows, start=1) if row]
    width = max((len(row) for row in rows), default=0)
    span = f"A{filled[0]}:{column_letter(width)}{filled[-1]}" if filled else "A1"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<dimension ref="{span}"/>{_cols(rows)}<sheetData>{"".join(lines)}</sheetData>{_PRINT}</worksheet>'
    )


def _workbook(title: str, header_row: int | None) -> str:
    names = ""
    if header_row:  # the sheet's name quoted as Excel quotes it ('' for a quote inside)
        quoted = "'" + title.replace("'", "''") + "'"
        names = (
            '<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
            f"{escape(quoted)}!${header_row}:${header_row}</definedName></definedNames>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>{names}</workbook>'
    )


def write_sheet(
    path: Path | IO[bytes], title: str, rows: Iterable[Sequence[Value]], header_row: int | None = None
) -> None:
    """`path` as a workbook whose one sheet, named `title`, holds `rows` from A1 down, printed
    with row `header_row` (1-based) repeated at the top of every page."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _workbook(title, header_row),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": _sheet(list(rows)),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(name, xml.encode("utf-8"))
