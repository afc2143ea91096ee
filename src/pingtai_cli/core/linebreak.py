"""Where a line of Chinese may break, as Chinese is set (the terminal report and the help).

rich breaks a line only at spaces, so a run of Chinese without a space moved whole to the next
line, or was cut with “…”. A line may break at a space or between any two characters of which
one is wide (CJK, full-width forms), but never before a closing mark (，。）” …) nor after an
opening one (（“《 …).
"""

from __future__ import annotations

from rich.cells import cell_len

NO_START = frozenset("，。、：；！？）」』”’》〉】］…％%,.;:!?)]")  # never the first of a line
NO_END = frozenset("（「『“‘《〈【［([")  # never the last of a line

Span = tuple[int, int]  # a run of characters kept on one line when it fits (第十条（六）, 320万元)


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


def widest_piece(plain: str) -> int:
    """The narrowest the text can be set: its widest run between two break points."""
    widest = 0
    for line in plain.split("\n"):
        points = [0, *break_points(line), len(line)]
        widest = max([widest, *(_width(line[a:b]) for a, b in zip(points, points[1:], strict=False))])
    return widest


def _width(piece: str) -> int:
    return cell_len(piece.rstrip())
