"""OCR of scanned pages and photos with RapidOCR (PP-OCRv4 models shipped inside the wheel).

Nothing is downloaded at run time, and ONNX Runtime's telemetry is switched
off. The engine is created once per process (≈0.3 s) and runs on two threads;
a 150 dpi A4 page costs about a second, so callers OCR only the pages they
need. Red pixels are whitened before OCR: a red seal over black text
otherwise hides the text under it (the caller keeps the original image for
seal detection).
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from typing import TYPE_CHECKING, NamedTuple

from pingtai_cli.intake.sources.common import SNIFF_NAMES, NotChecked, UnreadableFile, sniff

if TYPE_CHECKING:
    from PIL import Image
    from rapidocr_onnxruntime import RapidOCR

THREADS = 2
MAX_SIDE = 2500  # longer side a decoded image is reduced to (the engine works at ≤2000)
# Longer side of what the engine sees: a 150 dpi A4 page (1754 px) shrinks a little, and text
# detection, whose cost follows the pixels, drops ~20 %; the samples read the same at 1440 px.
OCR_SIDE = 1600
DEFAULT_MAX_PIXELS = (
    40_000_000  # decoded pixels allowed for one image (a 50k×50k header is refused)
)

_engine: RapidOCR | None = None
_engine_lock = threading.Lock()
_run_lock = threading.Lock()


class OcrLine(NamedTuple):
    text: str
    box: list[list[float]]  # four corners, clockwise from top-left, in image pixels
    score: float


def engine() -> RapidOCR:
    """The process-wide OCR engine, created on first use."""
    global _engine
    with _engine_lock:
        if _engine is None:
            import logging
            import os

            # ONNX Runtime ≥ 1.29 sends usage telemetry from Linux too (and leaves a
            # session file in the temp dir) unless told not to before it starts.
            os.environ["ORT_DISABLE_TELEMETRY"] = "1"
            from rapidocr_onnxruntime import RapidOCR

            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            logging.getLogger("OrtInferSession").setLevel(logging.ERROR)
            _tune_sessions()
            _engine = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=1)
            _capture_directions(_engine)
        return _engine


def _tune_sessions() -> None:
    """Two changes to rapidocr's ONNX Runtime session options, both measured on 2 cores.

    - Idle worker threads sleep instead of spinning: spinning saves little on
      an idle machine but burns the CPU another batch worker needs (same wall
      time, ~15 % less CPU per page).
    - The CPU memory arena is on (rapidocr turns it off): without it every run
      maps fresh memory for its large tensors, and every page has new tensor
      shapes, so each OCR run paid that again — 15–30 % of the OCR time of a
      dossier. The price is memory kept between runs: peak RSS of a process
      that OCR'd a scanned audit report ~0.93 GB instead of ~0.70 GB.

    rapidocr builds the options itself, so its builder is wrapped; if its
    internals change, its defaults stay.
    """
    with contextlib.suppress(ImportError, AttributeError):
        from rapidocr_onnxruntime.utils import infer_engine

        build = infer_engine.OrtInferSession._init_sess_opts

        def options(config: dict) -> object:
            opts = build(config)
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
            opts.enable_cpu_mem_arena = True
            return opts

        infer_engine.OrtInferSession._init_sess_opts = staticmethod(options)


def load_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode an image file safely: the size is checked from the header before any pixel is decoded.

    JPEGs are decoded at reduced scale when large (phone photos), so memory
    stays near MAX_SIDE² whatever the file says.
    """
    import io

    from PIL import Image

    kind = sniff(data)
    if kind not in ("jpeg", "png", "tiff", "bmp", "gif", "webp"):
        raise UnreadableFile(f"不是可读取的图片（内容是{SNIFF_NAMES[kind]}）")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img: Image.Image = Image.open(io.BytesIO(data))
            width, height = img.size
            if img.format == "JPEG":  # decoded at up to 1/8 scale: a 50 Mpx phone photo is fine
                img.draft("RGB", (MAX_SIDE, MAX_SIDE))
            if img.size[0] * img.size[1] > max_pixels:
                raise NotChecked(
                    f"图片尺寸过大（{width}×{height}像素），超过上限{max_pixels:,}像素，未读取"
                )
            img.load()
            img = _reduce(img)
        except Image.DecompressionBombError as exc:
            raise UnreadableFile("图片尺寸过大（疑似解压炸弹），未读取") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise UnreadableFile(f"图片已损坏或被截断（{exc.__class__.__name__}）") from exc
    return shrink(img)


def _reduce(img: Image.Image) -> Image.Image:
    """Bring a freshly decoded large image near MAX_SIDE before any full-size copy is made.

    Only the decoded pixels stay full size (a 40 Mpx PNG: peak 400 → 200 MB).
    """
    factor = max(img.size) // MAX_SIDE
    if factor > 1:
        with contextlib.suppress(ValueError):  # a mode reduce() refuses: thumbnail copes
            img = img.reduce(factor)
    if max(img.size) > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE))
    return img


def shrink(img: Image.Image, max_side: int = MAX_SIDE) -> Image.Image:
    """RGB, longer side at most `max_side`: what OCR and seal detection work on."""
    img = img.convert("RGB")  # always a copy, so thumbnail() below leaves the caller's image alone
    if max(img.size) > max_side:
        img.thumbnail((max_side, max_side))
    return img


def remove_red(img: Image.Image) -> Image.Image:
    """A copy with clearly red pixels (seal ink) turned white, so text under a seal reads."""
    import numpy as np
    from PIL import Image

    from pingtai_cli.intake.sources.seal import red_mask

    rgb = np.array(img.convert("RGB"))
    rgb[red_mask(rgb, loose=True)] = 255
    return Image.fromarray(rgb)


