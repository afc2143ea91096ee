"""Why a scanned page could not be read, measured on its image, and what to do about it.

An applicant told only 待审核 cannot fix anything. A page whose OCR found
(almost) no text is measured: its contrast (the spread of its grey levels: a
faint photocopy), its sharpness (the variance of the Laplacian: a shaken
phone), its resolution (pixels per inch of the scan as stored), and whether it
had to be turned. The advice is the same for all: rescan upright at 300 dpi,
in colour, so that the seal shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

MIN_CHARS = 15  # visible characters below which a page counts as unread
MIN_CONTRAST = 80  # grey levels between the 5th and 95th percentile of a legible page
MIN_SHARPNESS = 150.0  # Laplacian variance at 1000 px wide; printed text scans well above
MIN_DPI = 120  # below this, Chinese characters of a 10.5 pt line are ~15 px and lose strokes
A4_SHORT_INCHES = 8.27
INK_LEVEL = 128  # a pixel darker than this is ink
MIN_INK, MAX_INK = 0.005, 0.5  # the share of ink on a printed page
ADVICE = "请将原件正向放置，以300 dpi彩色重新扫描（彩色才能显示公章）后替换此文件"


def unread(text: str) -> bool:
    return len("".join(text.split())) < MIN_CHARS


def measure(image: Image.Image) -> tuple[int, float]:
    """(contrast: grey levels between the 5th and 95th percentile, sharpness at 1000 px wide)."""
    import numpy as np

    grey = image.convert("L")
    if grey.width > 1000:
        grey = grey.resize((1000, max(1, round(grey.height * 1000 / grey.width))))
    a = np.asarray(grey, dtype=np.float32)
    lo, hi = np.percentile(a, [5, 95])
    if a.shape[0] < 3 or a.shape[1] < 3:
        return int(hi - lo), 0.0
    lap = a[1:-1, :-2] + a[1:-1, 2:] + a[:-2, 1:-1] + a[2:, 1:-1] - 4 * a[1:-1, 1:-1]
    return int(hi - lo), float(lap.var())


def has_text_ink(image: Image.Image) -> bool:
    """True when the page looks printed: dark pixels beyond a scanner's speckle (a printed page
    has several percent; a blank verso or an empty foot almost none), yet not most of it (a
    dark or flat background is no sign of text)."""
    import numpy as np

    grey = image.convert("L")
    if grey.width > 600:
        grey = grey.resize((600, max(1, round(grey.height * 600 / grey.width))))
    return MIN_INK <= float((np.asarray(grey) < INK_LEVEL).mean()) <= MAX_INK


def image_dpi(image: Image.Image) -> float | None:
    """The resolution a scan was stored at, from its header, else from its size as an A4 page."""
    dpi = image.info.get("dpi")
    if dpi and dpi[0] and float(dpi[0]) > 1:
        return float(dpi[0])
    return min(image.size) / A4_SHORT_INCHES


def causes(image: Image.Image, dpi: float | None, turned: int = 0) -> list[str]:
    """The likely causes, in Chinese, each with its measure."""
    contrast, sharpness = measure(image)
    out = []
    if turned:
        out.append(f"页面方向不正（旋转了{turned}°）")
    if dpi is not None and dpi < MIN_DPI:
        out.append(f"分辨率过低（约{dpi:.0f} dpi）")
    if contrast < MIN_CONTRAST:
        out.append(f"字迹太淡、对比度过低（灰度差{contrast}/255）")
    if sharpness < MIN_SHARPNESS and contrast >= 20:
        out.append(f"图像模糊（清晰度{sharpness:.0f}，应在{MIN_SHARPNESS:.0f}以上）")
    return out


def diagnosis(index: int, image: Image.Image, dpi: float | None, turned: int = 0) -> str:
    """The note for an unread page: which page, why (measured) and what to do."""
    found = causes(image, dpi, turned)
    why = "、".join(found) if found else "未识别出文字（可能是空白页、照片或手写件）"
    return f"第{index + 1}页无法识别：{why}；{ADVICE}"
