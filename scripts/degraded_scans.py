#!/usr/bin/env python3
"""The degraded-scan set: the samples' scanned licence and balance sheet as scans really arrive.

Built from committed files only (no font needed): the licence of
`heilongjiang_scan_license/scan0001.pdf` and the opinion and balance-sheet
pages of `heilongjiang_remote_relaxed/02审计报告（扫描件）.pdf`, each re-made
as one variant: 72–300 dpi, turned 90/180/270, skewed 2° and 5°, JPEG quality
30, noise, a phone photo (uneven light and perspective), a faint photocopy, a
seal stamped over the text, two pages copied side by side, and the licence
bound as page 3 of a 5-page PDF behind a cover and a table of contents.

A variant is *fully read* when the licence is classified as one, its credit
code is exact, its 成立日期 is read, and the audit report gives its year and
资产总计. bench/run.py prints the table; tests/test_scans.py reads a few.

    .venv/bin/python scripts/degraded_scans.py [--out DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
LICENCE_PDF = SAMPLES / "heilongjiang_scan_license" / "scan0001.pdf"
AUDIT_PDF = SAMPLES / "heilongjiang_remote_relaxed" / "02审计报告（扫描件）.pdf"
AUDIT_PAGES = (1, 2)  # the opinion (its year) and the balance sheet (资产总计)
BASE_DPI = 150
# what the two documents say (expected.yaml: heilongjiang_scan_license, heilongjiang_remote_relaxed)
EXPECT = {
    "credit_code": "91230103MA17P62J67",
    "registration_date": date(2020, 5, 20),
    "audit_year": 2025,
    "total_assets": 68.0,
}

Image = Any  # PIL.Image.Image, imported lazily


def _pages(path: Path, indexes: tuple[int, ...] | None = None) -> list[Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    wanted = range(len(doc)) if indexes is None else indexes
    out = [doc[i].render(scale=BASE_DPI / 72).to_pil().convert("RGB") for i in wanted]
    doc.close()
    return out


def sources() -> tuple[Image, list[Image]]:
    """(the licence page, the audit pages) at 150 dpi, as the samples hold them."""
    return _pages(LICENCE_PDF, (0,))[0], _pages(AUDIT_PDF, AUDIT_PAGES)


def pdf_of(images: list[Image], dpi: float = BASE_DPI, quality: int = 75) -> bytes:
    """An image-only PDF, each page an A4 JPEG at `dpi` (as a scanner writes it)."""
    buf = io.BytesIO()
    first, *rest = [im.convert("RGB") for im in images]
    first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=dpi, quality=quality)
    return buf.getvalue()


# -- degradations ------------------------------------------------------------


def resample(img: Image, dpi: int) -> Image:
    from PIL import Image as PILImage

    scale = dpi / BASE_DPI
    return img.resize((round(img.width * scale), round(img.height * scale)), PILImage.LANCZOS)


def turned(img: Image, degrees: float) -> Image:
    return img.rotate(degrees, expand=True, fillcolor="white", resample=3 if degrees % 90 else 0)


def noisy(img: Image, seed: int = 7) -> Image:
    import numpy as np
    from PIL import Image as PILImage

    rng = np.random.default_rng(seed)
    a = np.asarray(img, dtype=np.float32)
    a = a + rng.normal(0, 22, a.shape[:2])[..., None]
    dots = rng.random(a.shape[:2])
    a[dots < 0.004] = 0
    a[dots > 0.996] = 255
    return PILImage.fromarray(np.clip(a, 0, 255).astype("uint8"))


def phone_photo(img: Image, seed: int = 11) -> Image:
    """Uneven light (a lamp at one corner), a warm cast, perspective of a hand-held phone."""
    import numpy as np
    from PIL import Image as PILImage

    h, w = img.height, img.width
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.42 * np.hypot(x / w - 0.9, y / h - 0.05) / 1.3
    a = np.asarray(img, dtype=np.float32) * light[..., None]
    a *= np.array([1.0, 0.95, 0.84], dtype=np.float32)
    lit = PILImage.fromarray(np.clip(a, 0, 255).astype("uint8"))
    dx, dy = 0.06 * w, 0.04 * h
    quad = (dx, dy, 0, h - dy, w, h, w - dx * 0.3, 0)  # corners: top-left, bottom-left, …
    return lit.transform((w, h), PILImage.QUAD, quad, resample=PILImage.BICUBIC, fillcolor=(90, 80, 70))


def faint(img: Image) -> Image:
    """A light photocopy of a photocopy: ink at a third of its strength, a little soft."""
    import numpy as np
    from PIL import Image as PILImage
    from PIL import ImageFilter

    a = np.asarray(img.convert("L"), dtype=np.float32)
    a = 255 - (255 - a) * 0.33 + 8
    return PILImage.fromarray(np.clip(a, 0, 255).astype("uint8")).filter(ImageFilter.GaussianBlur(0.6)).convert("RGB")


def sealed(img: Image, where: tuple[float, float] = (0.5, 0.3)) -> Image:
    """A red round seal stamped over the text at (x, y) as fractions of the page."""
    from PIL import ImageDraw

    out = img.copy()
    draw = ImageDraw.Draw(out)
    cx, cy = where[0] * img.width, where[1] * img.height
    r = 0.11 * img.width
    red = (212, 40, 44)
    for k in range(6):
        draw.ellipse((cx - r + k, cy - r + k, cx + r - k, cy + r - k), outline=red)
    draw.regular_polygon((cx, cy, r * 0.28), 5, fill=red)
    for i in range(14):  # the seal's ring of characters, as strokes
        a = math.pi * (0.85 + 1.3 * i / 13)
        x, y = cx + 0.72 * r * math.cos(a), cy - 0.72 * r * math.sin(a)
        draw.rectangle((x - 9, y - 9, x + 9, y + 9), outline=red, width=3)
    return out


def side_by_side(left: Image, right: Image) -> Image:
    """Two pages copied onto one landscape sheet, each at half size: two columns."""
    from PIL import Image as PILImage

    w, h = left.width, left.height
    sheet = PILImage.new("RGB", (w * 2, h), "white")
    sheet.paste(left, (0, 0))
    sheet.paste(right.resize((w, h)), (w, 0))
    return sheet


@dataclass(frozen=True)
class Variant:
    name: str
    what: str  # the degradation, in a few words (the bench table's column)
    licence: bytes  # the licence file (PDF or JPEG)
    licence_name: str
    audit: bytes
    audit_name: str = "审计报告.pdf"


def _pair(name: str, what: str, fix: Callable[[Image], Image], dpi: float = BASE_DPI, quality: int = 75) -> Callable[[], Variant]:
    def build() -> Variant:
        licence, audit = sources()
        return Variant(
            name,
            what,
            pdf_of([fix(licence)], dpi, quality),
            "scan0001.pdf",
            pdf_of([fix(p) for p in audit], dpi, quality),
        )

    return build


def _photo() -> Variant:
    licence, audit = sources()
    buf = io.BytesIO()
    turned(phone_photo(licence), 90).save(buf, format="JPEG", quality=70)
    return Variant("phone", "手机侧拍（光照不匀、透视）", buf.getvalue(), "IMG_20260310_0912.jpg",
                   pdf_of([phone_photo(p) for p in audit]))


def _combined() -> Variant:
    """The licence as page 3 of 5: a cover, a table of contents, the licence, two other papers."""
    licence, audit = sources()
    from PIL import Image as PILImage

    blank = PILImage.new("RGB", licence.size, "white")
    cover = _crop_title(audit[0], blank)
    contents = _contents_page(blank)
    pages = [cover, contents, licence, audit[0], audit[1]]
    return Variant("combined", "5页合订PDF中的第3页", pdf_of(pages), "申报材料合订本.pdf", pdf_of(audit))


def _crop_title(page: Image, blank: Image) -> Image:
    """A cover: the title band of the audit opinion (“审 计 报 告”) on an otherwise empty page."""
    out = blank.copy()
    band = page.crop((0, 0, page.width, int(page.height * 0.06)))
    out.paste(band, (0, int(page.height * 0.3)))
    return out


def _contents_page(blank: Image) -> Image:
    """A table of contents drawn with the scan font when present, else left blank-ish."""
    from PIL import ImageDraw, ImageFont

    out = blank.copy()
    font_path = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not font_path.exists():
        return out
    draw = ImageDraw.Draw(out)
    big, small = ImageFont.truetype(str(font_path), 56), ImageFont.truetype(str(font_path), 30)
    draw.text((out.width // 2 - 60, 160), "目 录", fill="black", font=big)
    items = ["一、营业执照副本", "二、2025年度审计报告", "三、房屋租赁合同", "四、服务证明材料", "五、申报材料真实性声明"]
    for i, item in enumerate(items):
        draw.text((160, 320 + 80 * i), f"{item}{'…' * 18}{i * 2 + 3}", fill="black", font=small)
    return out


VARIANTS: dict[str, Callable[[], Variant]] = {
    "dpi72": _pair("dpi72", "72 dpi", lambda im: resample(im, 72), 72),
    "dpi100": _pair("dpi100", "100 dpi", lambda im: resample(im, 100), 100),
    "dpi150": _pair("dpi150", "150 dpi（原样）", lambda im: im),
    "dpi300": _pair("dpi300", "300 dpi", lambda im: resample(im, 300), 300),
    "rot90": _pair("rot90", "旋转90°", lambda im: turned(im, 90)),
    "rot180": _pair("rot180", "旋转180°（倒置）", lambda im: turned(im, 180)),
    "rot270": _pair("rot270", "旋转270°", lambda im: turned(im, 270)),
    "skew2": _pair("skew2", "倾斜2°", lambda im: turned(im, 2)),
    "skew5": _pair("skew5", "倾斜5°", lambda im: turned(im, -5)),
    "jpeg30": _pair("jpeg30", "JPEG质量30", lambda im: im, quality=30),
    "noise": _pair("noise", "噪点", noisy),
    "phone": _photo,
    "faint": _pair("faint", "浅淡复印件", faint),
    "seal": _pair("seal", "公章盖在文字上", lambda im: sealed(im, (0.45, 0.28))),
    "two_columns": _pair("two_columns", "两页并排复印（两栏）", lambda im: side_by_side(im, im)),
    "combined": _combined,
}


def read_variant(variant: Variant) -> dict[str, Any]:
    """What pingtai reads of the variant's two files, and whether that is fully right."""
    import time

    from pingtai_cli.intake.dossier import process_file
    from pingtai_cli.intake.limits import Limits

    start = time.perf_counter()
    licence = process_file(variant.licence_name, variant.licence, Limits())
    audit = process_file(variant.audit_name, variant.audit, Limits())
    seconds = time.perf_counter() - start
    got = {
        "classified": "business_license" in licence.material_keys,
        "credit_code": _value(licence, "credit_code"),
        "registration_date": _value(licence, "registration_date"),
        "audit_year": _value(audit, "audit_year"),
        "total_assets": _value(audit, "total_assets"),
    }
    misses = [k for k, v in EXPECT.items() if got[k] != v]
    if not got["classified"]:
        misses.insert(0, "classified")
    notes = [n for n in licence.notes + audit.notes if "无法识别" in n]
    return {
        "variant": variant.name,
        "what": variant.what,
        "got": got,
        "misses": misses,
        "fully_read": not misses,
        "ocr_pages": licence.ocr_pages + audit.ocr_pages,
        "seconds": round(seconds, 2),
        "notes": notes,
    }


