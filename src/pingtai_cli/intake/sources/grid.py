"""Load a workbook's sheets as bounded grids of cached cell values, without trusting the file.

python-calamine reads values about 15× faster than openpyxl, but it builds a
dense rectangle from A1 to the farthest cell: one stray value in XFD1048576
makes it ask for 500 GB and abort the process. So for .xlsx a cheap regex pass
over each sheet's XML comes first. It finds the farthest cell that holds
something, the formula cells (and whether a computed value was saved with
them) and the merged ranges. A sheet within MAX_ROWS × MAX_COLS goes to
calamine; a larger one, or one whose cells lack addresses, is streamed with
openpyxl in read-only mode and cut at the bounds.

.xls and .ods have no such pre-pass: calamine reads them whole (the .xls format
itself stops at 65,536 × 256) and the grid is cut afterwards.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pingtai_cli.intake.sources.common import sniff

MAX_ROWS = 20_000
MAX_COLS = 200
MAX_FILE_BYTES = 100 * 1024 * 1024  # the workbook file itself
MAX_PART_BYTES = 256 * 1024 * 1024  # one part, as declared in the zip directory
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all parts together, uncompressed
MAX_MERGED_CELLS = 500_000
MAX_RATIO = 200  # uncompressed/compressed size of a part over 1 MB (real sheets: 5–30)
_CHUNK = 4 * 1024 * 1024


class NoCachedValue:
    """A formula cell saved without its computed value (files written by tools that don't compute)."""

    _instance: NoCachedValue | None = None

    def __new__(cls) -> NoCachedValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_CACHE"


NO_CACHE = NoCachedValue()


class UnreadableWorkbook(Exception):
    """The workbook as a whole cannot be opened; the message (Chinese) says why."""


@dataclass
class SheetProblem:
    """A sheet that was cut at the bounds or could not be read at all."""

    sheet: str
    kind: str  # "truncated" | "unreadable"
    reason: str


@dataclass
class Grid:
    """One sheet: `rows[r][c]` from A1 (0-based), "" for an empty cell, merged ranges inclusive."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    # lines written just above the table, outside it (a Word paragraph, a PDF line): where a
    # report's form states its title and `金额单位：万元`
    above: list[str] = field(default_factory=list)
    prose: bool = False  # each row one paragraph of a document's running text, not a table
    # a PDF page's words laid out by position (no ruled table on it): a report's lines, which may
    # quote the text's conditions (`资产总额：不低于100万元` under 二、申报条件) as a .docx's paragraphs do
    lines: bool = False
    _anchor: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)
    _span: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict, repr=False)
    _filled: list[list[tuple[int, Any]] | None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        budget = MAX_MERGED_CELLS
        for r0, c0, r1, c1 in self.merges:
            r1, c1 = min(r1, len(self.rows) - 1), min(c1, self.width - 1)
            if r1 < r0 or c1 < c0 or (r1 - r0 + 1) * (c1 - c0 + 1) > budget:
                continue
            budget -= (r1 - r0 + 1) * (c1 - c0 + 1)
            self._span[(r0, c0)] = (r1, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._anchor[(r, c)] = (r0, c0)

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def filled(self, r: int) -> list[tuple[int, Any]]:
        """(column, value) of the cells of row r that hold something, left to right."""
        if self._filled is None:
            self._filled = [None] * len(self.rows)
        cached = self._filled[r] if 0 <= r < len(self._filled) else []
        if cached is None:
            cached = [(c, v) for c, v in enumerate(self.rows[r]) if v != "" and not is_empty(v)]
            self._filled[r] = cached
        return cached

    def raw(self, r: int, c: int) -> Any:
        """The value stored in this very cell ("" outside the grid or inside a merge)."""
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return ""

    def anchor(self, r: int, c: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (r, c); (r, c) itself otherwise."""
        return self._anchor.get((r, c), (r, c))

    def span_end(self, r: int, c: int) -> tuple[int, int]:
        """The bottom-right cell of the merged range anchored at (r, c); (r, c) otherwise."""
        return self._span.get((r, c), (r, c))

    def value(self, r: int, c: int) -> Any:
        """The value shown in (r, c): a merged range shows its top-left cell's value."""
        if self._anchor:
            r, c = self._anchor.get((r, c), (r, c))
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


def cell_name(r: int, c: int) -> str:
    """0-based (row, column) → A1 style."""
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def is_empty(value: Any) -> bool:
    if value == "" or value is None:
        return True
    return isinstance(value, str) and not value.strip()


# ---------------------------------------------------------------------------
# loading


def load_grids(data: bytes) -> tuple[list[Grid], list[str], list[SheetProblem]]:
    """(grids of the worksheets, all sheet names in order, problems); raises UnreadableWorkbook."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableWorkbook(f"文件过大（{len(data) // 1024 // 1024} MB），未读取")
    kind = sniff(data)
    if kind == "empty":
        raise UnreadableWorkbook("文件为空（0字节）")
    if kind == "ole":
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise UnreadableWorkbook("工作簿设有打开密码，无法读取；请取消密码后重新提交")
        return _load_plain(data)
    if kind != "zip":
        raise UnreadableWorkbook("不是 Excel 文件（内容无法识别为 .xlsx 或 .xls）")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableWorkbook("文件已损坏，不是完整的 .xlsx 文件") from exc
    with archive:
        _check_sizes(archive)
        names = set(archive.namelist())
        if "content.xml" in names and not any(n.startswith("xl/") for n in names):
            return _load_plain(data)  # OpenDocument .ods
        return _load_xlsx(data, archive)


def _check_sizes(archive: zipfile.ZipFile) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
            raise UnreadableWorkbook("文件解压后过大（疑似压缩炸弹），未读取")
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableWorkbook(f"文件内部{info.filename}压缩比异常（疑似压缩炸弹），未读取")


def _open_calamine(data: bytes) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # calamine raises its own error family, one class per cause
        reraise_unless_library(exc)
        if "password" in type(exc).__name__.lower() or "password" in str(exc).lower():
            raise UnreadableWorkbook("工作簿设有打开密码，无法读取；请取消密码后重新提交") from exc
        raise UnreadableWorkbook(f"文件已损坏或格式不受支持（{_short(exc)}）") from exc


def reraise_unless_library(exc: BaseException) -> None:
    """Let Ctrl-C and exits through; a Rust panic inside calamine (pyo3's PanicException
    derives from BaseException) is the file's fault like any other library error."""
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:120]


