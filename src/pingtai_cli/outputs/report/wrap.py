"""Chinese text wrapped as it is set, for the terminal report.

rich breaks a line only at spaces, so `确定满足 0 项，培训服务的……` broke after `0` and left a
one-word line, and a run of Chinese without a space moved whole to the next line. Here a line may
break at a space or between any two characters of which one is wide (CJK, full-width forms), but
never before a closing mark (，。）” …) nor after an opening one (（“《 …), as Chinese is set.
Styles stay on their characters (rich's `Text.divide`).
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

NO_START = frozenset("，。、：；！？）」』”’》〉】…％%,.;:!?)")  # never the first of a line
NO_END = frozenset("（「『“‘《〈【(")  # never the last of a line


Span = tuple[int, int]  # a run of characters kept on one line when it fits (第十条（六）, 320万元)
# an article as the texts cite one, kept whole wherever it stands: 第十二条（二）, 第七条（三）（1）
_ARTICLE_RE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条(?:[（(][一二三四五六七八九十\d]+[）)])*")


def break_points(plain: str, keep: tuple[Span, ...] = ()) -> list[int]:
    """The indexes at which a line may start (none inside a kept span)."""
    out = []
    for i in range(1, len(plain)):
        a, b = plain[i - 1], plain[i]
        if b.isspace() or b in NO_START or a in NO_END or any(s < i < e for s, e in keep):
            continue
        if a.isspace() or cell_len(a) == 2 or cell_len(b) == 2:
            out.append(i)
    return out


def cuts(plain: str, width: int, keep: tuple[Span, ...] = ()) -> list[int]:
    """Where `plain` (one line, no newline) is cut to fit `width` cells: at the last break point
    that fits; in a kept span wider than the line, at its own last break point that fits (as if
    it were not kept); in a word wider than the line, where the width runs out, but never just
    before a closing mark."""
    allowed = set(break_points(plain, keep))
    loose = set(break_points(plain)) if keep else allowed
    out: list[int] = []
    start, used, last = 0, 0, 0
    for i, ch in enumerate(plain):
        if i in allowed and i > start:
            last = i
        size = cell_len(ch)
        if used + size > width and i > start and not ch.isspace():
            cut = last if last > start else max((b for b in loose if start < b <= i), default=i)
            while cut - 1 > start and plain[cut] in NO_START:
                cut -= 1
            out.append(cut)
            start, last = cut, i if (i in allowed and i > cut) else 0
            used = cell_len(plain[cut:i])
        used += size
    return out


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
        return Measurement(_widest_piece(plain), max((cell_len(p) for p in plain.split("\n")), default=0))


def _widest_piece(plain: str) -> int:
    """The narrowest the text can be set: its widest run between two break points."""
    widest = 0
    for line in plain.split("\n"):
        points = [0, *break_points(line), len(line)]
        widest = max([widest, *(_width(line[a:b]) for a, b in zip(points, points[1:], strict=False))])
    return widest


def _width(piece: str) -> int:
    return cell_len(piece.rstrip())