last_turn = 0  # degrees (counter-clockwise) the last page OCR'd was turned to read upright
TALL = 1.5  # a text box this much taller than wide is a line of a page lying on its side
MIN_SKEW, MAX_SKEW = 0.4, 15.0  # degrees: below, no correction; above, not a skew


def ocr_image(img: Image.Image, *, drop_red: bool = True, orient: bool = True) -> list[OcrLine]:
    """Text boxes of an image in reading order (top to bottom, then left to right).

    A page lying on its side or upside down is turned upright first and read
    again (a scanner's or phone's page in any of the four orientations); a
    slightly skewed page's boxes are rotated back so that a row's label and its
    amount stay on one line. `last_turn` tells the caller the turn applied.
    """
    global last_turn
    img = shrink(img, OCR_SIDE)
    if drop_red:
        img = remove_red(img)
    lines, flipped = _recognise(img)
    turn = page_turn(lines, flipped) if orient else 0
    if turn:
        img = img.rotate(turn, expand=True, fillcolor="white")
        lines, _ = _recognise(img)
    last_turn = turn
    return deskew(lines, img.width, img.height)


def _recognise(img: Image.Image) -> tuple[list[OcrLine], int]:
    """(text boxes, how many line crops the direction classifier found upside down)."""
    import numpy as np

    bgr = np.ascontiguousarray(np.asarray(img)[..., ::-1])
    with _run_lock:  # one page at a time: the engine already uses every thread we allow
        ocr = engine()
        _directions.clear()
        result, _ = ocr(bgr)
        flipped = sum(1 for label, score in _directions if str(label) == "180" and score >= 0.8)
    lines = [OcrLine(str(text), box, float(score)) for box, text, score in result or []]
    return lines, flipped


_directions: list[tuple[str, float]] = []  # the classifier's verdict on each line crop of a run


def _capture_directions(ocr: RapidOCR) -> None:
    """Keep what rapidocr's text-direction classifier says of each line (it runs anyway).

    rapidocr turns an upside-down line before reading it but does not say so;
    counted over a page, those verdicts tell the page's orientation for free.
    """
    classify = getattr(ocr, "text_cls", None)
    if classify is None:
        return

    def capture(images: object) -> object:
        out = classify(images)
        with contextlib.suppress(TypeError, ValueError, IndexError):
            _directions.extend((str(label), float(score)) for label, score in out[1])
        return out

    ocr.text_cls = capture


def _size(box: list[list[float]]) -> tuple[float, float]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return max(xs) - min(xs), max(ys) - min(ys)


def page_turn(lines: list[OcrLine], flipped: int) -> int:
    """Degrees (counter-clockwise) that bring the page upright: 0, 90, 180 or 270.

    Lines of a page on its side come out as tall boxes; the direction classifier
    then says which side is up (rapidocr turns a tall crop a quarter before it
    reads, so a page turned one way reads as upside down, the other way not).
    Both are measured on the run already made, so an upright page costs nothing more.
    """
    words = [line for line in lines if len(line.text.strip()) >= 2]
    if len(words) < 3:
        return 0
    sizes = [_size(line.box) for line in words]
    tall = sum(1 for width, height in sizes if height > TALL * width)
    upside = flipped > len(lines) / 2
    if tall > len(words) / 2:
        return 270 if upside else 90
    return 180 if upside else 0


def skew_angle(lines: list[OcrLine]) -> float:
    """The page's skew in degrees (positive: text rises to the right), from its long text lines."""
    import math

    angles = []
    for line in lines:
        (x0, y0), (x1, y1) = line.box[0], line.box[1]
        width, height = _size(line.box)
        if width > 3 * max(height, 1) and x1 > x0:
            angles.append(math.degrees(math.atan2(y0 - y1, x1 - x0)))
    if len(angles) < 3:
        return 0.0
    angles.sort()
    return angles[len(angles) // 2]


def deskew(lines: list[OcrLine], width: int, height: int) -> list[OcrLine]:
    """Boxes of a skewed page rotated back about its centre, so rows group as printed."""
    import math

    angle = skew_angle(lines)
    if not MIN_SKEW <= abs(angle) <= MAX_SKEW:
        return lines
    a = math.radians(angle)
    cx, cy = width / 2, height / 2
    cos, sin = math.cos(a), math.sin(a)

    def turn(p: list[float]) -> list[float]:
        dx, dy = p[0] - cx, p[1] - cy
        return [cx + dx * cos - dy * sin, cy + dx * sin + dy * cos]

    return [OcrLine(line.text, [turn(p) for p in line.box], line.score) for line in lines]


def ocr_text(img: Image.Image, *, drop_red: bool = True) -> str:
    """The text of an image, one printed line per line (boxes on the same row joined by a space)."""
    return lines_to_text(ocr_image(img, drop_red=drop_red))


def lines_to_text(lines: list[OcrLine]) -> str:
    """Group boxes whose vertical centres are within half a box height into rows.

    A licence prints `名称` and the name as two boxes on one row; joining them
    lets `名称[:：]?(.+)` read the name as it would from a text layer.
    """
    rows: list[list[tuple[float, float, float, str]]] = []  # (x, y_centre, height, text)
    for line in lines:
        ys = [p[1] for p in line.box]
        xs = [p[0] for p in line.box]
        centre, height = (min(ys) + max(ys)) / 2, max(ys) - min(ys)
        entry = (min(xs), centre, height, line.text)
        row = next((r for r in rows if abs(r[-1][1] - centre) <= max(height, r[-1][2]) / 2), None)
        if row is None:
            rows.append([entry])
        else:
            row.append(entry)
    rows.sort(key=lambda r: min(e[1] for e in r))
    return "\n".join(" ".join(e[3] for e in sorted(r)) for r in rows)
