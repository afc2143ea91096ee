"""The files of a dossier, listed safely: a folder (no symlinks, no devices) or a .zip (member
names checked, sizes and compression ratios bounded, read in memory).

`open_listing(path, limits)` yields a Listing: the entries that may be read (each loaded only
when processed) and a finding for every file passed over (junk, too large, past the file cap,
an archive inside the dossier, an unsafe name). Nothing is ever written inside the dossier.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pingtai_cli.core.errors import DossierError, os_reason
from pingtai_cli.core.files import is_inside
from pingtai_cli.core.models import Finding
from pingtai_cli.intake.limits import MB, Limits
from pingtai_cli.intake.sources.common import NotChecked, UnreadableFile

WORKBOOK_EXTS = (".xlsx", ".xlsm", ".xls")
ARCHIVE_EXTS = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


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


def is_book(name: str) -> bool:
    return name.lower().endswith(WORKBOOK_EXTS)


def _form_named(name: str) -> bool:
    return any(w in PurePosixPath(name).stem for w in ("申请表", "申报表"))


# Marks of an old copy: whole words, so 中原/太原 or "bold" are not taken for them
_STALE_RE = re.compile(
    r"旧版|旧的|（旧）|\(旧\)|原版|备份|副本|草稿|作废|废弃|过期"
    r"|(?<![a-z])(?:old|copy|bak|backup|draft)(?![a-z])|^~\$",
    re.IGNORECASE,
)


def book_rank(name: str) -> tuple[bool, bool, int, int, str]:
    """Which of several workbooks is the 申请表: named like one, not an old copy, near the top."""
    path = PurePosixPath(name)
    stale = bool(_STALE_RE.search(path.name))
    return stale, not _form_named(name), len(path.parts), len(path.stem), name


def _wanted_book(listing: Listing, name: str) -> bool:
    """A workbook the 申请表 may be: the first one, or the first named like it."""
    if not is_book(name):
        return False
    books = [e.name for e in listing.entries if is_book(e.name)]
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


def _zip_listing(archive: zipfile.ZipFile, limits: Limits, inside: str = "") -> Listing:
    """The members of `archive`; with `inside`, those under that folder of it, named from there."""
    listing = Listing()
    total = 0
    seen: set[str] = set()
    for info in archive.infolist():
        if info.is_dir():
            continue
        name, decoded = decode_member_name(info)
        shown = name.replace("\\", "/")
        if inside:
            rel = _within(shown, inside)
            if rel is None:
                continue  # another applicant's folder of the same zip
            name = shown = rel
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
    """The readable files of a folder or zip dossier (or of a folder inside a zip, `zip_part`), with
    findings for what was skipped."""
    if path.is_dir():
        yield _folder_listing(path, limits)
        return
    inside = ""
    if (part := zip_part(path)) is not None:
        path, inside = part
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
        member = _member_named(archive, inside) if inside.lower().endswith(".zip") else None
        if member is None:
            yield _zip_listing(archive, limits, inside)
            return
        # an applicant's own zip inside the intake's (收件.zip/收件/甲/甲材料.zip), read in memory
        if member.file_size > limits.max_file_bytes:
            raise DossierError(f"压缩包过大，无法读取：{path / inside}")
        try:
            data = _member_loader(archive, member, limits)()
        except (UnreadableFile, NotChecked) as exc:
            raise DossierError(f"压缩包无法读取：{path / inside}（{exc}）") from exc
        import io

        try:
            nested = zipfile.ZipFile(io.BytesIO(data))
        except UnicodeDecodeError:
            nested = _open_zip(lambda: zipfile.ZipFile(io.BytesIO(_fix_bad_utf8_flags(data))), path / inside)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise DossierError(f"压缩包已损坏，无法打开：{path / inside}（{zip_reason(exc)}）") from exc
        with nested:
            yield _zip_listing(nested, limits)


def _member_named(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member file of `archive` that `name` ('/' separated, as the listing cleans it) is, if any."""
    for info in archive.infolist():
        shown = decode_member_name(info)[0].replace("\\", "/")
        if not info.is_dir() and not unsafe_member_name(shown) and _clean(shown) == name:
            return info
    return None


# ---------------------------------------------------------------------------
# a zip that holds several applicants' dossiers (收件.zip: 收件/甲/申请表.xlsx, 收件/乙/申请表.xlsx)

