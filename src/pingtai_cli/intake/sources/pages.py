"""The pages of one document, read lazily: text layer for free, OCR on demand and counted.

Classification and fact extraction ask for page texts one at a time; a
scanned page is OCR'd only when asked for and only while the file's OCR
budget lasts, so a thirty-page scanned audit report costs the few pages that
lead to its balance sheet. Every page image rendered along the way is also
checked for a red seal, which costs milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from pingtai_cli.intake.sources import quality
from pingtai_cli.intake.sources.common import UnreadableFile

if TYPE_CHECKING:
    from PIL import Image

    from pingtai_cli.intake.sources.docx import DocxContent
    from pingtai_cli.intake.sources.ocr import OcrLine
    from pingtai_cli.intake.sources.pdf import PdfFile
    from pingtai_cli.intake.sources.seal import SealResult

TextLayer = Callable[[int], "str | None"]  # None: the page is a scan
Render = Callable[[int], "Image.Image"]
MAX_CACHED_IMAGES = 3
HEAD_FRACTION = 0.35  # of the page height: title, date line, first paragraph
SEAL_DPI = 68  # a page looked at only for its seal: A4 comes out within the test's 800 px


class PageMemo(Protocol):
    """Where OCR and seal results of a file's pages are kept across reads (extract/cached.py)."""

    def ocr(self, index: int, fraction: float) -> str | None: ...
    def set_ocr(self, index: int, fraction: float, text: str) -> None: ...
    def seal(self, index: int) -> SealResult | None: ...
    def set_seal(self, index: int, result: SealResult) -> None: ...


