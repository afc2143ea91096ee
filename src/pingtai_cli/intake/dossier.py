"""Open a dossier (a folder or a .zip), read its workbook and classify every other file.

The dossier is untrusted: a broken, hostile or oversized file costs one
finding and reading goes on. Nothing is ever written inside the dossier; zip
members are read in memory. Work is bounded by `Limits` (files, bytes, pages,
OCR'd pages, pixels, compression ratio).

`process_file(name, bytes, limits)` is a pure function of its arguments, the
seam where an extraction cache keyed by content hash fits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pingtai_cli.core.errors import DossierError, os_reason
from pingtai_cli.core.files import is_inside
from pingtai_cli.core.models import Dossier, Finding, MaterialFile
from pingtai_cli.intake.facts.crosscheck import merge_forms
from pingtai_cli.intake.facts.docfacts import EXTRACTORS, seal_facts, seen_seal
from pingtai_cli.intake.limits import MB, Limits
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
    from pingtai_cli.intake.sources.pages import Pages

WORKBOOK_EXTS = (".xlsx", ".xlsm", ".xls")
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
ARCHIVE_EXTS = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


# ---------------------------------------------------------------------------
# one file → MaterialFile


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
        material.error = _reason(exc)
        material.unchecked = isinstance(exc, NotChecked)
    _assign(material, hits)
    return material


def _reason(exc: Exception) -> str:

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
    steps = [(name_of(k), EXTRACTORS[k]) for k in keys if k in EXTRACTORS]
    if sealed(keys):
        steps.append(("公章", seal_facts))
    steps.append(("公章", seen_seal))  # a seal seen on a page rendered anyway
    for label, extractor in steps:
        try:
            found = extractor(pages, material.path)
        except Exception as exc:  # one fact's failure must not lose the file's classification
            material.notes.append(f"读取{label}信息时出错：{_reason(exc)}")
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
            material.form = read_form(pdf_grids(data, text), material.path, "text")
        elif "application_form" in keys or keys & LIST_KEYS:  # a scanned 申请表 or list
            grids = []
            for i in [i for i in range(count) if pages.is_scan(i)][:MAX_SCAN_FORM_PAGES]:
                lines = pages.lines(i)
                if lines:
                    grids.append(ocr_grid(f"第{i + 1}页", lines))
            material.form = read_form(grids, material.path, "ocr")
    except Exception as exc:  # the tables are a bonus: the file's classification stands
        material.notes.append(f"读取表格时出错：{_reason(exc)}")


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


def _assign(material: MaterialFile, hits: list[tuple[str, str]]) -> None:
    from pingtai_cli.intake.materials import name_of

    material.material_keys = _unique([k for k, _ in hits])
    material.matched_by = [f"{name_of(k)}：{reason}" for k, reason in hits]


# ---------------------------------------------------------------------------
# the dossier's files: a folder or a zip


@dataclass
class Entry:
    """A regular file of the dossier, read only when processed."""

    name: str  # relative, '/' separated
    size: int
    load: Callable[[], bytes]


@dataclass
class Listing:
    entries: list[Entry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def skip(self, fid: str, severity: str, message: str, name: str) -> None:
        self.findings.append(Finding(fid, severity, message, [name]))  # type: ignore[arg-type]


def _junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    base = parts[-1].lower() if parts else ""
    return base in JUNK_NAMES or base.startswith("~$") or "__MACOSX" in parts


def _admit(listing: Listing, name: str, size: int, total: int, limits: Limits) -> bool:
    """Whether a file within the dossier may be read, with a finding when not.

    The first workbook, and the first named like the 申请表, pass the file cap:
    ten thousand files listed before `申请表.xlsx` must not crowd out the file
    the facts come from.
    """
    if len(listing.entries) >= limits.max_files and not _wanted_book(listing, name):
        if not any(f.id == "dossier.too_many_files" for f in listing.findings):
            listing.skip(
                "dossier.too_many_files",
                "error",
                f"卷宗文件数超过上限（{limits.max_files}个），其余文件未读取",
                name,
            )
        return False
    if size > limits.max_file_bytes:
        listing.skip(
            "file.too_large",
            "error",
            f"{name}：文件过大（{size / MB:.1f} MB，上限{limits.max_file_bytes / MB:.0f} MB），未读取",
            name,
        )
        return False
    if total + size > limits.max_total_bytes:
        listing.skip(
            "dossier.too_large",
            "error",
            f"{name}：卷宗文件总大小超过上限（{limits.max_total_bytes / MB:.0f} MB），未读取",
            name,
        )
        return False
    if name.lower().endswith(ARCHIVE_EXTS):
        listing.skip(
            "file.nested_archive",
            "warning",
            f"{name}：卷宗中的压缩包不会被解开读取，请将其中的文件直接放入卷宗",
            name,
        )
        return False
    return True


def _is_book(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_EXTS)


def _form_named(name: str) -> bool:
    return any(w in PurePosixPath(name).stem for w in ("申请表", "申报表"))


# Marks of an old copy: whole words, so 中原/太原 or "bold" are not taken for them
_STALE_RE = re.compile(
    r"旧版|旧的|（旧）|\(旧\)|原版|备份|副本|草稿|作废|废弃|过期"
    r"|(?<![a-z])(?:old|copy|bak|backup|draft)(?![a-z])|^~\$",
    re.IGNORECASE,
)


def _book_rank(name: str) -> tuple[bool, bool, int, int, str]:
    """Which of several workbooks is the 申请表: named like one, not an old copy, near the top."""
    path = PurePosixPath(name)
    stale = bool(_STALE_RE.search(path.name))
    return stale, not _form_named(name), len(path.parts), len(path.stem), name


def _wanted_book(listing: Listing, name: str) -> bool:
    """A workbook the 申请表 may be: the first one, or the first named like it."""
    if not _is_book(name):
        return False
    books = [e.name for e in listing.entries if _is_book(e.name)]
    return not books or (_form_named(name) and not any(_form_named(b) for b in books))


def _folder_listing(root: Path, limits: Limits) -> Listing:
    """Regular files under root; symlinks, FIFOs, devices and unreadable entries are findings."""
    listing = Listing()
    total = 0
    stack = [root]
    dirs = 0
    while stack:
        folder = stack.pop()
        dirs += 1
        if dirs > limits.max_dirs:
            listing.skip(
                "dossier.too_many_dirs",
                "error",
                f"卷宗子文件夹超过上限（{limits.max_dirs}个），其余未读取",
                str(folder),
            )
            break
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            rel = folder.relative_to(root).as_posix()
            listing.skip(
                "file.unreadable", "error", f"{rel}：文件夹无法读取（{os_reason(exc)}）", rel
            )
            continue
        for item in items:
            rel = Path(item.path).relative_to(root).as_posix()
            if _junk(rel):
                continue
            try:
                st = item.stat(follow_symlinks=False)
            except OSError as exc:
                listing.skip(
                    "file.unreadable", "error", f"{rel}：无法读取（{os_reason(exc)}）", rel
                )
                continue
            if stat.S_ISLNK(st.st_mode):
                listing.skip("file.symlink", "warning", _symlink_message(root, item.path, rel), rel)
            elif stat.S_ISDIR(st.st_mode):
                stack.append(Path(item.path))
            elif not stat.S_ISREG(st.st_mode):
                listing.skip(
                    "file.special",
                    "warning",
                    f"{rel}：不是普通文件（管道、设备或套接字），已跳过",
                    rel,
                )
            elif _admit(listing, rel, st.st_size, total, limits):
                total += st.st_size
                listing.entries.append(
                    Entry(rel, st.st_size, _file_loader(Path(item.path), limits))
                )
    listing.entries.sort(key=lambda e: e.name)
    return listing


def _symlink_message(root: Path, path: str, rel: str) -> str:
    where = "指向卷宗内的文件" if is_inside(path, root) else "指向卷宗以外"
    return f"{rel}：是符号链接（{where}），为安全起见未读取；请放入文件本身"


def _file_loader(path: Path, limits: Limits) -> Callable[[], bytes]:
    def load() -> bytes:
        """Read without following a symlink or blocking on a FIFO swapped in since the listing."""

        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            raise UnreadableFile(f"无法打开（{os_reason(exc)}）") from exc
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise UnreadableFile("不是普通文件")
            data = fh.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise NotChecked(f"文件过大（超过{limits.max_file_bytes / MB:.0f} MB），未读取")
        return data

    return load


def decode_member_name(info: zipfile.ZipInfo) -> tuple[str, bool]:
    """(name, decoded) for a zip member: names from Windows tools (no UTF-8 flag) are GBK.

    Without flag bit 11 Python decodes a name as cp437; the raw bytes are
    recovered and tried as UTF-8 (some tools omit the flag), then GB18030.
    """
    if info.flag_bits & 0x800:
        return info.filename, True
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(encoding), True
    return info.filename, False


def unsafe_member_name(name: str) -> str | None:
    """Why a member name may not be used as a path (absolute, drive letter, `..`), or None."""
    name = name.replace("\\", "/")
    if name.startswith("/"):
        return "绝对路径"
    if len(name) >= 2 and name[1] == ":" and name[0].isalpha():
        return "带盘符的路径"
    if ".." in name.split("/"):
        return "含“..”的路径（路径穿越）"
    if "\x00" in name:
        return "含空字符"
    return None


def _zip_listing(archive: zipfile.ZipFile, limits: Limits) -> Listing:
    listing = Listing()
    total = 0
    seen: set[str] = set()
    for info in archive.infolist():
        if info.is_dir():
            continue
        name, decoded = decode_member_name(info)
        shown = name.replace("\\", "/")
        why = unsafe_member_name(name)
        if why:
            listing.skip(
                "zip.unsafe_name", "error", f"压缩包成员“{shown}”是{why}，为安全起见已跳过", shown
            )
            continue
        name = "/".join(p for p in shown.split("/") if p not in ("", "."))
        if not name or _junk(name):
            continue
        if not decoded:
            listing.skip(
                "zip.name_encoding",
                "info",
                f"压缩包成员“{name}”的文件名编码无法识别，按原样显示",
                name,
            )
        if name in seen:
            listing.skip(
                "zip.duplicate_name", "warning", f"压缩包中有重名成员“{name}”，只读取第一个", name
            )
            continue
        seen.add(name)
        if info.file_size > MB and info.file_size > limits.max_zip_ratio * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            listing.skip(
                "zip.bomb",
                "error",
                f"{name}：压缩比异常（{ratio:.0f}:1，上限{limits.max_zip_ratio}:1），疑似压缩炸弹，未解压",
                name,
            )
            continue
        if _admit(listing, name, info.file_size, total, limits):
            total += info.file_size
            listing.entries.append(
                Entry(name, info.file_size, _member_loader(archive, info, limits))
            )
    return listing


def _member_loader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits
) -> Callable[[], bytes]:
    def load() -> bytes:
        """Read a member in memory, stopping at the size cap whatever its header declared."""

        cap = min(limits.max_file_bytes, info.file_size)
        chunks, size = [], 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(MB):
                    size += len(chunk)
                    if size > cap:
                        raise UnreadableFile("解压后大小超过声明值或上限，疑似压缩炸弹，未读取")
                    chunks.append(chunk)
        except RuntimeError as exc:  # encrypted member
            raise UnreadableFile("压缩包中的此文件已加密，无法读取") from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UnreadableFile(_member_problem(exc)) from exc
        return b"".join(chunks)

    return load


def _member_problem(exc: Exception) -> str:
    """Why a member cannot be read, in Chinese (the library's text names it in cp437 mojibake)."""
    if "CRC" in str(exc):
        return "压缩包中的此文件校验失败（内容与声明不符：已损坏、被篡改或疑似压缩炸弹），未读取"
    if isinstance(exc, NotImplementedError):
        return "压缩包中的此文件使用了不支持的压缩方式，无法读取"
    return f"压缩包中的此文件已损坏，无法解压（{exc.__class__.__name__}）"


def _fix_bad_utf8_flags(data: bytes) -> bytes:
    """Clear the UTF-8 flag of names that are not UTF-8, so zipfile can open the archive at all.

    Python refuses the whole zip on one such name; with the flag cleared the
    name is decoded like a Windows name (GB18030, or shown as is).
    """
    buf = bytearray(data)
    end = buf.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(buf):
        return data
    count, _, offset = struct.unpack_from("<HIL", buf, end + 10)
    pos = offset
    for _ in range(count):
        if buf[pos : pos + 4] != b"PK\x01\x02":
            break
        (flags,) = struct.unpack_from("<H", buf, pos + 8)
        n, m, k = struct.unpack_from("<HHH", buf, pos + 28)
        (local,) = struct.unpack_from("<L", buf, pos + 42)
        name = bytes(buf[pos + 46 : pos + 46 + n])
        try:
            name.decode("utf-8")
        except UnicodeDecodeError:
            struct.pack_into("<H", buf, pos + 8, flags & ~0x800)
            if buf[local : local + 4] == b"PK\x03\x04":
                (lflags,) = struct.unpack_from("<H", buf, local + 6)
                struct.pack_into("<H", buf, local + 6, lflags & ~0x800)
        pos += 46 + n + m + k
    return bytes(buf)


@contextlib.contextmanager
def open_listing(path: Path, limits: Limits) -> Iterator[Listing]:
    """The readable files of a folder or zip dossier, with findings for what was skipped."""
    if path.is_dir():
        yield _folder_listing(path, limits)
        return
    if not path.is_file():
        raise DossierError(f"卷宗路径不存在或不是文件夹/压缩包：{path}")
    if path.suffix.lower() != ".zip" and not zipfile.is_zipfile(path):
        raise DossierError(f"卷宗应为文件夹或.zip压缩包：{path}")
    try:
        archive = zipfile.ZipFile(path)
    except UnicodeDecodeError:
        if path.stat().st_size > limits.max_total_bytes:
            raise DossierError(f"压缩包过大，无法读取：{path}") from None
        import io

        archive = _open_zip(
            lambda: zipfile.ZipFile(io.BytesIO(_fix_bad_utf8_flags(path.read_bytes()))), path
        )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise DossierError(f"压缩包已损坏，无法打开：{path}（{zip_reason(exc)}）") from exc
    with archive:
        yield _zip_listing(archive, limits)


def zip_reason(exc: BaseException) -> str:
    """Why a zip could not be opened, in Chinese (zipfile's own words are English)."""
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc)
    text = str(exc).lower()
    if "not a zip" in text:
        return "不是 zip 格式"
    if "truncated" in text or isinstance(exc, EOFError):
        return "文件不完整，可能下载或复制时被截断"
    if "encrypt" in text or "password" in text:
        return "压缩包已加密"
    return "目录结构无法识别"


