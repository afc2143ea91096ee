"""What the document readers share: the "cannot read this file" error and type sniffing."""

from __future__ import annotations


class UnreadableFile(Exception):
    """A file of the dossier cannot be read; the message (Chinese) says why.

    Raised inside extract/, caught by dossier.process_file, which turns it
    into MaterialFile.error and a `file.unreadable` finding: never a traceback.
    """


class NotChecked(UnreadableFile):
    """pingtai did not look inside: one of its own limits (size, pixels) or a format it does not
    read (.doc). Not the file's fault: its material goes to review, not to invalid."""


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: pdf, zip, ole, jpeg, png, … or unknown."""
    head = data[:1024]
    if not data:
        return "empty"
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"  # .docx, .xlsx and .zip alike
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .doc, .xls, encrypted Office files
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith(b"GIF8"):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c")):
        return "archive"
    return "unknown"


SNIFF_NAMES = {
    "empty": "空文件",
    "pdf": "PDF文件",
    "zip": "ZIP压缩包或Office文档（.docx/.xlsx）",
    "ole": "旧版Office文档（.doc/.xls）或加密的Office文档",
    "jpeg": "JPG图片",
    "png": "PNG图片",
    "tiff": "TIFF图片",
    "bmp": "BMP图片",
    "gif": "GIF图片",
    "webp": "WEBP图片",
    "archive": "RAR/7z压缩包",
    "unknown": "无法识别的格式",
}


def mismatch(expected: str, data: bytes) -> UnreadableFile:
    """The error for a file whose content is not what its extension says."""
    actual = sniff(data)
    if actual == "empty":
        return UnreadableFile("文件为空（0字节）")
    return UnreadableFile(
        f"文件扩展名表明是{expected}，但内容是{SNIFF_NAMES[actual]}（可能改过扩展名）"
    )