class Pages:
    """Page texts of one document; `count` pages may be read out of `total`."""

    def __init__(
        self,
        count: int,
        total: int,
        text_layer: TextLayer,
        render: Render,
        max_ocr: int,
        memo: PageMemo | None = None,
        seal_render: Render | None = None,
    ) -> None:
        self.count = count
        self.total = total
        self.max_ocr = max_ocr
        self.ocr_runs = 0  # engine runs: a page's head band and then the whole page are two
        self.refused: list[int] = []  # scanned pages left unread for want of OCR budget
        self.problems: list[str] = []  # pages that failed to render or OCR, in Chinese
        self.seals: dict[int, SealResult] = {}
        self._text_layer = text_layer
        self._render = render
        self._ocr: dict[int, str] = {}
        self._heads: dict[int, str] = {}
        self._started: set[int] = set()  # pages OCR'd (head band or whole)
        self._images: dict[int, Image.Image] = {}
        self.memo = memo  # OCR and seals read before (the budget counts a page all the same)
        self._seal_render = seal_render  # cheaper rendering for a text page's seal test
        self.docx: DocxContent | None = None  # a Word document's content (its tables)
        self._lines: dict[int, list[OcrLine]] = {}
        self.starts: dict[str, int] = {}  # material key → page its content starts on (0-based)
        self.turns: dict[int, int] = {}
        self.dpi: Callable[[int], float | None] | None = None  # a scan's stored resolution  # degrees a scanned page was turned to read upright

    @classmethod
    def from_pdf(cls, pdf: PdfFile, max_ocr: int) -> Pages:
        def layer(i: int) -> str | None:
            return None if pdf.is_scan(i) else pdf.text(i)

        return cls(pdf.count, pdf.total_pages, layer, pdf.render, max_ocr)

    @classmethod
    def from_image(cls, image: Image.Image, max_ocr: int) -> Pages:
        return cls(1, 1, lambda i: None, lambda i: image, max_ocr)

    @classmethod
    def from_docx(
        cls, content: DocxContent, max_ocr: int, max_pixels: int, memo: PageMemo | None = None
    ) -> Pages:
        """Page 1 is the document's text; each embedded image is one more page (OCR'd on demand)."""
        from pingtai_cli.intake.sources.ocr import load_image

        def layer(i: int) -> str | None:
            return content.text if i == 0 else None

        def render(i: int) -> Image.Image:
            if i == 0:
                raise UnreadableFile("Word文档正文不是图片")
            return load_image(content.image(i - 1), max_pixels=max_pixels)

        n = 1 + len(content.images)
        pages = cls(n, n, layer, render, max_ocr, memo)
        pages.docx = content
        return pages

    @classmethod
    def from_text(cls, text: str) -> Pages:
        def no_image(i: int) -> Image.Image:
            raise UnreadableFile("纯文本文件没有页面图像")

        return cls(1, 1, lambda i: text, no_image, 0)

    @property
    def ocr_pages(self) -> int:
        """Pages OCR'd, wholly or their head band only: what the OCR budget counts."""
        return len(self._started)

    def known(self, index: int) -> str | None:
        """The page text if it can be had without OCR (text layer, or OCR'd already), else None."""
        if index in self._ocr:
            return self._ocr[index]
        return self._text_layer(index)

    def is_scan(self, index: int) -> bool:
        return self._text_layer(index) is None

    def text(self, index: int) -> str:
        """The page text, OCR'ing a scanned page if the budget allows ('' when it does not)."""
        known = self.known(index)
        if known is not None:
            return known
        text = self._run_ocr(index, 1.0)
        if text is not None:
            self._ocr[index] = text
        return text or ""

    def head(self, index: int, fraction: float = HEAD_FRACTION) -> str:
        """The top band of a page: where titles, dates and a report's opening sentence are.

        OCR time grows with the amount of text, so searching a dense scanned
        document by its page heads costs a fraction of reading it. Returns the
        whole text when that is already known (a text layer, a page OCR'd).
        """
        known = self.known(index)
        if known is not None:
            return known
        if index not in self._heads:
            text = self._run_ocr(index, fraction)
            if text is None:
                return ""
            if fraction < 1.0 and quality.unread(text) and self._inked_below(index, fraction):
                # a blank band over a printed page: the page may be upside down with its text
                # in the upper part, so the band cut from the scan is the page's empty foot,
                # which tells no orientation; the whole page does. Same page, same OCR budget;
                # the band is remembered as the page, so that a re-read renders nothing.
                text = self.text(index)
                if self.memo is not None:
                    self.memo.set_ocr(index, fraction, text)
            self._heads[index] = text
        return self._heads[index]

    def _inked_below(self, index: int, fraction: float) -> bool:
        """True when the page below its head band holds print (not turned yet, not blank); the
        answer is remembered with the page's OCR, so that a re-read renders nothing."""
        if index in self.turns:
            return False
        key = f"band@{index}"
        known = getattr(self.memo, "note", lambda name: None)(key)
        if known is not None:
            return bool(known == "inked")
        try:
            image = self.image(index)
            inked = quality.has_text_ink(image.crop((0, round(image.height * fraction), image.width, image.height)))
        except Exception:  # a page that cannot even be rendered has said so when OCR'd
            return False
        if self.memo is not None and hasattr(self.memo, "set_note"):
            self.memo.set_note(key, "inked" if inked else "blank")
        return inked

    def _run_ocr(self, index: int, fraction: float) -> str | None:
        """OCR the page (or its top `fraction`) within the budget; None when the budget is spent."""
        if index not in self._started and self.ocr_pages >= self.max_ocr:
            if index not in self.refused:
                self.refused.append(index)
            return None
        self._started.add(index)
        if self.memo is not None and (known := self.memo.ocr(index, fraction)) is not None:
            self._recall_seal(index)  # the page was rendered then, and its seal tested
            note = getattr(self.memo, "note", lambda name: None)(f"unread@{index}")
            if fraction >= 1.0 and note and note not in self.problems:
                self.problems.append(note)
            return known
        self.ocr_runs += 1
        try:
            text = self._ocr_upright(index, fraction)
        except UnreadableFile as exc:
            self.problems.append(str(exc))
            return ""
        except Exception:  # the OCR engine on a pathological image
            self.problems.append(f"第{index + 1}页文字识别失败（识别引擎无法处理该页图像）")
            return ""
        if self.memo is not None:
            self.memo.set_ocr(index, fraction, text)
        if fraction >= 1.0:
            self._diagnose(index, text)
        return text

    def _diagnose(self, index: int, text: str) -> None:
        """A page OCR found (almost) nothing on: say why, measured, and what to do."""

        if not quality.unread(text):
            return
        try:
            image = self.image(index)
            dpi = self.dpi(index) if self.dpi is not None else quality.image_dpi(image)
            note = quality.diagnosis(index, image, dpi, self.turns.get(index, 0))
        except Exception:  # a page that cannot even be measured: the OCR failure says enough
            return
        self.problems.append(note)
        if self.memo is not None and hasattr(self.memo, "set_note"):
            self.memo.set_note(f"unread@{index}", note)

    def lines(self, index: int) -> list[OcrLine] | None:
        """The positioned OCR lines of a scanned page (a form laid into a grid), within the budget."""
        if index in self._lines:
            return self._lines[index]
        if index not in self._started and self.ocr_pages >= self.max_ocr:
            if index not in self.refused:
                self.refused.append(index)
            return None
        from pingtai_cli.intake.sources.ocr import lines_to_text, ocr_image

        self._started.add(index)
        self.ocr_runs += 1
        try:
            found = ocr_image(self.image(index))
        except Exception as exc:  # UnreadableFile, or the engine on a pathological image
            self.problems.append(f"第{index + 1}页文字识别失败（{exc.__class__.__name__}）")
            return None
        self._lines[index] = found
        self._ocr.setdefault(index, lines_to_text(found))
        return found

    def _ocr_upright(self, index: int, fraction: float) -> str:
        """OCR of the page (or its top band) read upright, whichever way it was scanned.

        The OCR turns a page it finds on its side or upside down (extract/ocr.py); the
        turn is kept, so that the page's top band is cut from the upright page, not
        from the side of the scan, and the page is not measured again.
        """
        from pingtai_cli.intake.sources import ocr

        image = self.image(index)

        def band(img: Image.Image) -> Image.Image:
            if fraction >= 1.0:
                return img
            return img.crop((0, 0, img.width, max(1, round(img.height * fraction))))

        ocr.last_turn = 0
        text = ocr.ocr_text(band(image))
        turn = ocr.last_turn
        if turn and index not in self.turns:
            self.turns[index] = turn
            upright = image.rotate(turn, expand=True, fillcolor="white")
            self._images[index] = upright
            if fraction < 1.0:  # the band read was a side of the page: read the real top
                text = ocr.ocr_text(band(upright))
        return text

    def image(self, index: int) -> Image.Image:
        """The page image (rendered at 150 dpi for PDFs); checked for a seal on first sight."""
        if index not in self._images:
            if len(self._images) >= MAX_CACHED_IMAGES:
                self._images.pop(next(iter(self._images)))
            self._images[index] = self._render(index)
            if index in self.turns:  # rendered again after eviction: upright as read before
                self._images[index] = self._images[index].rotate(
                    self.turns[index], expand=True, fillcolor="white"
                )
            if index not in self.seals:  # a page rendered again (evicted) is not tested again
                self._check_seal(index, self._images[index])
        return self._images[index]

    def seal(self, index: int) -> SealResult:
        """The seal test of a page, rendering it if needed (raises UnreadableFile)."""
        if index not in self.seals:
            self._recall_seal(index)
        if index not in self.seals:
            if self._seal_render is None or index in self._images or self.is_scan(index):
                self.image(index)  # a scan is rendered for OCR anyway
            else:
                self._check_seal(index, self._seal_render(index))
        return self.seals[index]

    def _recall_seal(self, index: int) -> None:
        if self.memo is not None and index not in self.seals:
            known = self.memo.seal(index)
            if known is not None:
                self.seals[index] = known

    def _check_seal(self, index: int, image: Image.Image) -> None:
        from pingtai_cli.intake.sources.seal import detect_seal

        self.seals[index] = detect_seal(image)
        if self.memo is not None:
            self.memo.set_seal(index, self.seals[index])