def _worksheet_names(book: Any) -> tuple[list[str], list[str]]:
    """(all sheet names, the names of worksheets — chart and macro sheets hold no cells)."""
    from python_calamine import SheetTypeEnum

    names = list(book.sheet_names)
    worksheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    return names, worksheets


def _load_plain(data: bytes) -> tuple[list[Grid], list[str], list[SheetProblem]]:
    """.xls / .ods: calamine reads each sheet whole; the grid is cut afterwards."""
    book = _open_calamine(data)
    names, worksheets = _worksheet_names(book)
    grids: list[Grid] = []
    problems: list[SheetProblem] = []
    for name in worksheets:
        try:
            sheet = book.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merges = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        except BaseException as exc:
            reraise_unless_library(exc)
            problems.append(SheetProblem(name, "unreadable", _short(exc)))
            continue
        rows, truncated = _bound(rows)
        if truncated:
            problems.append(SheetProblem(name, "truncated", ""))
        grids.append(Grid(name, rows, merges))
    return grids, names, problems


@dataclass
class _Scan:
    """What a cheap pass over one sheet's XML found."""

    max_row: int = -1  # 0-based, cells holding a value or formula
    max_col: int = -1
    unaddressed: bool = False  # cells without an r="A1" attribute
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict)  # → has a cached value
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def fits(self) -> bool:
        return not self.unaddressed and self.max_row < MAX_ROWS and self.max_col < MAX_COLS


def _load_xlsx(
    data: bytes, archive: zipfile.ZipFile
) -> tuple[list[Grid], list[str], list[SheetProblem]]:
    parts = _sheet_parts(archive)
    book = _open_calamine(data)
    names, worksheets = _worksheet_names(book)
    grids: list[Grid] = []
    problems: list[SheetProblem] = []
    fallback: Any = None
    for name in worksheets:
        part = parts.get(name)
        try:
            scan = _scan_part(archive, part) if part else _Scan(unaddressed=True)
            if scan.fits():
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                truncated = False
            else:
                fallback = fallback or _open_openpyxl(data)
                rows, truncated = _bound(_openpyxl_rows(fallback, name, scan))
                truncated = truncated or not scan.unaddressed
        except UnreadableWorkbook:
            raise
        except BaseException as exc:
            reraise_unless_library(exc)
            problems.append(SheetProblem(name, "unreadable", _short(exc)))
            continue
        if truncated:
            problems.append(SheetProblem(name, "truncated", ""))
        _mark_uncached_formulas(rows, scan.formulas)
        grids.append(Grid(name, rows, scan.merges))
    return grids, names, problems


