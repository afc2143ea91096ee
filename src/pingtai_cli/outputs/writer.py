"""Writing an output file safely: all or nothing, never over an existing file unless asked.

The data goes to a temporary file in the target's own folder and is then
renamed into place, so a reader never sees half a report and a crash or
Ctrl-C leaves at most nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason


def file_mode() -> int:
    """0666 less the process umask: the mode open() would give a new file (mkstemp gives 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def refuse_inside(path: Path, protected: Iterable[Path]) -> None:
    """Raise when `path` is one of the `protected` dossiers (a .zip) or lies in one of them
    (a folder): a dossier is an input, never an output, with or without --force."""
    for dossier in protected:
        if Path(dossier).is_dir() and _inside(Path(path), Path(dossier)):
            raise PingtaiError(
                f"不能把输出写入卷宗文件夹内：{path}（卷宗为只读输入，请换一个输出位置）"
            )
        if _same_file(Path(path), Path(dossier)):
            raise PingtaiError(
                f"输出文件就是要检查的卷宗：{path}（卷宗为只读输入，--force 也不会覆盖它，请换一个输出文件名）"
            )


def write_output(
    path: Path, data: str | bytes, *, force: bool, protected: Iterable[Path] = ()
) -> Path:
    """Write `data` to `path` atomically; refuse an existing file without `force`.

    `protected` lists folders that must not be written into (the dossiers
    being checked). Parent folders are created. Returns the path written.
    """
    path = Path(path)
    refuse_inside(path, protected)
    if path.is_dir():
        raise PingtaiError(f"输出路径是一个文件夹：{path}（请给出文件名）")
    if os.path.lexists(path) and not force:
        raise OutputExists(f"输出文件已存在：{path}（如需覆盖，请加 --force）")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PingtaiError(f"无法创建输出文件夹：{parent}（{os_reason(e)}）") from e
    tmp = _write_temp(parent, path.name, payload)
    with _dropped_on_failure(tmp, path):
        _place(tmp, path, force)
    return path


@contextlib.contextmanager
def _dropped_on_failure(tmp: Path, target: Path) -> Iterator[None]:
    """Remove the temporary file on any failure (Ctrl-C too); an OS error becomes a message."""
    try:
        yield
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError):
            raise PingtaiError(f"写入输出文件失败：{target}（{os_reason(e)}）") from e
        raise


def _write_temp(parent: Path, name: str, payload: bytes) -> Path:
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise PingtaiError(f"无法写入输出文件夹：{parent}（{os_reason(e)}）") from e
    tmp = Path(tmp_name)
    with _dropped_on_failure(tmp, parent / name):
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
    return tmp


def _place(tmp: Path, path: Path, force: bool) -> None:
    """Rename into place. Without force, a hard link claims the name only if it is still free."""
    if force:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExists(f"输出文件已存在：{path}（如需覆盖，请加 --force）") from None
    except OSError:  # no hard links on this file system: the check above must do
        if os.path.lexists(path):
            raise OutputExists(f"输出文件已存在：{path}（如需覆盖，请加 --force）") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
