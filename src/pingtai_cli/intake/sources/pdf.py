"""PDF pages: the text layer with pypdfium2 (≈1 ms a page), and page images for OCR and seals.

A page counts as a scan when its text layer is empty or tiny while the page
holds an image, or when the text is garbage (`(cid:123)` runs, private-use or
replacement characters, Latin-1 mojibake of a Chinese font without a
ToUnicode map). Only the first `max_pages` pages are ever touched, whatever
the file claims. Every failure to open is an `UnreadableFile` with a Chinese
reason; pdfplumber is not needed for plain text and is not imported here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pingtai_cli.intake.sources.common import UnreadableFile, mismatch, sniff

if TYPE_CHECKING:
    from types import TracebackType

    from PIL import Image

DPI = 150
DEFAULT_MAX_PAGES = 60
DEFAULT_MAX_PIXELS = 40_000_000
MIN_CHARS = 8  # fewer visible characters than this is "tiny"

_CID_RE = re.compile(r"\(cid:\d+\)")


def text_problem(text: str) -> str | None:
    """Why a page's text layer cannot be trusted ("empty", "tiny", "garbage"), or None."""
    visible = "".join(text.split())
    if not visible:
        return "empty"
    cid = sum(len(m) for m in _CID_RE.findall(visible))
    if cid / len(visible) > 0.2:
        return "garbage"
    bad = sum(1 for c in visible if _is_junk(c))
    if bad / len(visible) > 0.3:
        return "garbage"
    if not any(_is_cjk(c) for c in visible):
        latin1 = sum(1 for c in visible if 0x80 <= ord(c) <= 0x24F)
        if latin1 / len(visible) > 0.3:
            return "garbage"
    if len(visible) < MIN_CHARS:
        return "tiny"
    return None


def _is_junk(c: str) -> bool:
    code = ord(c)
    return 0xE000 <= code <= 0xF8FF or code == 0xFFFD or code < 0x20


def _is_cjk(c: str) -> bool:
    return 0x4E00 <= ord(c) <= 0x9FFF or 0x3400 <= ord(c) <= 0x4DBF


class PdfFile:
    """An open PDF, read page by page on demand; use as a context manager."""

    def __init__(
        self,
        data: bytes,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        max_pixels: int = DEFAULT_MAX_PIXELS,
    ) -> None:
        self._doc = _open(data)
        self.total_pages = len(self._doc)
        self.count = min(self.total_pages, max_pages)
        self.max_pixels = max_pixels
        self.problems: list[str] = []  # pages that could not be loaded, in Chinese
        self._texts: dict[int, str] = {}

    def __enter__(self) -> PdfFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._doc.close()

    def text(self, index: int) -> str:
        """The text layer of page `index` (0-based), '' when the page cannot be loaded."""
        if index not in self._texts:
            self._texts[index] = self._read_text(index)
        return self._texts[index]

    def is_scan(self, index: int) -> bool:
        """True when the page must be OCR'd to be read."""
        problem = text_problem(self.text(index))
        if problem == "garbage":
            return True
        if problem in ("empty", "tiny"):
            return self._has_image(index)
        return False

    def render(self, index: int, dpi: int = DPI) -> Image.Image:
        """The page as an RGB image at `dpi`, scaled down so that it stays within max_pixels."""
        import pypdfium2 as pdfium

        try:
            page = self._doc[index]
            width, height = page.get_size()
            scale = dpi / 72
            pixels = width * height * scale * scale
            if pixels > self.max_pixels:
                scale *= (self.max_pixels / pixels) ** 0.5
            image = page.render(scale=scale).to_pil().convert("RGB")
            page.close()
        except pdfium.PdfiumError as exc:
            raise UnreadableFile(f"第{index + 1}页无法渲染（{_page_reason(str(exc))}）") from exc
        return image

    def image_dpi(self, index: int) -> float | None:
        """The resolution of the page's largest image as placed on the page (a scan's dpi)."""
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        best = None
        try:
            page = self._doc[index]
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
                left, bottom, right, top = obj.get_bounds()
                width_px, _ = obj.get_px_size()
                inches = (right - left) / 72
                if inches > 0 and (best is None or inches > best[0]):
                    best = (inches, width_px / inches)
            page.close()
        except (pdfium.PdfiumError, AttributeError, TypeError, ValueError):
            return None
        return best[1] if best else None

    def _read_text(self, index: int) -> str:
        import pypdfium2 as pdfium

        try:
            page = self._doc[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            textpage.close()
            page.close()
        except pdfium.PdfiumError as exc:
            self.problems.append(f"第{index + 1}页无法读取（{_page_reason(str(exc))}）")
            return ""
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def _has_image(self, index: int) -> bool:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        try:
            page = self._doc[index]
            found = any(
                True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
            )
            page.close()
        except pdfium.PdfiumError:
            return False
        return found


def _open(data: bytes):  # -> pdfium.PdfDocument
    """Open PDF bytes or say in Chinese why not."""
    import pypdfium2 as pdfium

    if sniff(data) != "pdf":
        raise mismatch("PDF", data)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(_reason(str(exc))) from exc


def _reason(message: str) -> str:
    lowered = message.lower()
    if "password" in lowered:
        return "PDF已加密（需要密码才能打开），无法读取"
    if "security" in lowered:
        return "PDF使用了不支持的加密方式，无法读取"
    if "format" in lowered:
        return "PDF文件已损坏或不完整（可能下载或复制时被截断），无法读取"
    return "PDF无法打开（文件结构无法识别，可能已损坏）"


def _page_reason(message: str) -> str:
    """PDFium's page errors ('Failed to load page.') in Chinese: findings are read by people."""
    lowered = message.lower()
    if "load page" in lowered or "text page" in lowered:
        return "页面已损坏或缺失"
    if "render" in lowered or "bitmap" in lowered:
        return "页面无法绘制，可能已损坏"
    return "页面内容无法识别，可能已损坏"


def open_pdf(
    data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES, max_pixels: int = DEFAULT_MAX_PIXELS
) -> PdfFile:
    """Open a PDF for page-by-page reading; raises UnreadableFile with a Chinese reason."""
    return PdfFile(data, max_pages=max_pages, max_pixels=max_pixels)


def text_pages(data: bytes, *, max_pages: int = DEFAULT_MAX_PAGES) -> list[str]:
    """The text layer of the first `max_pages` pages, '' for a scanned page (no OCR)."""
    with open_pdf(data, max_pages=max_pages) as pdf:
        return ["" if pdf.is_scan(i) else pdf.text(i) for i in range(pdf.count)]
