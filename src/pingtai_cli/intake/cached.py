"""Readers that keep their expensive results by content: a scan is OCR'd once, ever.

What costs time and depends only on a file's bytes — page text layers, OCR of
a page (or of its head band), the seal test of a page, the text and headings
of a Word document, the parsed 申请表 — is kept in one record per file, keyed
by the SHA-256 of the bytes, `extractor_version()` and the limits that change
what is read. Classification and the facts drawn from texts are re-derived
every time: they are cheap, and they depend on the file's name.

Pages are recorded one by one, so a later need for page 3 of a scan reuses
pages 1–2. Within one dossier read the records live in memory (the same bytes
under two names are read once, even with `--no-cache`); with the cache on,
a record is loaded once per file from the user cache dir and saved once,
merged with what a concurrent worker may have saved meanwhile. A record that
is corrupt or not of the expected shape is a miss: the file is read again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.models import Evidence, Fact, Finding
from pingtai_cli.intake import cache
from pingtai_cli.intake.sources.ocr import load_image
from pingtai_cli.intake.sources.pages import SEAL_DPI
from pingtai_cli.intake.sources.pdf import open_pdf

if TYPE_CHECKING:
    from PIL import Image

    from pingtai_cli.intake.limits import Limits
    from pingtai_cli.intake.sources.docx import DocxContent
    from pingtai_cli.intake.sources.excel import WorkbookResult
    from pingtai_cli.intake.sources.grid import Grid
    from pingtai_cli.intake.sources.pages import Pages
    from pingtai_cli.intake.sources.pdf import PdfFile
    from pingtai_cli.intake.sources.seal import SealResult

# What a record depends on besides the file's bytes: the code that reads it. That is the intake
# layer and whatever the layers contract lets it import (core, the vocabulary), so the version is a
# digest of those files: an edit there is a new version, and no forgotten hand bump can serve a
# stale record. Editing anything else (reports, forms, rules) keeps the cache.
EXTRACTOR_SOURCES = ("intake/**/*.py", "core/**/*.py", "vocab/**/*.py", "vocab/**/*.yaml")
PACKAGE = Path(__file__).resolve().parent.parent


def source_digest(package: Path, patterns: tuple[str, ...] = EXTRACTOR_SOURCES) -> str:
    """SHA-256 over the names and bytes of the files under `package` matching `patterns`."""
    h = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in package.glob(pattern) if p.is_file()}):
        name = path.relative_to(package).as_posix().encode()
        h.update(b"%d:%s%d:" % (len(name), name, path.stat().st_size))
        h.update(path.read_bytes())
    return h.hexdigest()


@functools.cache
def extractor_version() -> str:
    """This installation's extractor version, computed once per process, when a record is first
    keyed (never by `--help`); the release is part of it, for an install that ships no sources."""
    from pingtai_cli.core.version import __version__

    return f"{__version__}+{source_digest(PACKAGE)[:16]}"


FILES = "files"  # cache namespace of per-file records
WORKBOOKS = "workbooks"
SECTIONS = ("meta", "layer", "ocr", "seal", "docx", "tables")


def _key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def _limits_part(limits: Limits) -> str:
    """The limits that change what is read from a file (not the OCR budget: it varies per file)."""
    return f"{limits.max_pages}/{limits.max_pixels}/{limits.max_file_bytes}/{limits.max_zip_ratio}"


class FileMemo:
    """The extraction record of one file's bytes: page texts, OCR, seals, Word content."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._record = _valid_record(cache.get(FILES, key))
        self._dirty = False

    @classmethod
    def of(cls, data: bytes, kind: str, limits: Limits) -> FileMemo:
        return cls(_key(extractor_version(), kind, _limits_part(limits), hashlib.sha256(data).hexdigest()))

    def _get(self, section: str, item: str) -> Any:
        return self._record[section].get(item)

    def _put(self, section: str, item: str, value: Any) -> None:
        self._record[section][item] = value
        self._dirty = True

    def save(self) -> None:
        """Store the record, merged over what another worker saved since it was loaded."""
        if not self._dirty:
            return
        theirs = _valid_record(cache.get(FILES, self.key))
        merged = {s: {**theirs[s], **self._record[s]} for s in SECTIONS}
        cache.put(FILES, self.key, merged)
        self._record, self._dirty = merged, False

    # -- PDF page counts and text layers

    def counts(self) -> tuple[int, int] | None:
        count, total = self._get("meta", "count"), self._get("meta", "total")
        if type(count) is int and type(total) is int and 0 <= count <= total:
            return count, total
        return None

    def set_counts(self, count: int, total: int) -> None:
        self._put("meta", "count", count)
        self._put("meta", "total", total)

    def layer(self, index: int) -> tuple[bool, str | None]:
        """(known, text): text None is a page that must be OCR'd."""
        item = str(index)
        if item not in self._record["layer"]:
            return False, None
        value = self._record["layer"][item]
        return (True, value) if value is None or isinstance(value, str) else (False, None)

    def set_layer(self, index: int, text: str | None) -> None:
        self._put("layer", str(index), text)

    # -- OCR and seals, per page (the pages.PageMemo protocol)

    def ocr(self, index: int, fraction: float) -> str | None:
        value = self._get("ocr", f"{index}@{fraction:g}")
        return value if isinstance(value, str) else None

    def set_ocr(self, index: int, fraction: float, text: str) -> None:
        self._put("ocr", f"{index}@{fraction:g}", text)

    def seal(self, index: int) -> SealResult | None:
        value = self._get("seal", str(index))
        try:
            found, score, box, colourless, faint = value
            if not isinstance(colourless, bool) or not isinstance(faint, bool):
                return None
            if not isinstance(found, bool) or not isinstance(score, int | float):
                return None
            if box is not None and not (len(box) == 4 and all(type(v) is int for v in box)):
                return None
        except (TypeError, ValueError):
            return None
        from pingtai_cli.intake.sources.seal import SealResult

        return SealResult(found, float(score), tuple(box) if box is not None else None, colourless, faint)

    def set_seal(self, index: int, result: SealResult) -> None:
        box = list(result.box) if result.box is not None else None
        self._put("seal", str(index), [result.found, result.score, box, result.colourless, result.faint])

    # -- flags and whole-file values

    def flag(self, name: str) -> bool:
        return self._get("meta", name) is True

    def set_flag(self, name: str) -> None:
        self._put("meta", name, True)

    def note(self, name: str) -> str | None:
        value = self._get("meta", f"note:{name}")
        return value if isinstance(value, str) else None

    def set_note(self, name: str, text: str) -> None:
        self._put("meta", f"note:{name}", text)

    # -- the tables of a PDF's text pages (pdfplumber: ~0.1-0.3 s a page, the dearest part of
    # re-reading a text dossier whose 申请表 or lists are PDFs)

    def tables(self, indexes: list[int]) -> list[Grid] | None:
        value = self._get("tables", ",".join(map(str, indexes)))
        if not isinstance(value, list):
            return None
        from pingtai_cli.intake.sources.grid import Grid

        grids = []
        for item in value:
            if not (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)):
                return None
            name, rows, above = item
            if not (_strings(rows) and isinstance(above, list) and all(isinstance(a, str) for a in above)):
                return None
            grids.append(Grid(name, rows, above=above))
        return grids

    def set_tables(self, indexes: list[int], grids: list[Grid]) -> None:
        """Only grids of plain text cells (what pdf_grids makes) are kept; others are read again."""
        if all(not g.merges and all(isinstance(c, str) for r in g.rows for c in r) for g in grids):
            self._put("tables", ",".join(map(str, indexes)), [[g.name, g.rows, g.above] for g in grids])

    def docx(self) -> dict[str, Any] | None:
        value = self._record["docx"]
        return value if value else None

    def set_docx(self, value: dict[str, Any]) -> None:
        self._record["docx"] = dict(value)
        self._dirty = True