def _open_zip(opener: Callable[[], zipfile.ZipFile], path: Path) -> zipfile.ZipFile:
    try:
        return opener()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, UnicodeDecodeError) as exc:
        raise DossierError(f"压缩包已损坏，无法打开：{path}（{zip_reason(exc)}）") from exc


# ---------------------------------------------------------------------------
# the dossier


def read_dossier(path: Path, *, limits: Limits | None = None) -> Dossier:
    """Everything pingtai reads from one dossier; raises DossierError only when the path itself fails."""
    limits = limits or Limits()
    dossier = Dossier(path=str(path))
    with open_listing(path, limits) as listing:
        if not listing.entries and not listing.findings:
            raise DossierError(f"{path} 中没有任何文件，不是申报卷宗（路径写错了？）")
        dossier.findings += listing.findings
        workbook, others = _pick_workbook(listing.entries, dossier)
        if workbook is not None:
            _read_workbook(workbook, dossier)
        ocr_used, starved = 0, False
        for entry in others:
            budget = min(limits.max_ocr_pages, max(0, limits.max_ocr_total - ocr_used))
            material = _process_entry(entry, replace(limits, max_ocr_pages=budget))
            ocr_used += material.ocr_pages
            starved |= budget < limits.max_ocr_pages and any(
                OCR_REFUSED in n for n in material.notes
            )
            dossier.files.append(material)
            dossier.findings += _file_findings(material)
        if starved:
            dossier.findings.append(
                Finding(
                    "dossier.ocr_budget",
                    "warning",
                    f"本卷宗文字识别页数已达上限（{limits.max_ocr_total}页），"
                    "其余扫描页未识别，材料识别可能不完整",
                    [],
                )
            )
    dossier.report_sections = _report_sections(dossier.files)

    merge_forms(dossier)
    return dossier


