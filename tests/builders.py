"""Builders of the documents tests feed the reader: text PDFs, Word files, broken and locked files.

One function per kind of file, shared by every test (and the hostile corpus) instead of a copy in
each module. Whole realistic dossiers come from scripts/make_samples.py (the committed samples,
tests/samples.py); these are the small single files a test needs to vary one thing.
"""

from __future__ import annotations

import io
from typing import Any


def text_pdf(pages: list[list[str]], **canvas_kw: Any) -> bytes:
    """A PDF with a real text layer in the built-in CID font STSong-Light (no font file needed):
    one page per list of lines. `canvas_kw` goes to reportlab's Canvas (pagesize, encrypt)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=canvas_kw.pop("pagesize", A4), **canvas_kw)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 24 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf(text: str = "机密") -> bytes:
    """A one-page PDF that opens only with a password."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    return text_pdf([[text]], encrypt=StandardEncryption("secret", ownerPassword="owner"))


def docx_bytes(*paragraphs: str) -> bytes:
    """A .docx of plain paragraphs (by default the opening of a 申请报告)."""
    import docx

    document = docx.Document()
    for text in paragraphs or ("申请报告", "一、申请单位的基本情况"):
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
