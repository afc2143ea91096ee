"""Renderers, one module per format: `render(results, fmt)` picks one by name.

Each renderer is a pure function `(results, *, verbose, lang) -> str | bytes`;
"terminal" here gives the plain-text report (for `--output`), while printing
to a live console goes through `report.terminal.print_results`. Modules are imported on first
use so that `pingtai --help` loads none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.core.models import CheckResult


@dataclass(frozen=True)
class Format:
    name: str
    module: str  # under pingtai_cli.outputs.report
    function: str
    suffix: str  # file extension for --output
    binary: bool = False
    machine: bool = False  # machine output: stdout must hold nothing else

    def renderer(self) -> Any:
        return getattr(import_module(f"{__name__}.{self.module}"), self.function)


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("terminal", "terminal", "render_text", ".txt"),  # as text: for --output
        Format("json", "json", "render_json", ".json", machine=True),
        Format("jsonl", "json", "render_jsonl", ".jsonl", machine=True),
        Format("markdown", "markdown", "render_markdown", ".md"),
        Format("html", "html", "render_html", ".html"),
        Format("xlsx", "xlsx", "render_xlsx", ".xlsx", binary=True),
    )
}


def get_format(fmt: str) -> Format:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise PingtaiError(f"不支持的输出格式：{fmt}（可选：{'、'.join(FORMATS)}）") from None


def render(results: Sequence[CheckResult], fmt: str, **kw: Any) -> Any:
    """Render with the named format: str for text formats, bytes for xlsx."""
    return get_format(fmt).renderer()(list(results), **kw)