def _process_entry(entry: Entry, limits: Limits) -> MaterialFile:

    try:
        data = entry.load()
    except UnreadableFile as exc:
        material = MaterialFile(path=entry.name, kind=kind_of(entry.name), error=str(exc))
        material.unchecked = isinstance(exc, NotChecked)
        from pingtai_cli.intake.materials import classify_name

        _assign(material, classify_name(entry.name))
        return material
    material = process_file(entry.name, data, limits)
    material.sha256 = hashlib.sha256(data).hexdigest()
    return material


GUIDES = {"README.txt", "材料清单.md"}  # what `pingtai init` writes beside the 申请表: no material


def _file_findings(material: MaterialFile) -> list[Finding]:
    out = []
    if material.error:
        out.append(
            Finding(
                "file.unreadable", "error", f"{material.path}：{material.error}", [material.path]
            )
        )
    for note in material.notes:
        out.append(Finding("file.partial", "warning", f"{material.path}：{note}", [material.path]))
    if not material.material_keys and not material.error and material.path not in GUIDES:
        out.append(
            Finding(
                "file.unclassified",
                "info",
                f"{material.path}：未能识别为任何申报材料（文件名和内容均无匹配）",
                [material.path],
            )
        )
    return out


def _pick_workbook(entries: list[Entry], dossier: Dossier) -> tuple[Entry | None, list[Entry]]:
    """The 申请表 workbook (one named like 申请表 when there are several) and every other file."""
    books = [e for e in entries if _is_book(e.name)]
    if not books:
        dossier.findings.append(
            Finding(
                "workbook.missing",
                "error",
                "卷宗中没有Excel申请表（.xlsx/.xlsm/.xls），无法读取申报数据",
                [],
            )
        )
        return None, entries
    chosen = min(books, key=lambda e: _book_rank(e.name))
    if len(books) > 1:
        rest = "、".join(e.name for e in books if e is not chosen)
        dossier.findings.append(
            Finding(
                "workbook.several",
                "warning",
                f"卷宗中有多个Excel文件，以“{chosen.name}”为申请表；其余（{rest}）作为材料文件处理",
                [e.name for e in books],
            )
        )
    return chosen, [e for e in entries if e is not chosen]


