"""The 申请表 wherever it is typed: Word tables and PDF tables laid into the workbook's grid.

Every container becomes `Grid`s (extract/grid.py) and goes through the one
label reader of extract/excel.py, so a label means the same in a workbook, a
.docx and a PDF:

- a .docx: each table on its grid, merged cells as merged ranges;
- a PDF with a text layer: pdfplumber's ruled-table extraction, and for a page
  whose form has no rules, its words laid into rows and cells by position;
- positioned text boxes (OCR lines of a scan) go through the same layout.

Evidence names the place as a person finds it: `申请报告.docx 表1!B3`,
`申请表.pdf 第2页表1!B3`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from pingtai_cli.intake.sources.grid import Grid

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.docx import DocxContent
    from pingtai_cli.intake.sources.excel import WorkbookResult
    from pingtai_cli.intake.sources.ocr import OcrLine

MAX_FORM_PAGES = 12  # PDF pages searched for the 申请表's tables
MAX_SCAN_FORM_PAGES = 3  # scanned pages of a 申请表 or list laid into grids (OCR budget allowing)
MIN_FACTS = 3  # fewer facts than this: a document that mentions labels, not a filled-in form
MAX_PROSE_ROWS = 3000  # paragraphs of a .docx read for `label：value` lines
CELL_GAP = 1.5  # a gap wider than this many character heights starts a new cell


class Box(NamedTuple):
    """A piece of text on a page: a PDF word run or an OCR line (page coordinates, y down)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def docx_grids(content: DocxContent) -> list[Grid]:
    """One grid per table of a .docx, named 表1, 表2, … in document order, then its paragraphs
    as one grid, a paragraph a row (`正文`): a 申请报告 may write its form as lines of
    `资产总额：320万元` and no table. The tables come first, so a value in both is the table's."""
    grids = []
    for i, rows in enumerate(content.tables):
        merges = content.merges[i] if i < len(content.merges) else []
        above = content.above[i] if i < len(content.above) else []
        grids.append(Grid(f"表{i + 1}", [list(r) for r in rows], [tuple(m) for m in merges], list(above)))  # type: ignore[misc]
    if content.paragraphs:
        rows = [[p] for p in content.paragraphs[:MAX_PROSE_ROWS]]
        grids.append(Grid("正文", rows, prose=True))
    return grids


def ocr_grid(name: str, lines: Iterable[OcrLine]) -> Grid:
    """OCR lines of a scanned page laid into rows and cells (each line its own cell)."""
    boxes = []
    for line in lines:
        xs, ys = [p[0] for p in line.box], [p[1] for p in line.box]
        boxes.append(Box(line.text, min(xs), min(ys), max(xs), max(ys)))
    return boxes_grid(name, boxes, join=False)


def boxes_grid(name: str, boxes: Iterable[Box], *, join: bool = True) -> Grid:
    """Text boxes laid into rows (by their vertical centres) and cells (left to right).

    A row is every box whose centre lies within half a box height of the row's;
    within a row, a box that starts close after the previous one continues its
    cell (a PDF breaks a phrase into several word runs; OCR lines are phrases already:
    `join=False`). Columns are not aligned
    across rows: the label reader needs only a label's right neighbour or the cell
    below, and a table whose header has as many cells as its rows still lines up.
    """
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        centre, height = (box.y0 + box.y1) / 2, box.y1 - box.y0
        last = rows[-1] if rows else None
        if last and abs((last[-1].y0 + last[-1].y1) / 2 - centre) <= max(height, last[-1].y1 - last[-1].y0) / 2:
            last.append(box)
        else:
            rows.append([box])
    grid_rows = []
    for row in rows:
        cells: list[str] = []
        right = None
        for box in sorted(row, key=lambda b: b.x0):
            height = max(1.0, box.y1 - box.y0)
            if join and right is not None and box.x0 - right < CELL_GAP * height and cells:
                cells[-1] += box.text
            else:
                cells.append(box.text)
            right = box.x1
        grid_rows.append([c.strip() for c in cells])
    return Grid(name, grid_rows)


def pdf_grids(data: bytes, indexes: Iterable[int]) -> list[Grid]:
    """Grids of the given text-layer pages of a PDF: ruled tables, else the words' layout."""
    import pdfplumber

    grids: list[Grid] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index in indexes:
            if index >= len(pdf.pages):
                break
            page = pdf.pages[index]
            tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            top = float(page.bbox[1])  # the previous table's bottom: a line above a table is below it
            for j, table in enumerate(tables):
                rows = [["" if c is None else " ".join(str(c).split()) for c in row] for row in table.extract()]
                above = _lines_between(page, top, table.bbox[1])
                grids.append(Grid(f"第{index + 1}页表{j + 1}", rows, above=above))
                top = max(top, table.bbox[3])
            if not tables:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
                boxes = [Box(w["text"], w["x0"], w["top"], w["x1"], w["bottom"]) for w in words]
                grid = boxes_grid(f"第{index + 1}页", boxes)
                grid.lines = True
                grids.append(grid)
            page.flush_cache()
    return grids


ABOVE_LINES = 2  # lines kept above a PDF table: its title and a unit note under it


def _lines_between(page, top: float, bottom: float) -> list[str]:  # page: pdfplumber Page
    """The last text lines of the page between `top` and `bottom` (a table's top edge)."""
    if bottom - top < 1:
        return []
    try:
        text = page.crop((page.bbox[0], top, page.bbox[2], bottom)).extract_text() or ""
    except ValueError:  # a box outside the page's own (a table drawn past its edge)
        return []
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-ABOVE_LINES:]


# compiled on first use (re caches it): only some inputs need it
_FORM_WORDS_RE = r"统一社会信用代码|单位名称|注册日期|成立日期|资产总额|从业人数|服务中小企业|单位性质|平台名称"


def looks_like_form(text: str) -> bool:
    """A page that holds a few of the 申请表's labels (worth extracting its tables)."""
    return len(set(re.findall(_FORM_WORDS_RE, "".join(text.split())))) >= 2


def read_form(grids: list[Grid], name: str, how: str) -> WorkbookResult | None:
    """The 申请表's facts, yearly table and lists read from `grids`; None when it is no form."""
    from pingtai_cli.intake.sources.excel import read_grids

    if not grids:
        return None
    result = read_grids(grids, name, how=how)
    if len(result.facts) < MIN_FACTS and not result.yearly and not result.lists:
        return None
    return result
