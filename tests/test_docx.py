"""Word documents: text, tables, section headings; hostile .docx files are refused before parsing."""

from __future__ import annotations

import io

import pytest

from builders import zip_of
from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.common import UnreadableFile
from pingtai_cli.intake.sources.docx import heading_of, read_docx


def report_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("许昌市中小企业公共服务示范平台")
    document.add_paragraph("申请报告")
    document.add_heading("一、申请单位的基本情况", level=1)
    document.add_paragraph("平台成立于2019年，现有专职人员20人。")
    document.add_paragraph("（一）管理运营情况")
    document.add_paragraph(
        "一、本段虽以序号开头，但是一整段正文，说明了很多情况，远远超过一个标题应有的长度，所以不算标题。"
    )
    document.add_paragraph("五、管理制度和服务“五公开”情况：已建立服务规范。")
    table = document.add_table(rows=2, cols=3)
    for i, text in enumerate(["设备名称", "数量", "购买时间"]):
        table.cell(0, i).text = text
    for i, text in enumerate(["检测仪", "2", "2023-05"]):
        table.cell(1, i).text = text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_headings_come_from_styles_and_from_chinese_numbering() -> None:
    content = read_docx(report_docx())
    assert content.headings == [
        "一、申请单位的基本情况",
        "（一）管理运营情况",
        "五、管理制度和服务“五公开”情况",
    ]


def test_paragraphs_and_table_cells_are_in_the_text() -> None:
    content = read_docx(report_docx())
    assert content.tables == [[["设备名称", "数量", "购买时间"], ["检测仪", "2", "2023-05"]]]
    assert "现有专职人员20人" in content.text and "检测仪\t2\t2023-05" in content.text


@pytest.mark.parametrize(
    ("text", "style", "heading"),
    [
        ("二、服务功能与服务能力", "", "二、服务功能与服务能力"),
        ("（六）下一步发展设想", "Normal", "（六）下一步发展设想"),
        ("第三章 运营管理", "", "第三章 运营管理"),
        ("平台概况", "Heading 2", "平台概况"),
        ("平台概况", "标题 1", "平台概况"),
        ("平台成立于2019年。", "Normal", None),
    ],
)
def test_heading_detection(text: str, style: str, heading: str | None) -> None:
    assert heading_of(text, style) == heading


def test_the_report_docx_is_classified_and_its_sections_kept() -> None:
    material = process_file("申请报告（定稿）.docx", report_docx(), Limits())
    assert material.material_keys == ["application_report"]
    assert "五、管理制度和服务“五公开”情况" in material.sections
    assert material.ocr_pages == 0 and material.error is None


def test_a_docx_that_inflates_past_the_cap_is_refused_unparsed() -> None:
    bomb = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>",
                 "word/media/big.png": bytes(30 * 2**20)})  # fmt: skip
    with pytest.raises(UnreadableFile, match="压缩"):
        read_docx(bomb, max_bytes=10 * 2**20)
    with pytest.raises(UnreadableFile, match="压缩比"):
        read_docx(bomb)  # 30 MB of zeros compress ~1000:1


def test_a_docx_with_an_entity_declaration_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<w:document>&lol2;</w:document>"
    )
    data = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": laughs})
    material = process_file("申请报告.docx", data, Limits())
    assert material.error is not None and "DTD" in material.error


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "文件为空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版Word文档"),
        (b"%PDF-1.4\n%...", "改过扩展名"),
        (b"PK\x03\x04" + bytes(40), "ZIP结构错误"),
    ],
    ids=["zero-bytes", "doc-or-encrypted", "pdf-renamed", "truncated-zip"],
)
def test_unreadable_word_files_get_a_chinese_reason(data: bytes, reason: str) -> None:
    material = process_file("申请报告.docx", data, Limits())
    assert material.error is not None and reason in material.error
    assert material.material_keys == ["application_report"]


def test_a_zip_without_a_document_part_is_not_a_word_file() -> None:
    with pytest.raises(UnreadableFile, match="不是Word文档"):
        read_docx(zip_of({"hello.txt": b"hi"}))