def ocr_speed(runs: int = 3) -> dict[str, Any]:
    """Seconds per OCR run of the licence page: upright with orientation handling off and on
    (alternating, so a busy machine slows both alike), and turned 90° with it on."""
    import statistics
    import time

    from pingtai_cli.intake.sources import ocr

    licence, _ = sources()
    sideways = turned(licence, 90)
    ocr.ocr_image(licence)  # the engine's start-up is not a page

    def timed(img: Image, orient: bool) -> float:
        start = time.perf_counter()
        ocr.ocr_image(img, orient=orient)
        return time.perf_counter() - start

    off, on, side = [], [], []
    for _ in range(runs):
        off.append(timed(licence, False))
        on.append(timed(licence, True))
        side.append(timed(sideways, True))
    m_off, m_on, m_side = (statistics.median(x) for x in (off, on, side))
    return {
        "samples": {"upright_off": off, "upright_on": on, "sideways_on": side},
        "upright_off": round(m_off, 3),
        "upright_on": round(m_on, 3),
        "sideways_on": round(m_side, 3),
        "upright_ratio": round(m_on / m_off, 3),
        "sideways_ratio": round(m_side / m_on, 3),
    }


def _value(material: Any, key: str) -> Any:
    fact = material.facts.get(key)
    if fact is None:
        return None
    return float(fact.value) if key == "total_assets" else fact.value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write each variant's files here")
    parser.add_argument("--only", nargs="*", help="variants to build (default: all)")
    parser.add_argument("--json", type=Path, help="write the rows (and --speed) as JSON here")
    parser.add_argument("--speed", type=int, default=0, help="also time OCR: runs per case")
    args = parser.parse_args(argv)
    names = args.only or list(VARIANTS)
    rows = []
    for name in names:
        variant = VARIANTS[name]()
        if args.out:
            folder = args.out / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / variant.licence_name).write_bytes(variant.licence)
            (folder / variant.audit_name).write_bytes(variant.audit)
        row = read_variant(variant)
        rows.append(row)
        print(f"{name:12s} {'✔' if row['fully_read'] else '✘'} {row['misses']} {row['notes']}")
    speed = ocr_speed(args.speed) if args.speed else None
    if speed:
        print(speed)
    if args.json:
        import json

        report = {"rows": rows, "speed": speed}
        args.json.write_text(json.dumps(report, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
