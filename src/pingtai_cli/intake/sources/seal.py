"""Red-seal (公章) detection on a page image.

A 公章 is a red ring 38–45 mm across (an oval for some special seals), with
red text and a star inside. On a page it shows as a compact cluster of red
pixels whose outer edge runs round a circle: a red heading or a red table is
elongated, a red block of text fills the corners of its box. The test is done
on a coarse grid of the downscaled page, so a page costs a few milliseconds.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class SealResult:
    found: bool
    score: float  # 0..1: how well the best red cluster looks like a seal
    box: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 in the image's pixels

    def describe(self) -> str:
        if self.found:
            return f"检测到红色圆形印章（置信度{self.score:.2f}）"
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
    return (r >= 110) & (r - g >= 50) & (r - b >= 40)


def detect_seal(img: Image.Image) -> SealResult:
    """Whether the page carries a red seal, with a score and where it is."""
    import numpy as np
    from PIL import Image

    page = img if img.mode == "RGB" else img.convert("RGB")  # only read below, never changed
    scale = min(1.0, WORK_SIDE / max(page.size))
    if scale < 1.0:
        size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
        page = page.resize(size, Image.Resampling.BOX)  # cell averages: a third of bicubic's time
    mask = red_mask(np.asarray(page))
    if mask.sum() < 30:
        return SealResult(False, 0.0)
    grid = _coarse(mask)
    short_side = min(mask.shape) / CELL
    best = SealResult(False, 0.0)
    for cells in _components(grid):
        score = _seal_score(cells, short_side)
        if score > best.score:
            ys, xs = zip(*cells, strict=True)
            x0, y0, x1, y1 = (
                round(v * CELL / scale) for v in (min(xs), min(ys), max(xs) + 1, max(ys) + 1)
            )
            box = (x0, y0, x1, y1)
            best = SealResult(score >= MIN_SCORE, round(score, 3), box)
    return best


def _coarse(mask: np.ndarray) -> np.ndarray:
    """Cells holding at least two red pixels: joins the strokes of a ring, drops speckle."""
    h, w = (mask.shape[0] // CELL) * CELL, (mask.shape[1] // CELL) * CELL
    blocks = mask[:h, :w].reshape(h // CELL, CELL, w // CELL, CELL)
    return blocks.sum(axis=(1, 3)) >= 2


def _components(grid: np.ndarray) -> list[list[tuple[int, int]]]:
    """8-connected clusters of red cells, gaps of one cell bridged (a worn seal's broken ring)."""
    red = {(int(y), int(x)) for y, x in zip(*grid.nonzero(), strict=True)}
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
    import numpy as np

    pts = np.array(cells, dtype=float)
    ys, xs = pts[:, 0], pts[:, 1]
    h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    if not MIN_REL_SIZE <= max(h, w) / short_side <= MAX_REL_SIZE:
        return 0.0
    if min(h, w) / max(h, w) < 0.6:
        return 0.0
    cy, cx = (ys.max() + ys.min()) / 2, (xs.max() + xs.min()) / 2
    # Normalise to a unit circle (an oval seal becomes round).
    dy, dx = (ys - cy) / (h / 2), (xs - cx) / (w / 2)
    rho = np.hypot(dy, dx)
    outside = float((rho > 1.08).mean())  # a filled box has ~15 % there, a ring none
    rim = rho >= 0.7
    if not rim.any():
        return 0.0
    angles = np.arctan2(dy[rim], dx[rim])
    sectors = np.unique(((angles + np.pi) / (2 * np.pi) * SECTORS).astype(int) % SECTORS)
    coverage = len(sectors) / SECTORS
    return max(0.0, coverage - 6 * max(0.0, outside - 0.02))