def _valid_record(value: Any) -> dict[str, dict[str, Any]]:
    """The record's sections, each a fresh dict; anything else (corrupt, foreign) starts empty."""
    if isinstance(value, dict) and all(isinstance(value.get(s, {}), dict) for s in SECTIONS):
        return {s: dict(value.get(s, {})) for s in SECTIONS}
    return {s: {} for s in SECTIONS}


# ---------------------------------------------------------------------------
# PDF


class PdfSource:
    """A PDF's pages through the memo: opened only when a page is not known yet."""

    def __init__(self, data: bytes, limits: Limits, memo: FileMemo) -> None:
        self._data = data
        self._limits = limits
        self._memo = memo
        self._pdf: PdfFile | None = None
        counts = memo.counts()
        if counts is None:
            pdf = self._open()  # raises UnreadableFile: nothing is recorded for a file that fails
            counts = (pdf.count, pdf.total_pages)
            memo.set_counts(*counts)
        self.count, self.total = counts

    def _open(self) -> PdfFile:
        if self._pdf is None:

            self._pdf = open_pdf(
                self._data, max_pages=self._limits.max_pages, max_pixels=self._limits.max_pixels
            )
        return self._pdf

    @property
    def problems(self) -> list[str]:
        return self._pdf.problems if self._pdf is not None else []

    def layer(self, index: int) -> str | None:
        """The page's text layer, None for a scan; a page that failed to load is not recorded."""
        known, text = self._memo.layer(index)
        if known:
            return text
        pdf = self._open()
        before = len(pdf.problems)
        text = None if pdf.is_scan(index) else pdf.text(index)
        if len(pdf.problems) == before:
            self._memo.set_layer(index, text)
        return text

    def render(self, index: int) -> Image.Image:
        return self._open().render(index)

    def render_for_seal(self, index: int) -> Image.Image:

        return self._open().render(index, dpi=SEAL_DPI)

    def pages(self, max_ocr: int) -> Pages:
        from pingtai_cli.intake.sources.pages import Pages

        pages = Pages(
            self.count, self.total, self.layer, self.render, max_ocr, self._memo, self.render_for_seal
        )
        pages.dpi = lambda index: self._open().image_dpi(index)
        return pages

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


