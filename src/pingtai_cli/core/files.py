"""Files on disk: whether a path lies inside a folder, and writing a file all or nothing.

Every file pingtai writes goes through `write_atomic` — reports and summaries
(outputs/writer.py), forms, `init`'s skeleton, `rules new`'s drafts and the
extraction cache — and every "does this path stay inside that folder" question
(a dossier's symlinks, templates under --template-dir, forms under --out, an
output that would land in a dossier) is `is_inside`. One place each, so the
guarantees cannot drift apart again (issue 13 found four writers, one without
fsync, and two containment checks).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, overload

from pingtai_cli.core.errors import OutputExists

T = TypeVar("T")

TEMP_SUFFIX = ".tmp"  # a temporary file is `.<target name>.<random>.tmp` beside its target
_NAME_BYTES = 100  # of the target's name kept in the temporary one (a name may be 255 bytes)


def is_inside(path: Path | str, root: Path | str) -> bool:
    """True when `path` is `root` or lies below it once symlinks and `..` are resolved.

    A symlink that points out of `root` is outside; a path that cannot be resolved
    (a symlink loop, a permission error) is outside too, so a doubt never lets a
    path through. Neither needs to exist.
    """
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def probe_writable(path: Path) -> None:
    """Raise the OSError that writing into `path` (a folder, or where one would be made) would
    meet, by making and removing a file in its nearest existing folder: permission bits do not
    tell (root, ACLs, a read-only mount)."""
    folder = path
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    fd, name = tempfile.mkstemp(prefix=".pingtai-", suffix=".probe", dir=folder)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)


def file_mode() -> int:
    """0666 less the process umask: the mode open() would give a new file (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@overload
def write_atomic(
    target: Path, content: bytes | str, *, force: bool = True, durable: bool = True
) -> None: ...


@overload
def write_atomic(
    target: Path, content: Callable[[Path], T], *, force: bool = True, durable: bool = True
) -> T: ...


def write_atomic(
    target: Path,
    content: bytes | str | Callable[[Path], T],
    *,
    force: bool = True,
    durable: bool = True,
) -> T | None:
    """Write `target` all or nothing: a reader sees the old file or the whole new one.

    `content` is the bytes (text is written as UTF-8), or a function that writes
    the temporary path it is given (a form renderer) and whose result is returned.
    The data goes to a temporary file in the target's own folder (a rename is
    atomic only within one file system), is flushed to disk, gets the mode a new
    file would get, and is renamed into place; the folder is then flushed too, where
    the system allows it, so the new name survives a power cut. On any failure,
    Ctrl-C included, the temporary file is removed and the target is untouched.

    Without `force` an existing target (even a dangling symlink) raises
    OutputExists, and the name is claimed with a hard link, so a file that appears
    meanwhile is never clobbered. `durable=False` skips the two flushes (~6 ms per
    file here): for the cache only, whose entry lost in a power cut is a miss.

    An OSError is re-raised naming `target`, never the temporary file, so that
    callers can say `无法写入 {e.filename}（{os_reason(e)}）` (磁盘空间不足 …).
    """
    target = Path(target)
    if not force and os.path.lexists(target):
        raise OutputExists(f"输出文件已存在：{target}（如需覆盖，请加 --force）")
    tmp = _temp_file(target)
    try:
        if callable(content):
            result: T | None = content(tmp)
        else:
            tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            result = None
        if durable:
            _flush(tmp)
        os.chmod(tmp, file_mode())  # shared like any document, not private as mkstemp makes it
        _place(tmp, target, force)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError) and (e.filename is None or str(e.filename) == str(tmp)):
            raise _naming(e, target) from e
        raise
    if durable:
        _flush_folder(target.parent)
    return result


def _temp_file(target: Path) -> Path:
    name = target.name.encode("utf-8", "surrogateescape")[:_NAME_BYTES].decode("utf-8", "ignore")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as e:
        raise _naming(e, target) from e
    os.close(fd)
    return Path(tmp)


def _naming(e: OSError, target: Path) -> OSError:
    """The same error (same errno, so the same subclass and Chinese reason) about `target`."""
    return OSError(e.errno, e.strerror or str(e), str(target))


def _place(tmp: Path, target: Path, force: bool) -> None:
    """Rename into place. Without force, a hard link claims the name only if it is still free."""
    if force:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise OutputExists(f"输出文件已存在：{target}（如需覆盖，请加 --force）") from None
    except OSError:  # no hard links on this file system: the check before must do
        if os.path.lexists(target):
            raise OutputExists(f"输出文件已存在：{target}（如需覆盖，请加 --force）") from None
        os.replace(tmp, target)
        return
    with contextlib.suppress(OSError):  # the target is complete: a stray link is no failure
        tmp.unlink()


def _flush(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows wants write access to flush
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    """Make the rename durable; a system that cannot open or flush a folder (Windows) skips it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def flush_written(paths: list[Path]) -> None:
    """Make files written with `durable=False` durable, all at once: one syncfs of their file
    system on Linux (a run of many forms paid two flushes per file, ~8 ms each here), else each
    file and each folder flushed in turn."""
    if not paths:
        return
    if _syncfs(paths[0].parent):
        return
    for path in paths:
        with contextlib.suppress(OSError):
            _flush(path)
    for folder in {p.parent for p in paths}:
        _flush_folder(folder)


def _syncfs(folder: Path) -> bool:
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (OSError, AttributeError):
        return False
    try:
        return bool(libc.syncfs(fd) == 0)
    except AttributeError:  # a libc without syncfs
        return False
    finally:
        os.close(fd)