def _read_workbook(entry: Entry, dossier: Dossier) -> None:
    """Facts, yearly table and lists of the 申请表 into the dossier; a broken workbook is a finding."""
    material = MaterialFile(
        path=entry.name,
        kind="xlsx",
        material_keys=["application_form"],
        matched_by=["申请表：卷宗中的Excel申请表"],
    )
    dossier.workbook = entry.name
    dossier.files.append(material)
    try:
        from pingtai_cli.intake.cached import workbook

        data = entry.load()
        material.sha256 = hashlib.sha256(data).hexdigest()
        result = workbook(data, entry.name)
    except Exception as exc:  # the reader reports bad cells itself; this is the whole file failing
        material.error = _reason(exc)
        dossier.findings.append(
            Finding(
                "file.unreadable",
                "error",
                f"{entry.name}：申请表无法读取：{material.error}",
                [entry.name],
            )
        )
        return
    dossier.facts.update(result.facts)
    dossier.yearly = list(result.yearly)
    dossier.lists = dict(result.lists)
    dossier.list_evidence = dict(result.list_evidence)
    dossier.findings += list(result.findings)
    dossier.other_labels = dict(getattr(result, "other_labels", {}))


def _report_sections(files: list[MaterialFile]) -> list[str]:
    """Headings of the 申请报告: the .docx recognised as application_report (first one)."""
    for material in files:
        if material.kind == "docx" and "application_report" in material.material_keys:
            return list(material.sections)
    return []
