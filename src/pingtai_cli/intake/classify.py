"""One file of a dossier → a MaterialFile: its kind, the material(s) it is, the facts it shows.

`process_file(name, bytes, limits)` is a pure function of its arguments (the seam where the
extraction cache keyed by content hash fits): the file is classified by name, then by the
titles of its first pages, read for its document facts, and a 申请表 in a Word or PDF file is
read as the workbook would be. A file that cannot be read costs its own error, never the dossier.
(Listing a folder or zip safely is intake/listing.py; the dossier as a whole, intake/dossier.py.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from pingtai_cli.core.models import MaterialFile
from pingtai_cli.intake.facts import READERS, seal
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.common import NotChecked, UnreadableFile
from pingtai_cli.intake.sources.tables import (
    MAX_FORM_PAGES,
    MAX_SCAN_FORM_PAGES,
    docx_grids,
    looks_like_form,
    ocr_grid,
    pdf_grids,
    read_form,
)

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.grid import Grid
    from pingtai_cli.intake.sources.pages import Pages

KINDS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".bmp": "image",
    ".tif": "image",
    ".tiff": "image",
    ".webp": "image",
    ".gif": "image",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".txt": "text",
}
UNSUPPORTED = {
    ".doc": "旧版Word文档（.doc）无法读取，请另存为.docx或PDF",
    ".wps": "WPS文字文档（.wps）无法读取，请另存为.docx或PDF",
    ".ofd": "OFD版式文件无法读取，请另存为PDF",
    ".rar": "RAR压缩包不会被解开读取，请将其中的文件直接放入卷宗",
    ".7z": "7z压缩包不会被解开读取，请将其中的文件直接放入卷宗",
}
OCR_REFUSED = "已达文字识别页数上限"


def kind_of(name: str) -> str:
    """pdf | docx | image | xlsx | text | other, from the extension."""
    return KINDS.get(PurePosixPath(name).suffix.lower(), "other")


def process_file(name: str, data: bytes, limits: Limits) -> MaterialFile:
    """Classify one file and read its facts; a file that cannot be read gets `error`, never raises.

    A pure function of (name, data, limits): the content-hash cache wraps it.
    """
    from pingtai_cli.intake.materials import classify_name

    material = MaterialFile(path=name, kind=kind_of(name))
    hits = classify_name(name)
    try:
        with _pages_of(material, data, limits) as pages:
            if pages is not None:
                content = _read_content(material, pages, hits, limits)
                material.content_keys = _unique([k for k, _ in content])
                hits += content
                if (FORM_KEYS | LIST_KEYS) & {k for k, _ in hits}:
                    material.material_keys = _unique([k for k, _ in hits])
                    _read_form(material, data, pages)
                    material.ocr_pages = pages.ocr_pages  # a scanned form's pages count too
    except Exception as exc:  # UnreadableFile, or a library's surprise on a hostile file
        material.error = failure_reason(exc)
        material.unchecked = isinstance(exc, NotChecked)
    assign_keys(material, hits)
    return material


def failure_reason(exc: Exception) -> str:

    if isinstance(exc, UnreadableFile):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "文件过大，读取时内存不足"
    return f"读取时出错（{exc.__class__.__name__}），文件可能已损坏"


@contextlib.contextmanager
def _pages_of(material: MaterialFile, data: bytes, limits: Limits) -> Iterator[Pages | None]:
    """The document's pages, or None for a kind that is classified by name only.

    Text layers, OCR, seals and Word content go through the file's memo
    (extract/cached.py): read once per content, saved when the file is done.
    """
    from pingtai_cli.intake import cached
    from pingtai_cli.intake.sources.pages import Pages

    suffix = PurePosixPath(material.path).suffix.lower()
    if suffix in UNSUPPORTED:
        raise NotChecked(UNSUPPORTED[suffix])
    if material.kind not in ("pdf", "image", "docx"):
        yield Pages.from_text(_decode_text(data)) if material.kind == "text" else None
        return
    memo = cached.FileMemo.of(data, material.kind, limits)
    try:
        if material.kind == "pdf":
            with cached.pdf_source(data, limits, memo) as source:
                yield source.pages(limits.max_ocr_pages)
                material.notes += source.problems
        elif material.kind == "image":
            yield cached.image_pages(data, limits, memo, limits.max_ocr_pages)
        else:
            content = cached.docx_content(data, limits, memo)
            material.sections = content.headings
            yield Pages.from_docx(content, limits.max_ocr_pages, limits.max_pixels, memo)
    finally:
        memo.save()


def _decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return data.decode("utf-8", errors="replace")


def _read_content(
    material: MaterialFile, pages: Pages, name_hits: list[tuple[str, str]], limits: Limits
) -> list[tuple[str, str]]:
    """Classify by content and read the facts each material carries; returns the content matches."""
    from pingtai_cli.intake.materials import first_pages, name_of, sealed

    name_keys = [k for k, _ in name_hits]
    content_hits = _classify_by_content(pages, name_keys)
    pages.starts = first_pages(content_hits)  # a material bound behind others starts there
    keys = _unique(name_keys + [k for k, _ in content_hits])
    steps = [(name_of(k), READERS[k]) for k in keys if k in READERS]
    if sealed(keys):
        steps.append(("公章", seal.read))
    steps.append(("公章", seal.seen))  # a seal seen on a page rendered anyway
    for label, extractor in steps:
        try:
            found = extractor(pages, material.path)
        except Exception as exc:  # one fact's failure must not lose the file's classification
            material.notes.append(f"读取{label}信息时出错：{failure_reason(exc)}")
            continue
        for fact_key, fact in found.items():
            material.facts.setdefault(fact_key, fact)
    material.pages = pages.total
    material.ocr_pages = pages.ocr_pages
    material.notes += _page_notes(pages, limits)
    return content_hits


FORM_KEYS = {"application_form", "application_report"}  # files whose tables may be the 申请表
LIST_KEYS = {"staff_list", "served_sme_list", "equipment_list"}  # files whose tables are lists


def _read_form(material: MaterialFile, data: bytes, pages: Pages) -> None:
    """The 申请表 (or a list) typed in a Word or PDF file's tables, or laid out on a scan's
    OCR lines, through the workbook's label reader."""

    keys = set(material.material_keys) | {k for k in pages.starts}
    whole = not keys & FORM_KEYS or "application_form" in keys  # every page is form or list
    try:
        if pages.docx is not None:
            material.form = read_form(docx_grids(pages.docx), material.path, "typed")
            return
        count = min(pages.count, MAX_FORM_PAGES)
        text = [
            i
            for i in range(count)
            if not pages.is_scan(i)
            and (whole or looks_like_form(pages.known(i) or ""))  # a report: its form pages
        ]
        if text and material.kind == "pdf":
            material.form = read_form(_text_grids(data, text, pages), material.path, "text")
        elif "application_form" in keys or keys & LIST_KEYS:  # a scanned 申请表 or list
            grids = []
            for i in [i for i in range(count) if pages.is_scan(i)][:MAX_SCAN_FORM_PAGES]:
                lines = pages.lines(i)
                if lines:
                    grids.append(ocr_grid(f"第{i + 1}页", lines))
            material.form = read_form(grids, material.path, "ocr")
    except Exception as exc:  # the tables are a bonus: the file's classification stands
        material.notes.append(f"读取表格时出错：{failure_reason(exc)}")


