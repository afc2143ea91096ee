"""Writing an output file safely: all or nothing, never over an existing file unless asked.

The writing itself is core/files.py's `write_atomic` (temporary file beside the
target, flushed, renamed into place, never over an existing file without
--force); this module adds what a report output needs on top: a dossier is
never written into, and parent folders are made.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason
from pingtai_cli.core.files import is_inside, write_atomic


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def refuse_inside(path: Path, protected: Iterable[Path]) -> None:
    """Raise when `path` is one of the `protected` dossiers (a .zip) or lies in one of them
    (a folder): a dossier is an input, never an output, with or without --force."""
    for dossier in protected:
        if Path(dossier).is_dir() and is_inside(path, dossier):
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
    if not force and os.path.lexists(path):  # before any folder is made for it
        raise OutputExists(f"输出文件已存在：{path}（如需覆盖，请加 --force）")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PingtaiError(f"无法创建输出文件夹：{parent}（{os_reason(e)}）") from e
    try:
        write_atomic(path, payload, force=force)
    except OSError as e:
        raise PingtaiError(f"写入输出文件失败：{path}（{os_reason(e)}）") from e
    return path