def _bound(rows: list[list[Any]]) -> tuple[list[list[Any]], bool]:
    """Cut to MAX_ROWS × MAX_COLS, dropping trailing empty rows; True when something was cut."""
    truncated = len(rows) > MAX_ROWS and any(
        not is_empty(v) for row in rows[MAX_ROWS:] for v in row
    )
    rows = rows[:MAX_ROWS]
    for i, row in enumerate(rows):
        if len(row) > MAX_COLS:
            truncated = truncated or any(not is_empty(v) for v in row[MAX_COLS:])
            rows[i] = row[:MAX_COLS]
    while rows and _blank_row(rows[-1]):
        rows.pop()
    return rows, truncated


def _blank_row(row: list[Any]) -> bool:
    return set(row) <= _BLANKS or all(is_empty(v) for v in row)


_BLANKS = {"", None}


def _mark_uncached_formulas(rows: list[list[Any]], formulas: dict[tuple[int, int], bool]) -> None:
    for (r, c), cached in formulas.items():
        if cached or r >= MAX_ROWS or c >= MAX_COLS:
            continue
        while len(rows) <= r:
            rows.append([])
        row = rows[r]
        if len(row) <= c:
            row.extend([""] * (c + 1 - len(row)))
        if is_empty(row[c]):
            row[c] = NO_CACHE


def _open_openpyxl(data: bytes) -> Any:
    import openpyxl

    try:
        with _no_dimension_scan():
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableWorkbook(f"文件已损坏或格式不受支持（{_short(exc)}）") from exc


@contextlib.contextmanager
def _no_dimension_scan() -> Iterator[None]:
    """Keep openpyxl from parsing every sheet whole while it opens the book.

    A read-only sheet looks for its `<dimension>` element on opening and, when a
    file leaves it out, parses the entire sheet to find out (13 s for a million
    rows). `_openpyxl_rows` always passes its own bounds, so the size is not needed.
    """
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    saved = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = saved


def _openpyxl_rows(book: Any, name: str, scan: _Scan) -> list[list[Any]]:
    """Stream one more row and column than the bounds, so that `_bound` can tell a cut."""
    sheet = book[name]
    max_row, max_col = MAX_ROWS + 1, MAX_COLS + 1
    if not scan.unaddressed:  # no wider or longer than the cells found
        max_row, max_col = min(max_row, scan.max_row + 1), min(max_col, scan.max_col + 1)
    if max_row < 1 or max_col < 1:
        return []
    return [
        ["" if v is None else v for v in row]
        for row in sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col, values_only=True)
    ]


# ---------------------------------------------------------------------------
# the XML pre-pass

_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_REF = rb'\br="([A-Z]{1,3})([0-9]{1,7})"'
_CONTENT_CELL_RE = re.compile(rb"<" + _NS + rb"c\b[^>]*>\s*<" + _NS + rb"(?:v|f|is)\b")
_ADDRESSED_CELL_RE = re.compile(
    rb"<" + _NS + rb"c\b[^>]*?" + _REF + rb"[^>]*>\s*<" + _NS + rb"(?:v|f|is)\b"
)
_FORMULA_CELL_RE = re.compile(
    rb"<" + _NS + rb"c\b[^>]*?" + _REF + rb"[^>]*>\s*<" + _NS + rb"f\b(.*?)</" + _NS + rb"c>",
    re.DOTALL,
)
_CACHED_RE = re.compile(rb"<" + _NS + rb"v\b[^>]*>\s*[^<\s]")
_FORMULA_HINT_RE = re.compile(rb"<" + _NS + rb"f\b")
_MERGE_RE = re.compile(
    rb"<"
    + _NS
    + rb'mergeCell\b[^>]*?\bref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"'
)
_ROW_END_RE = re.compile(rb"</" + _NS + rb"row>")
# A cell not written `<c r="A1" …` (namespace prefix, other attribute order, no address).
_ODD_CELL_RE = re.compile(rb'<c(?=[\s>/])(?! r="[A-Z])|<[A-Za-z_][\w.-]*:c(?=[\s>/])')


