"""A workbook of one sheet of plain values (text and numbers), written directly as SpreadsheetML.

The .xlsx beside a summary form is rows of cell values and nothing else (no styles, formulas or
print set-up), which openpyxl took ~250 ms to import and write: a third of the forms left to
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
# The one cell format every cell has (Excel wants a styles part with at least these).
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
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
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def _sheet(rows: Sequence[Sequence[Value]]) -> str:
    """The worksheet: row n is rows[n-1]; an empty row takes its number and holds no cell."""
    lines = []
    for r, row in enumerate(rows, start=1):
        if row:
            cells = "".join(_cell(f"{column_letter(c)}{r}", v) for c, v in enumerate(row, start=1))
            lines.append(f'<row r="{r}">{cells}</row>')
    filled = [r for r, row in enumerate(rows, start=1) if row]
    width = max((len(row) for row in rows), default=0)
    span = f"A{filled[0]}:{column_letter(width)}{filled[-1]}" if filled else "A1"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">'
        f'<dimension ref="{span}"/><sheetData>{"".join(lines)}</sheetData></worksheet>'
    )


def _workbook(title: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def write_sheet(path: Path | IO[bytes], title: str, rows: Iterable[Sequence[Value]]) -> None:
    """`path` as a workbook whose one sheet, named `title`, holds `rows` from A1 down."""
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _workbook(title),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": _sheet(list(rows)),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(name, xml.encode("utf-8"))
