"""Word (.docx) documents: paragraphs, tables, headings and embedded images.

A .docx is a zip of XML parts, so before python-docx sees it the zip is
checked: member count, declared sizes, compression ratio (a zip bomb), and
no DTD in any XML part (entity expansion, external entities; Word never
writes one). Headings are paragraphs with a Heading/标题 style or that start
like the sections of a Chinese report (`一、…`, `（一）…`, `第一章`).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from pingtai_cli.intake.sources.common import UnreadableFile, mismatch, sniff

MAX_MEMBERS = 2000
MAX_IMAGES = 20
DEFAULT_MAX_BYTES = 100 * 2**20  # all parts together, uncompressed
DEFAULT_MAX_RATIO = 200
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif")

_HEADING_STYLE_RE = re.compile(r"^(heading|标题|title)", re.IGNORECASE)
_HEADING_TEXT_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|"
    r"第[一二三四五六七八九十百\d]{1,3}[章节部分篇])"
)
MAX_HEADING_CHARS = 40
ABOVE_LINES = 2  # paragraphs kept above a table: its title and a unit note under it
ABOVE_CHARS = 60  # a longer paragraph is body text, not a table's title or note
HEAD_BYTES = 64 * 1024  # of each XML part, searched for a DTD before the root element


@dataclass
class DocxContent:
    paragraphs: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    # table → row → cell text, one entry per grid column; a merged cell's text is in its
    # top-left cell only (the others are "") and its range is in `merges`
    tables: list[list[list[str]]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # zip members under word/media/, read lazily
    merges: list[list[list[int]]] = field(default_factory=list)  # per table: [r0, c0, r1, c1]
    # per table: the short paragraphs just above it, after the previous table (`金额单位：万元`)
    above: list[list[str]] = field(default_factory=list)
    archive: zipfile.ZipFile | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        """All text, paragraphs first, then table rows with cells separated by tabs."""
        rows = ["\t".join(_squeeze(row)) for table in self.tables for row in table]
        return "\n".join([*self.paragraphs, *rows])

    def image(self, index: int) -> bytes:
        """The bytes of embedded image `index` (its size was bounded by check_zip)."""
        if self.archive is None:
            raise UnreadableFile("文档图片不可用")
        try:
            return self.archive.read(self.images[index])
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise UnreadableFile(f"文档中的图片{self.images[index]}已损坏") from exc


def check_zip(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_ratio: int = DEFAULT_MAX_RATIO
) -> zipfile.ZipFile:
    """Open an Office zip after checking it cannot blow up; raises UnreadableFile."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile("文档已损坏或不完整（ZIP结构错误），无法读取") from exc
    if len(infos) > MAX_MEMBERS:
        raise UnreadableFile(f"文档内部部件过多（{len(infos)}个），疑似恶意构造，未读取")
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise UnreadableFile(
            f"文档解压后过大（{total / 2**20:.0f} MB，上限{max_bytes / 2**20:.0f} MB），疑似压缩炸弹，未读取"
        )
    for info in infos:
        if info.file_size > 2**20 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnreadableFile(f"文档部件{info.filename}压缩比异常，疑似压缩炸弹，未读取")
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            try:
                with archive.open(info) as member:
                    head = member.read(HEAD_BYTES)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                raise UnreadableFile(f"文档部件{info.filename}已损坏，无法读取") from exc
            if declares_dtd(head):
                raise UnreadableFile("文档含有XML实体声明（DTD），疑似恶意构造，未读取")
    return archive


def declares_dtd(head: bytes) -> bool:
    """True when the XML prolog (what precedes the root element) holds a DTD, or may.

    Word never writes one. The prolog's declarations, processing instructions
    and comments are stepped over exactly, so a DOCTYPE behind a long comment
    (or a comment holding `<x`) is still seen; a prolog that runs past the
    bytes read counts as a DTD (a shorter part without a root is just malformed).
    UTF-16 parts are decoded first.
    """
    cut = len(head) >= HEAD_BYTES
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if head.startswith(opening, pos):
                end = head.find(closing, pos + len(opening))
                if end < 0:
                    return cut
                pos = end + len(closing)
                break
        else:
            return head.startswith(b"<!", pos) or (pos >= len(head) and cut)


def read_docx(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_ratio: int = DEFAULT_MAX_RATIO
) -> DocxContent:
    """The content of a .docx; raises UnreadableFile with a Chinese reason."""
    kind = sniff(data)
    if kind == "ole":
        raise UnreadableFile("这是旧版Word文档（.doc）或加密的文档，无法读取；请另存为.docx或PDF")
    if kind != "zip":
        raise mismatch("Word文档（.docx）", data)
    archive = check_zip(data, max_bytes=max_bytes, max_ratio=max_ratio)
    if "word/document.xml" not in archive.namelist():
        raise UnreadableFile("ZIP中没有word/document.xml，不是Word文档（.docx）")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        content = _content(document)
    except UnreadableFile:
        raise
    except Exception as exc:  # python-docx raises many kinds on malformed parts
        raise UnreadableFile(f"Word文档结构错误，无法读取（{exc.__class__.__name__}）") from exc
    content.archive = archive
    content.images = [
        info.filename
        for info in archive.infolist()
        if info.filename.lower().startswith("word/media/")
        and info.filename.lower().endswith(IMAGE_EXTS)
    ][:MAX_IMAGES]
    return content


