"""A command's output format: the one `--format` asks for, else the one `--output`'s extension
names, else the command's default (`check` and `compare-jurisdictions` share this rule)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from pingtai_cli.core.errors import PingtaiError

F = TypeVar("F", bound=StrEnum)


def format_for(fmt: F | None, output: Path | None, by_suffix: Mapping[str, F], default: F) -> F:
    """The format asked for, else the one --output's extension names; a contradiction is an error."""
    implied = by_suffix.get(output.suffix.lower()) if output is not None else None
    if fmt is None:
        return implied or default
    if implied is not None and implied is not fmt:
        raise PingtaiError(
            f"--format {fmt.value} 与输出文件扩展名“{output.suffix if output else ''}”不符；"
            f"请改用 --format {implied.value}，或换一个扩展名。"
        )
    return fmt
