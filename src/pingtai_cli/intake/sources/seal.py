"""Red-seal (公章) detection on a page image.

A 公章 is a red ring 38–45 mm across (an oval for some special seals), with
red text and a star inside. On a page it shows as a compact cluster of red
pixels whose outer edge runs round a circle: a red heading or a red table is
elongated, a red block of text fills the corners of its box. The test is done
on a coarse grid of the downscaled page, so a page costs a few milliseconds.

A faded stamp (an ink pad running dry, a light photocopy in colour) is pale pink, below the
strict red test. When the strict pass finds no ring on a colour page, a second pass with pale
thresholds looks again; a ring found only there is `faint`: perhaps a seal, perhaps a pink logo
or a watermark, so it is not taken as sealed and not as unsealed either (`uncertain`).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

WORK_SIDE = 800  # the longer side the page is reduced to
CELL = 4  # grid cell, in pixels of the reduced page
SECTORS = 24
MIN_SCORE = 0.7
# Seal diameter relative to the page's shorter side (A4: 40 mm / 210 mm ≈ 0.19).
MIN_REL_SIZE, MAX_REL_SIZE = 0.06, 0.45
# (r at least, r - g at least, r - b at least): clearly red ink, and the pale pink of faded ink
# (red at a fifth of its strength on white paper is about (245, 210, 212))
STRICT = (110, 50, 40)
PALE = (120, 18, 14)


@dataclass(frozen=True)
class SealResult:
    found: bool
    score: float  # 0..1: how well the best red cluster looks like a seal
    box: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 in the image's pixels
    colourless: bool = False  # the image holds no colour at all: red ink could not show
    faint: bool = False  # only a pale pink ring, seen by the pale pass: perhaps a faded seal

    @property
    def uncertain(self) -> bool:
        """Neither sealed nor unsealed for sure: a grey scan, or a faint ring only."""
        return not self.found and (self.colourless or self.faint)

    def describe(self) -> str:
        if self.found:
            return f"检测到红色圆形印章（置信度{self.score:.2f}）"
        if self.faint:
            return "仅见浅红色圆形印迹（疑为颜色过浅的公章），无法确认是否加盖红色公章"
        if self.colourless:
            return "页面为灰度或黑白图像，无法判断是否加盖红色公章"
        return "未检测到红色印章"


def red_mask(rgb: np.ndarray, *, loose: bool = False) -> np.ndarray:
    """Pixels that are clearly red (seal ink, pale or dark), as a boolean array.

    `loose` also takes the pink fringe of the ink: right for whitening a seal
    before OCR, too generous for telling a seal's shape.
    """
    import numpy as np

    r = rgb[..., 0].astype(np.int16)
    g = rgb[..., 1].astype(np.int16)
    b = rgb[..., 2].astype(np.int16)
    if loose:
        return (r >= 140) & (r - g >= 25) & (r - b >= 20)
    least_r, least_rg, least_rb = STRICT
    return (r >= least_r) & (r - g >= least_rg) & (r - b >= least_rb)


def detect_seal(img: Image.Image) -> SealResult:
    """Whether the page carries a red seal, with a score and where it is.

    Done with PIL's channel operations and plain Python, not numpy: a text-layer dossier is
    checked for seals too, and importing numpy would cost it more than the whole test.
    """
    from PIL import Image

    page = img if img.mode == "RGB" else img.convert("RGB")  # only read below, never changed
    scale = min(1.0, WORK_SIDE / max(page.size))
    if scale < 1.0:
        size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
        page = page.resize(size, Image.Resampling.BOX)  # cell averages: a third of bicubic's time
    strict = _best_ring(_red_pixels(page, STRICT), scale)
    if strict.found:
        return strict
    if strict.score == 0.0 and _colourless(page):
        return SealResult(False, 0.0, colourless=True)
    pale = _best_ring(_red_pixels(page, PALE), scale)
    if pale.found:
        return SealResult(False, pale.score, pale.box, faint=True)
    return strict


def _best_ring(mask: Image.Image, scale: float) -> SealResult:
    """The red cluster of `mask` most like a seal's ring; found when it scores MIN_SCORE."""
    best = SealResult(False, 0.0)
    if mask.histogram()[RED] < 30:
        return best
    grid, width = _coarse(mask)
    short_side = min(mask.size) / CELL
    for cells in _components(grid, width):
        score = _seal_score(cells, short_side)
        if score > best.score:
            ys, xs = zip(*cells, strict=True)
            x0, y0, x1, y1 = (
                round(v * CELL / scale) for v in (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
            )
            best = SealResult(score >= MIN_SCORE, round(score, 3), (x0, y0, x1, y1))
    return best


# Most a channel may differ from another in an image with no colour (JPEG rounding of a grey
# scan); a colour scan of black print on white paper shows more than this at its edges.
GREY_SPREAD = 6


def _colourless(page: Image.Image) -> bool:
    """True when no pixel of the (reduced) page has any colour: a greyscale or black-and-white
    scan, on which a red seal shows as grey and the test above cannot see it."""
    from PIL import ImageChops

    r, g, b = page.split()
    spread = ImageChops.lighter(ImageChops.difference(r, g), ImageChops.difference(r, b))
    coloured = sum(spread.histogram()[GREY_SPREAD + 1 :])
    return coloured <= page.width * page.height // 10_000  # a speck or two of dust is no colour


RED = CELL * CELL  # a red pixel's value in the mask: a cell's mean is then its count of red pixels


def _red_pixels(page: Image.Image, limits: tuple[int, int, int]) -> Image.Image:
    """An 8-bit mask, RED where r, r - g and r - b reach `limits` (STRICT is red_mask's strict
    test), else 0."""
    from PIL import ImageChops

    r, g, b = page.split()
    least_r, least_rg, least_rb = limits
    tests = (
        r.point(lambda v: RED if v >= least_r else 0),
        ImageChops.subtract(r, g).point(lambda v: RED if v >= least_rg else 0),  # r - g, floored at 0
        ImageChops.subtract(r, b).point(lambda v: RED if v >= least_rb else 0),
    )
    return ImageChops.darker(ImageChops.darker(tests[0], tests[1]), tests[2])


def _coarse(mask: Image.Image) -> tuple[bytes, int]:
    """Cells holding at least two red pixels (joins the strokes of a ring, drops speckle), as one
    byte per cell row by row (1 = red), and the grid's width."""
    w, h = (mask.width // CELL) * CELL, (mask.height // CELL) * CELL
    if w == 0 or h == 0:
        return b"", 0
    counts = mask.crop((0, 0, w, h)).reduce(CELL)  # each cell's mean: its count of red pixels
    return counts.point(lambda v: 1 if v >= 2 else 0).tobytes(), w // CELL


def _components(grid: bytes, width: int) -> list[list[tuple[int, int]]]:
    """8-connected clusters of red cells, gaps of one cell bridged (a worn seal's broken ring)."""
    red = {divmod(i, width) for i, v in enumerate(grid) if v}  # (row, column), row by row
    clusters: list[list[tuple[int, int]]] = []
    while red:
        start = red.pop()
        cluster = [start]
        queue = deque([start])
        while queue:
            y, x = queue.popleft()
            for dy in (-2, -1, 0, 1, 2):
                for dx in (-2, -1, 0, 1, 2):
                    n = (y + dy, x + dx)
                    if n in red:
                        red.remove(n)
                        cluster.append(n)
                        queue.append(n)
        if len(cluster) >= 12:
            clusters.append(cluster)
    return clusters


def _seal_score(cells: list[tuple[int, int]], short_side: float) -> float:
    """0 when size or shape rule a seal out; else how much of a ring the cluster's rim covers."""
    ys = [float(y) for y, _ in cells]
    xs = [float(x) for _, x in cells]
    h, w = max(ys) - min(ys) + 1, max(xs) - min(xs) + 1
    if not MIN_REL_SIZE <= max(h, w) / short_side <= MAX_REL_SIZE:
        return 0.0
    if min(h, w) / max(h, w) < 0.6:
        return 0.0
    cy, cx = (max(ys) + min(ys)) / 2, (max(xs) + min(xs)) / 2
    # Normalise to a unit circle (an oval seal becomes round).
    dy = [(y - cy) / (h / 2) for y in ys]
    dx = [(x - cx) / (w / 2) for x in xs]
    rho = [math.hypot(a, b) for a, b in zip(dy, dx, strict=True)]
    outside = sum(1 for r in rho if r > 1.08) / len(rho)  # a filled box has ~15 % there, a ring none
    rim = [(a, b) for a, b, r in zip(dy, dx, rho, strict=True) if r >= 0.7]
    if not rim:
        return 0.0
    sectors = {int((math.atan2(a, b) + math.pi) / (2 * math.pi) * SECTORS) % SECTORS for a, b in rim}
    coverage = len(sectors) / SECTORS
    return max(0.0, coverage - 6 * max(0.0, outside - 0.02))