@contextlib.contextmanager
def pdf_source(data: bytes, limits: Limits, memo: FileMemo) -> Iterator[PdfSource]:
    source = PdfSource(data, limits, memo)
    try:
        yield source
    finally:
        source.close()


# ---------------------------------------------------------------------------
# images and Word documents


def image_pages(data: bytes, limits: Limits, memo: FileMemo, max_ocr: int) -> Pages:
    """A photo or scan image as one page, decoded only when it must be looked at.

    A file never decoded before is decoded at once, so that a broken image is
    an error of the file as usual; once it has decoded, later reads whose OCR
    and seal are recorded never decode it again.
    """
    from pingtai_cli.intake.sources.pages import Pages

    images: list[Image.Image] = []

    def render(index: int) -> Image.Image:
        if not images:
            images.append(load_image(data, max_pixels=limits.max_pixels))
        return images[0]

    if not memo.flag("image_ok"):
        render(0)
        memo.set_flag("image_ok")
    return Pages(1, 1, lambda i: None, render, max_ocr, memo=memo)


def docx_content(data: bytes, limits: Limits, memo: FileMemo) -> DocxContent:
    """Paragraphs, headings, tables and image names of a .docx (images stay in the zip)."""
    from pingtai_cli.intake.sources.docx import DocxContent, check_zip, read_docx

    kwargs = {"max_bytes": limits.max_file_bytes, "max_ratio": limits.max_zip_ratio}
    recorded = memo.docx()
    if recorded is not None:
        with contextlib.suppress(TypeError, ValueError, KeyError):
            paragraphs, headings, tables, images, merges, above = (
                list(recorded[f]) for f in _DOCX_FIELDS
            )
            content = DocxContent(paragraphs, headings, tables, images, merges, above)
            if _docx_shaped(content):
                content.archive = check_zip(data, **kwargs)
                return content
    content = read_docx(data, **kwargs)
    memo.set_docx({f: getattr(content, f) for f in _DOCX_FIELDS})
    return content


_DOCX_FIELDS = ("paragraphs", "headings", "tables", "images", "merges", "above")


def _strings(rows: Any) -> bool:
    """Rows of text cells, as a grid of a PDF's tables is kept."""
    return isinstance(rows, list) and all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in rows)


def _docx_shaped(content: DocxContent) -> bool:
    strings = content.paragraphs + content.headings + content.images
    cells = [c for table in content.tables for row in table for c in row]
    rows_ok = all(isinstance(row, list) for table in content.tables for row in table)
    merges_ok = len(content.merges) == len(content.tables) and all(
        isinstance(m, list) and len(m) == 4 for ms in content.merges for m in ms
    )
    above = [line for lines in content.above for line in lines]
    above_ok = len(content.above) == len(content.tables) and all(isinstance(a, list) for a in content.above)
    return rows_ok and merges_ok and above_ok and all(isinstance(s, str) for s in strings + cells + above)


# ---------------------------------------------------------------------------
# the workbook


def workbook(data: bytes, name: str) -> WorkbookResult:
    """The parsed 申请表; keyed by the name too, since its findings and evidence name the file."""
    from pingtai_cli import vocab
    from pingtai_cli.intake.sources.excel import WorkbookResult, read_workbook

    # the reader finds facts and lists by the vocabulary's labels: another vocabulary (vocab.use), another entry
    key = _key(extractor_version(), vocab.get().digest, "workbook", name, hashlib.sha256(data).hexdigest())
    hit = cache.get(WORKBOOKS, key)
    if hit is not None:
        with contextlib.suppress(Exception):  # any surprise in a stored value: read the file
            result = decode(hit)
            if isinstance(result, WorkbookResult):
                return result
    result = read_workbook(data, name)
    with contextlib.suppress(TypeError):  # a value the codec does not know: not stored
        cache.put(WORKBOOKS, key, encode(result))
    return result


# ---------------------------------------------------------------------------
# a JSON codec for the model's dataclasses, dates and tuples


def _registry() -> dict[str, type]:
    from pingtai_cli.intake.sources.excel import WorkbookResult

    return {c.__name__: c for c in (WorkbookResult, Evidence, Fact, Finding)}


def encode(value: Any) -> Any:
    """JSON-ready form of a value made of the model's dataclasses, dates, lists, dicts, tuples."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"$m": {k: encode(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _registry():
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$dc": type(value).__name__, "f": fields}
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of `encode`; raises on anything it did not write."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [decode(v) for v in value]
    (tag,) = [k for k in value if k.startswith("$")]
    if tag == "$dt":
        return datetime.fromisoformat(value[tag])
    if tag == "$d":
        return date.fromisoformat(value[tag])
    if tag == "$t":
        return tuple(decode(v) for v in value[tag])
    if tag == "$m":
        return {k: decode(v) for k, v in value[tag].items()}
    if tag == "$dc":
        cls = _registry()[value[tag]]
        return cls(**{k: decode(v) for k, v in value["f"].items()})
    raise ValueError(f"unknown tag {tag}")