SPLIT_LEVELS = 4  # folder levels inside it searched for them: 收件/县区/申报单位/
SPLIT_DEPTH = 16  # a member named deeper than this takes no part in the split
# Applicants' folders a zip may split into. Each is read by opening the zip again, so a zip of tens
# of thousands of one-file folders (a few MB) would cost hours; past this it is one dossier, whose
# listing limits say what was not read. A province's intake is hundreds, a bureau's day a hundred.
SPLIT_MAX = 5_000
UNREAD_SHOWN = 20  # members no dossier reads named one by one on stderr


def zip_part(path: Path) -> tuple[Path, str] | None:
    """(the zip, the folder inside it) for a dossier that is an applicant's folder inside a zip, as
    `zip_dossiers` names it (收件.zip/收件/甲); None for any other path, a file or folder on disk."""
    if path.exists():
        return None
    for parent in path.parents:
        if parent.suffix.lower() == ".zip" and parent.is_file():
            return parent, path.relative_to(parent).as_posix()
    return None


def _clean(name: str) -> str:
    return "/".join(p for p in name.split("/") if p not in ("", "."))


def _within(name: str, folder: str) -> str | None:
    """`name` relative to `folder` ('/' separated, as the listing cleans it), or None outside it."""
    clean = _clean(name)
    return clean[len(folder) + 1 :] if clean.startswith(folder + "/") else None


@dataclass
class _Tree:
    """A zip's folders: their files' names and subfolders ('' the top), and the folders with a
    dossier's 申请表 somewhere below, by how surely it is one (`form_kind`): 2 in `formful`, 1 in
    `reportful`."""

    files: dict[str, list[str]] = field(default_factory=dict)
    dirs: dict[str, dict[str, None]] = field(default_factory=dict)  # subfolders, as ordered sets
    formful: set[str] = field(default_factory=set)
    reportful: set[str] = field(default_factory=set)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (name, why) of members left out

    def holds_form(self, folder: str) -> bool:
        return form_kind(self.files.get(folder, [])) > 0


# A 申请报告 may hold the 申请表 (a table, or `资产总额：260万元` lines). A folder with one beside
# other materials may be an applicant's dossier, but only weakly: a dossier sorted into folders
# has its report in 附件/ beside 申请表/, or alone in 申请报告/.
_REPORT_WORDS = ("申请报告", "申报报告")


def form_kind(names: list[str]) -> int:
    """How surely a folder holding files of these names is an applicant's dossier, for discovery
    (of an intake folder, or of a zip's folders): 2 with a workbook (not one named as a list, see
    `list_book`) or a .docx/.pdf named as the 申请表 (申请表.docx, 申报表（盖章版）.pdf); 1 with a
    申请报告 (.docx/.pdf) beside a file that is not a report (营业执照.pdf); 0 otherwise."""
    names = [n for n in names if not _junk(n)]
    documents = [n for n in names if n.lower().endswith((".docx", ".pdf"))]
    if any(is_book(n) and not list_book(n) for n in names) or any(_form_named(n) for n in documents):
        return 2
    reports = {n for n in documents if any(w in PurePosixPath(n).stem for w in _REPORT_WORDS)}
    return int(bool(reports) and any(n not in reports for n in names))


def list_book(name: str) -> bool:
    """A workbook named as one of the dossier's lists (服务企业名单.xlsx, 人员名单.xlsx, by the
    material catalogue), not as the 申请表: it is among an applicant's materials (附件/), and says
    nothing of whether the folder holding it is the applicant's dossier."""
    from pingtai_cli.intake.materials import catalogue, classify_name

    hits = [key for key, _ in classify_name(PurePosixPath(name).name)]
    return bool(hits) and hits[0] != "application_form" and catalogue()[hits[0]].sheet is not None


def part_folder(name: str) -> bool:
    """A folder named as a part of one dossier (申请表/, 申报表（盖章版）/, 申请报告/), not after an
    applicant: one such folder holding the 申请表 beside 附件/ is that dossier's materials, sorted."""
    return _form_named(name + ".x") or any(w in name for w in _REPORT_WORDS)