def _text_grids(data: bytes, indexes: list[int], pages: Pages) -> list[Grid]:
    """The tables of a PDF's text pages, through the file's memo when it keeps them (a
    re-check of a dossier whose 申请表 or lists are PDFs runs pdfplumber no more)."""
    from pingtai_cli.intake.cached import FileMemo

    memo = pages.memo if isinstance(pages.memo, FileMemo) else None
    known = memo.tables(indexes) if memo is not None else None
    if known is not None:
        return known
    grids = pdf_grids(data, indexes)
    if memo is not None:
        memo.set_tables(indexes, grids)
    return grids


def _classify_by_content(pages: Pages, name_keys: list[str]) -> list[tuple[str, str]]:
    """Content matches, reading scanned pages only as far as needed, cheapest reading first.

    Text layers are free. Of a scan, page 1 is OCR'd — its head band first
    when the name told nothing (the title is there), the whole page when the
    name says it is a material whose facts need its text — and page 2 only
    when page 1 was nearly blank (a cover). A file whose name already says
    what it is, of a kind that needs no text, is not OCR'd at all.
    """
    from pingtai_cli.intake.materials import TITLE_PAGES, classify_content, is_contents, needs_text

    count = min(pages.count, TITLE_PAGES)

    def texts(read: Callable[[int], str] | None, scans: int) -> list[str]:
        out = []
        for index in range(count):
            known = pages.known(index)
            out.append(
                known if known is not None else read(index) if read and index < scans else ""
            )
        return out

    hits = classify_content(texts(None, 0))
    if hits or (name_keys and not needs_text(name_keys)):
        return hits
    readers = [pages.text] if name_keys else [pages.head, pages.text]
    for read in readers:
        first = texts(read, 1)
        hits = classify_content(first)
        if not hits and len("".join(first[0].split()) if first else "") < 20:
            hits = classify_content(texts(read, 2))
        if read == pages.head and (pages.count > 1 or is_contents(first[0] if first else "")):
            hits = _page_titles(pages, read) or hits
        if hits:
            break
    return hits


def _page_titles(pages: Pages, read: Callable[[int], str]) -> list[tuple[str, str]]:
    """Titles of every page of a scan, each read from its top band, within the file's OCR budget.

    A combined scan binds several materials (the licence on page 1, the credit report on
    page 2, the audit report from page 3) or keeps the licence behind a cover and a table of
    contents: each page's title names what starts there. Only the top band is read (a third
    of a page's OCR time), and the bands are kept in the file's cache record, so a re-check
    reads none of them again. Reading stops when the budget is spent: the pages left unread
    are reported as refused, never guessed.
    """
    from pingtai_cli.intake.materials import SCAN_TITLE_PAGES, classify_content

    seen: list[str] = []
    for index in range(min(pages.count, SCAN_TITLE_PAGES)):
        known = pages.known(index)
        seen.append(known if known is not None else read(index))  # page 1: read already
        if pages.refused:
            break
    return [(k, r) for k, r in classify_content(seen) if "标题" in r]


def _page_notes(pages: Pages, limits: Limits) -> list[str]:
    notes = list(pages.problems)
    if pages.total > pages.count:
        notes.append(f"共{pages.total}页，只读取了前{pages.count}页（上限{limits.max_pages}页）")
    if pages.refused:
        shown = "、".join(str(i + 1) for i in pages.refused[:10])
        notes.append(f"第{shown}页是扫描件，{OCR_REFUSED}（{pages.max_ocr}页），未识别")
    return notes


def _unique(keys: list[str]) -> list[str]:
    return list(dict.fromkeys(keys))


def assign_keys(material: MaterialFile, hits: list[tuple[str, str]]) -> None:
    from pingtai_cli.intake.materials import name_of

    material.material_keys = _unique([k for k, _ in hits])
    material.matched_by = [f"{name_of(k)}：{reason}" for k, reason in hits]