@lru_cache(maxsize=4)
def _far_cell_re(max_rows: int, max_cols: int) -> re.Pattern[bytes]:
    """`<c r="…` of a cell that may lie past the bounds (a few inside them match too)."""
    letters = cell_name(0, max_cols).rstrip("0123456789")
    digits = str(max_rows)
    cols = rf"[A-Z]{{{len(letters) + 1},}}|[{letters[0]}-Z][A-Z]{{{len(letters) - 1}}}"
    rows = rf"[{digits[0]}-9][0-9]{{{len(digits) - 1}}}|[0-9]{{{len(digits) + 1},}}"
    return re.compile(rf'<c r="(?:(?:{cols})[0-9]|[A-Z]{{1,3}}(?:{rows}))'.encode())


def _scan_part(archive: zipfile.ZipFile, part: str) -> _Scan:
    scan = _Scan()
    cols: set[bytes] = set()
    with archive.open(part) as fh:
        for piece in _pieces(fh):
            _scan_piece(piece, scan, cols)
    scan.max_col = max((_col_index(c) for c in cols), default=-1)
    return scan


def _pieces(fh: Any) -> Any:
    """The sheet XML in pieces that end after a `</row>`, so no cell is split between two."""
    buf = bytearray()
    while chunk := fh.read(_CHUNK):
        start = max(0, len(buf) - 16)
        buf += chunk
        cut = 0
        for match in _ROW_END_RE.finditer(buf, start):
            cut = match.end()
        if cut:
            yield bytes(buf[:cut])
            del buf[:cut]
    if buf:
        yield bytes(buf)


def _scan_piece(piece: bytes, scan: _Scan, cols: set[bytes]) -> None:
    plain = _ODD_CELL_RE.search(piece) is None  # every cell starts `<c r="…"`
    if not plain or _far_cell_re(MAX_ROWS, MAX_COLS).search(
        piece
    ):  # exact bounds only when they may matter
        refs = _ADDRESSED_CELL_RE.findall(piece)
        if len(refs) != len(_CONTENT_CELL_RE.findall(piece)):
            scan.unaddressed = True
        if refs:
            cols.update(col for col, _ in refs)
            scan.max_row = max(scan.max_row, max(int(row) for _, row in refs) - 1)
    if b"<f" in piece if plain else _FORMULA_HINT_RE.search(piece):
        for col, row, body in _FORMULA_CELL_RE.findall(piece):
            scan.formulas[(int(row) - 1, _col_index(col))] = bool(_CACHED_RE.search(body))
    for c0, r0, c1, r1 in _MERGE_RE.findall(piece) if b"mergeCell" in piece else ():
        if c1 and r1:
            scan.merges.append((int(r0) - 1, _col_index(c0), int(r1) - 1, _col_index(c1)))


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML, from the workbook part and its relationships."""
    workbook = _office_document(archive)
    rels = _relationships(archive, workbook)
    parts: dict[str, str] = {}
    for element in _xml(archive, workbook).iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        name = element.attrib.get("name")
        if name is not None and rel_id in rels:
            parts[name] = rels[rel_id]
    return parts


def _office_document(archive: zipfile.ZipFile) -> str:
    try:
        rels = _relationships(archive, "")
    except UnreadableWorkbook:
        rels = {}
    for target in rels.values():
        if (
            target.endswith(".xml")
            and target in archive.namelist()
            and "workbook" in target.lower()
        ):
            return target
    if "xl/workbook.xml" in archive.namelist():
        return "xl/workbook.xml"
    raise UnreadableWorkbook("压缩包中没有 Excel 工作簿（可能是改了扩展名的其他文件）")


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target member for `part` ("" = the package itself)."""
    folder, base = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", base + ".rels")
    if rels_path not in archive.namelist():
        return {}
    out: dict[str, str] = {}
    for element in _xml(archive, rels_path).iter():
        if _local(element.tag) == "Relationship" and "Id" in element.attrib:
            target = element.attrib.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            out[element.attrib["Id"]] = posixpath.normpath(path)
    return out


def _xml(archive: zipfile.ZipFile, member: str) -> Any:
    from defusedxml import ElementTree

    try:
        with archive.open(member) as fh:
            return ElementTree.fromstring(fh.read(16 * 1024 * 1024))
    except Exception as exc:
        raise UnreadableWorkbook(f"工作簿结构损坏（{member}：{_short(exc)}）") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