def _content(document) -> DocxContent:  # document: docx.document.Document
    content = DocxContent()
    paragraphs = document.paragraphs
    style_ids = [paragraph._p.style for paragraph in paragraphs]  # the style id in w:pPr/w:pStyle
    names, default = _style_names(document, set(style_ids))
    texts: dict[object, str] = {}  # the paragraph's XML element → its text, for `_above`
    for paragraph, style_id in zip(paragraphs, style_ids, strict=True):
        text = paragraph.text.strip()
        if not text:
            continue
        texts[paragraph._p] = text
        content.paragraphs.append(text)
        style = names.get(style_id, default)
        heading = heading_of(text, style or "")
        if heading:
            content.headings.append(heading)
    above = _above(document, texts)
    for table in _all_tables(document.tables):
        rows, merges = _table_grid(table)
        content.tables.append(rows)
        content.merges.append(merges)
        content.above.append(above.get(table._tbl, []))
    return content


def _above(document, texts: dict[object, str]) -> dict[object, list[str]]:  # docx Document
    """For each body table (its w:tbl element), the last short paragraphs between it and the
    table before it; a long paragraph between ends the run (it is text, not the table's title or
    its `（单位：万元）`). A table nested in a cell has none."""
    from docx.oxml.ns import qn

    found: dict[object, list[str]] = {}
    recent: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            found[child] = recent[-ABOVE_LINES:]
            recent = []
        elif (text := texts.get(child)) is not None:
            recent = [*recent, text] if len(text) <= ABOVE_CHARS else []
    return found


MAX_TABLE_DEPTH = 3  # a table in a cell of a table in a cell …: deeper ones are not read
MAX_TABLES = 200


def _all_tables(tables: list[Any], depth: int = 1) -> list[Any]:
    """The document's tables in reading order, each followed by the tables nested in its cells.

    A 申请表 pasted into the cell of a framing table (the form's title row above it) is a table
    inside a table; python-docx gives only the outer one, whose cell text leaves the inner table
    out, so its labels and values were never read.
    """
    from docx.table import Table

    out: list[Any] = []
    for table in tables:
        out.append(table)
        if depth < MAX_TABLE_DEPTH:
            inner = [Table(tbl, table._parent) for tr in table._tbl.tr_lst for tc in tr.tc_lst for tbl in tc.tbl_lst]
            out.extend(_all_tables(inner, depth + 1))
        if len(out) >= MAX_TABLES:
            return out[:MAX_TABLES]
    return out


def _table_grid(table) -> tuple[list[list[str]], list[list[int]]]:  # table: docx Table
    """The table's cells on its grid: python-docx repeats a merged cell in every grid position
    it covers (across and down), so a repeat is left empty and its range recorded."""
    rows: list[list[str]] = []
    # the cell's XML element → (row, col) first seen; holding the element keeps lxml handing
    # back the same proxy for it (an id() could be reused once a proxy is collected)
    first: dict[object, tuple[int, int]] = {}
    ends: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(table.rows):
        cells: list[str] = []
        for c, cell in enumerate(row.cells):
            key = cell._tc
            if key in first:
                r0, c0 = first[key]
                end = ends.setdefault((r0, c0), [r0, c0])
                end[0], end[1] = max(end[0], r), max(end[1], c)
                cells.append("")
            else:
                first[key] = (r, c)
                cells.append(cell.text.strip())
        rows.append(cells)
    merges = [[r0, c0, r1, c1] for (r0, c0), (r1, c1) in ends.items()]
    return rows, merges


def _squeeze(row: list[str]) -> list[str]:
    """A row's cells as read aloud: a merged cell once, no run of blanks."""
    out: list[str] = []
    for text in row:
        if not out or out[-1] != text:
            out.append(text)
    return out


def _style_names(document, ids: set[str | None]) -> tuple[dict[str | None, str], str]:  # docx Document
    """Style id → name for the ids the paragraphs use, and the default paragraph style's name.

    python-docx's `paragraph.style` searches every style of the document for each paragraph;
    a Word file's styles.xml holds hundreds (~20 M instructions to make an object of each), so
    only the ids in use are made: the last style of an id, as a dict of them all kept it, and
    the default is python-docx's (the last paragraph style marked default) among those marked.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.styles.style import StyleFactory

    used: dict[str | None, Any] = {}
    marked: list[Any] = []
    for element in document.styles.element.iterchildren(qn("w:style")):
        style_id = element.get(qn("w:styleId"))
        if style_id in ids:
            used[style_id] = element
        if element.get(qn("w:default")) is not None:
            marked.append(element)
    names = {style_id: StyleFactory(element).name or "" for style_id, element in used.items()}
    defaults = [e for e in marked if e.type == WD_STYLE_TYPE.PARAGRAPH and e.default]
    return names, (StyleFactory(defaults[-1]).name or "") if defaults else ""


def heading_of(text: str, style: str = "") -> str | None:
    """The heading a paragraph is, cut to its title part, or None for body text."""
    if _HEADING_STYLE_RE.match(style.strip()):
        return text[: MAX_HEADING_CHARS * 2]
    if not _HEADING_TEXT_RE.match(text):
        return None
    title = re.split(r"[。：:；;]", text, maxsplit=1)[0]
    if len(title) > MAX_HEADING_CHARS:
        return None  # a numbered paragraph of body text, not a section title
    return title