def _zip_tree(path: Path) -> _Tree | None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()  # all of them: a folder listed late is an applicant too
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, UnicodeDecodeError):
        return None  # its read says what is wrong with it
    tree = _Tree()
    for info in infos:
        name, _ = decode_member_name(info)
        name = name.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if info.is_dir() or not parts or _junk(name):
            continue
        why = unsafe_member_name(name) or ("路径层级过深" if len(parts) > SPLIT_DEPTH else None)
        if why:
            tree.unplaced.append((name, why))
            continue
        folders = ["/".join(parts[:i]) for i in range(len(parts))]
        tree.files.setdefault(folders[-1], []).append(parts[-1])
        for parent, child in zip(folders, folders[1:], strict=False):
            tree.dirs.setdefault(parent, {})[child] = None  # a set: a list made this quadratic
    for folder, names in tree.files.items():
        kind = form_kind(names)
        if kind:
            parts = folder.split("/") if folder else []
            below = {"/".join(parts[:i]) for i in range(len(parts) + 1)}  # it and every folder above it
            (tree.formful if kind == 2 else tree.reportful).update(below)
    return tree


def _split(tree: _Tree, folder: str, level: int) -> tuple[list[str], list[str]] | None:
    """(dossier folders, loose files) of a folder that groups several applicants' folders, as an
    intake folder on disk does (two with a 申请表 at least; the rest are dossiers too; a wrapper
    folder such as 收件/ is looked into); None for a folder that is one dossier."""
    if tree.holds_form(folder):
        return None
    kids = sorted(tree.dirs.get(folder, []))
    loose = [f"{folder}/{n}" if folder else n for n in tree.files.get(folder, [])]
    if loose and not kids and all(n.lower().endswith(".zip") for n in loose):
        return sorted(loose), []  # an applicant's materials zipped (甲/甲材料.zip): each zip a dossier, as on disk
    if len(kids) == 1 and not loose and level < SPLIT_LEVELS:
        return _split(tree, kids[0], level + 1)
    dossiers: list[str] = []
    grouped = 0  # dossiers found in a county's folder below: it is a group whatever lies beside it
    for kid in kids:
        inner = _split(tree, kid, level + 1) if level < SPLIT_LEVELS else None
        if inner is not None:  # a county's folder of its applicants
            dossiers += inner[0]
            loose += inner[1]
            grouped += len(inner[0])
        else:
            dossiers.append(kid)
    if grouped:  # as on disk (`_nested_intake`): a 说明.txt beside one county folder splits too
        return _with_zips(dossiers, loose)
    # two applicants' folders at least: with a 申请表, or where none has one, with a 申请报告
    # (one such folder beside others is one dossier's materials sorted into folders)
    strong = sum(kid in tree.formful for kid in kids)
    weak = sum(kid in tree.reportful for kid in kids)
    return _with_zips(dossiers, loose) if strong >= 2 or (not strong and weak >= 2) else None


def _with_zips(dossiers: list[str], loose: list[str]) -> tuple[list[str], list[str]]:
    """A group's dossiers and loose files, its zips among the dossiers: an applicant's zip beside
    the others' folders (收件/魏都区/丙.zip) is a dossier, as it is on disk, not a loose file."""
    zips = [f for f in loose if f.lower().endswith(".zip")]
    if not zips:
        return dossiers, loose
    return sorted(dossiers + zips, key=lambda d: d.split("/")), [f for f in loose if f not in zips]


def zip_dossiers(path: Path) -> tuple[list[Path], list[Path]]:
    """For a zip holding several applicants' dossiers, each applicant's folder in it as a dossier
    (`收件.zip/收件/甲`, read by open_listing) and the loose files beside them (a 说明.txt, to be
    said); ([], []) for a zip that is one dossier, or that cannot be opened (its read says why)."""
    found, _ = _zip_split(path)
    if found is None:
        return [], []
    return [path / d for d in found[0]], [path / f for f in found[1]]


def zip_unread(path: Path) -> list[str]:
    """What of a zip that holds several applicants' dossiers no dossier reads, in Chinese: members
    whose names may not be used (`..`, absolute) or nest too deep, outside every applicant's folder
    (one inside a folder is that dossier's finding); [] for a zip that is one dossier."""
    found, tree = _zip_split(path)
    if found is None or tree is None:
        return []
    out = [
        f"{path} 中的成员“{name}”是{why}，不属于任何卷宗，未检查"
        for name, why in tree.unplaced
        if not any(_within(name, d) is not None for d in found[0])
    ]
    if len(out) > UNREAD_SHOWN:  # thousands of hostile names: the first ones, then how many
        out[UNREAD_SHOWN:] = [f"{path} 中另有{len(out) - UNREAD_SHOWN}个这样的成员，未检查"]
    return out


def _zip_split(path: Path) -> tuple[tuple[list[str], list[str]] | None, _Tree | None]:
    tree = _zip_tree(path)
    found = _split(tree, "", 0) if tree is not None else None
    return (found if found is None or len(found[0]) <= SPLIT_MAX else None), tree


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

