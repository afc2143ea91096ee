"""Chinese text wrapped as it is set, for the terminal report.

rich breaks a line only at spaces, so `确定满足 0 项，培训服务的……` broke after `0` and left a
one-word line, and a run of Chinese without a space moved whole to the next line. Here a line breaks
as Chinese is set (core/linebreak.py), and an article (第十二条（二）) is kept whole.
Styles stay on their characters (rich's `Text.divide`).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from pingtai_cli.core.linebreak import Span, cuts, widest_piece

# an article as the texts cite one, kept whole wherever it stands: 第十二条（二）, 第七条（三）（1）
_ARTICLE_RE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条(?:[（(][一二三四五六七八九十\d]+[）)])*")


def wrap(text: Text, width: int, keep: tuple[Span, ...] = ()) -> list[Text]:
    """`text` as lines of at most `width` cells (trailing spaces dropped); `keep` holds for a
    text of one line."""
    lines: list[Text] = []
    parts = text.split("\n", allow_blank=True)
    for part in parts:
        kept = (keep if len(parts) == 1 else ()) + tuple(m.span() for m in _ARTICLE_RE.finditer(part.plain))
        offsets = cuts(part.plain, max(1, width), kept)
        for line in part.divide(offsets) if offsets else [part]:
            line.rstrip()
            lines.append(line)
    return lines


class Wrapped:
    """A rich renderable of `text` broken as Chinese is set (see the module's docstring)."""

    def __init__(self, text: Text, keep: tuple[Span, ...] = ()) -> None:
        self.text = text
        self.keep = keep

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in wrap(self.text, options.max_width, self.keep):
            line.no_wrap = True
            yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.text.plain
        return Measurement(widest_piece(plain), max((cell_len(p) for p in plain.split("\n")), default=0))


