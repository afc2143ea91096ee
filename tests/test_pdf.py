"""PDF pages, scans and OCR, seals: built here with reportlab (text) and Pillow (scans, seals)."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import pytest

from builders import docx_bytes, encrypted_pdf, sample_copy, text_pdf
from cli_helpers import invoke
from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.common import UnreadableFile
from pingtai_cli.intake.sources.pdf import open_pdf, text_problem
from pingtai_cli.intake.sources.seal import detect_seal
from pingtai_cli.intake.sources.uscc import check_char

CJK_TTF = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
SAMPLES = Path(__file__).resolve().parents[1] / "sample_dossiers"
CODE = "91411000MA44ABCD1" + check_char("91411000MA44ABCD1")
LICENCE = [
    "统一社会信用代码 " + CODE,
    "名    称 许昌智联科技服务有限公司",
    "类    型 有限责任公司",
    "法定代表人 张三",
    "成立日期 2019年03月15日",
    "住    所 河南省许昌市魏都区建设路88号",
    "经营范围 信息技术咨询服务；企业管理咨询",
]


def page_image(title: str, lines: list[str], *, seal: bool = False):  # -> PIL.Image.Image
    """A 150 dpi A4 page as a scanner would produce it, optionally with a red round seal."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    draw.text((440, 150), title, fill="black", font=ImageFont.truetype(str(CJK_TTF), 60))
    font = ImageFont.truetype(str(CJK_TTF), 30)
    for i, line in enumerate(lines):
        draw.text((150, 380 + 70 * i), line, fill="black", font=font)
    if seal:
        draw_seal(draw, (900, 1100), font)
    return img


def draw_seal(draw, centre: tuple[int, int], font) -> None:  # type: ignore[no-untyped-def]
    x, y = centre
    red = (215, 35, 40)
    draw.ellipse((x - 120, y - 120, x + 120, y + 120), outline=red, width=7)
    draw.regular_polygon((x, y - 10, 28), 5, fill=red)
    draw.text((x - 90, y + 40), "许昌智联科技", fill=red, font=font)


def scan_pdf(images: list) -> bytes:  # type: ignore[type-arg]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


needs_font = pytest.mark.skipif(not CJK_TTF.exists(), reason="WenQuanYi font not installed")


# --- text layer -------------------------------------------------------------


def test_text_layer_of_a_cid_font_pdf_is_read_without_ocr() -> None:
    data = text_pdf([["营业执照", *LICENCE]])
    with open_pdf(data) as pdf:
        assert pdf.count == 1
        assert not pdf.is_scan(0)
        assert CODE in pdf.text(0) and "许昌智联科技服务有限公司" in pdf.text(0)


def test_text_licence_gives_validated_code_name_and_date_with_page_evidence() -> None:
    material = process_file("02营业执照副本.pdf", text_pdf([["营业执照", *LICENCE]]), Limits())
    assert material.material_keys == ["business_license"]
    assert material.ocr_pages == 0
    facts = {k: f.value for k, f in material.facts.items()}
    assert facts["credit_code"] == CODE
    assert facts["org_name"] == "许昌智联科技服务有限公司"
    assert str(facts["registration_date"]) == "2019-03-15"
    evidence = material.facts["credit_code"].evidence
    assert evidence is not None and evidence.page == 1 and CODE in (evidence.snippet or "")


def test_audit_report_year_and_total_assets_in_wan_yuan_come_from_the_balance_sheet() -> None:
    pages = [
        ["许昌智联科技服务有限公司", "审计报告", "XX会计师事务所"],
        ["我们审计了贵公司财务报表，包括2025年12月31日的资产负债表。注册会计师：李四"],
        [
            "资产负债表",
            "编制单位：许昌智联科技服务有限公司  2025年12月31日  单位：元",
            "项目 行次 期末余额 上年年末余额",
            "资产总计 32 3,200,000.00 2,800,000.00",
        ],
    ]
    material = process_file("scan0007.pdf", text_pdf(pages), Limits())
    assert material.material_keys == ["audit_report"]
    assert material.facts["audit_year"].value == 2025
    assert material.facts["total_assets"].value == pytest.approx(320.0)
    assert material.facts["total_assets"].evidence.page == 3  # type: ignore[union-attr]


def test_credit_report_date_is_read() -> None:
    page = [
        "信用中国",
        "信用信息报告",
        "报告生成时间：2026年03月05日 10:22",
        "统一社会信用代码 " + CODE,
    ]
    material = process_file("scan0009.pdf", text_pdf([page]), Limits())
    assert material.material_keys == ["credit_report"]
    assert str(material.facts["report_date"].value) == "2026-03-05"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("  3 \n", "tiny"),
        ("(cid:1234)(cid:88)(cid:17)(cid:5)(cid:9)审计", "garbage"),
        ("\ue000\ue001\ue002\ue003\ufffd\ufffd营业", "garbage"),
        ("ÓªÒµÖ´ÕÕ Í³Ò»Éç»áÐÅÓÃ´úÂë", "garbage"),  # GBK bytes shown as Latin-1
        ("营业执照 统一社会信用代码 " + CODE, None),
    ],
)
def test_text_layers_that_cannot_be_trusted_are_told_apart(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


def test_a_blank_page_without_an_image_is_not_sent_to_ocr() -> None:
    with open_pdf(text_pdf([[], ["第二页"]])) as pdf:
        assert not pdf.is_scan(0)


def test_only_the_first_max_pages_are_read_and_the_cap_is_noted() -> None:
    data = text_pdf([[f"第{i + 1}页 服务活动记录"] for i in range(40)])
    material = process_file("活动记录.pdf", data, Limits(max_pages=5))
    assert material.pages == 40
    assert any("只读取了前5页" in n for n in material.notes)
    with open_pdf(data, max_pages=5) as pdf:
        assert pdf.count == 5 and pdf.total_pages == 40


def test_a_huge_page_is_rendered_within_the_pixel_cap() -> None:
    data = text_pdf([["很大的页面"]], pagesize=(14400, 14400))  # 200 × 200 inches
    with open_pdf(data, max_pixels=4_000_000) as pdf:
        image = pdf.render(0)
    assert image.width * image.height <= 4_000_000


# --- broken PDFs: a Chinese reason, never an exception ------------------------------


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"", "文件为空"),
        (encrypted_pdf, "已加密"),
        (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 50, "已损坏"),
        (lambda: docx_bytes("营业执照"), "改过扩展名"),
        (lambda: text_pdf([["营业执照", *LICENCE]])[:300], "已损坏"),
    ],
    ids=["zero-bytes", "encrypted", "broken-xref", "docx-renamed", "truncated"],
)
def test_unreadable_pdfs_get_a_chinese_reason(make, reason: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableFile, match=reason):
        open_pdf(make())
    material = process_file("02营业执照.pdf", make(), Limits())
    assert material.error is not None and reason in material.error
    assert material.material_keys == [
        "business_license"
    ]  # the name still tells what it was meant to be


# --- seals ----------------------------------------------------------------------


@needs_font
def test_a_red_round_seal_is_detected_and_its_absence_too() -> None:
    lines = ["本单位承诺所提交的申报材料真实、准确、有效。"] * 6
    stamped = detect_seal(page_image("真实性声明", lines, seal=True))
    plain = detect_seal(page_image("真实性声明", lines))
    assert stamped.found and stamped.score >= 0.9
    assert not plain.found


@needs_font
def test_red_text_or_a_red_box_is_not_a_seal() -> None:
    from PIL import ImageDraw, ImageFont

    img = page_image("声明", ["正文"] * 3)
    draw = ImageDraw.Draw(img)
    draw.text(
        (200, 1300),
        "申报材料真实性声明",
        fill=(220, 0, 0),
        font=ImageFont.truetype(str(CJK_TTF), 70),
    )
    draw.rectangle((800, 1450, 1040, 1690), fill=(220, 40, 40))
    assert not detect_seal(img).found


def test_seal_detection_works_without_any_font() -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(img).ellipse((800, 1200, 1040, 1440), outline=(200, 50, 60), width=6)
    assert detect_seal(img).found
    assert not detect_seal(Image.new("RGB", (1240, 1754), "white")).found


# --- scans (OCR: ~1 s a page, so few tests) ------------------------------------------


@pytest.mark.slow
@needs_font
def test_a_scan_named_scan0001_is_classified_by_ocr_and_its_code_read() -> None:
    image = page_image("营 业 执 照", LICENCE, seal=True)
    material = process_file("scan0001.pdf", scan_pdf([image]), Limits())
    assert material.material_keys == ["business_license"]
    assert material.matched_by == ["法人证书或营业执照副本：第1页标题含“营业执照”"]
    assert 1 <= material.ocr_pages <= 2
    assert material.facts["credit_code"].value == CODE
    assert material.facts["org_name"].value == "许昌智联科技服务有限公司"
    assert material.facts["has_seal"].value is True


@needs_font
def test_a_declaration_is_checked_for_its_seal_without_ocr() -> None:
    lines = ["本单位承诺所提交的申报材料真实、准确、有效。"] * 4
    stamped = process_file(
        "真实性声明.pdf", scan_pdf([page_image("声明", lines, seal=True)]), Limits()
    )
    plain = process_file("真实性声明.jpg", _jpeg(_colour_scan(page_image("声明", lines))), Limits())
    assert stamped.facts["has_seal"].value is True and stamped.ocr_pages == 0
    assert plain.facts["has_seal"].value is False and plain.ocr_pages == 0


@needs_font
def test_a_greyscale_scan_of_a_declaration_leaves_its_seal_to_a_person() -> None:
    """Red ink shows as grey on a greyscale scan: `未检测到红色公章` made a sealed declaration
    invalid and the dossier 材料不全. Its seal is now unknown (has_seal None), and says why."""
    lines = ["本单位承诺所提交的申报材料真实、准确、有效。"] * 4
    for sealed in (True, False):
        grey = page_image("声明", lines, seal=sealed).convert("L")
        for name, data in (("扫描件(7).pdf", scan_pdf([grey])), ("IMG_2031.JPG", _jpeg(grey))):
            seal = process_file(name, data, Limits()).facts["has_seal"]
            assert seal.value is None, (sealed, name)
            assert "灰度或黑白" in (seal.raw or "")


def _faded(ink: float, *, shape: str = "seal"):  # type: ignore[no-untyped-def]
    """A colour scan of a declaration whose red mark is at `ink` of full strength (an ink pad
    running dry): a seal, a box, or a band across the page."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    page = page_image("声明", ["本单位承诺所提交的申报材料真实、准确、有效。"] * 4)
    mark = Image.new("RGB", page.size, "white")
    draw = ImageDraw.Draw(mark)
    if shape == "seal":
        draw_seal(draw, (900, 1100), ImageFont.truetype(str(CJK_TTF), 30))
    elif shape == "box":
        draw.rectangle((780, 980, 1020, 1220), fill=(215, 35, 40))
    else:  # a pink band: a form's shaded header row
        draw.rectangle((100, 1000, 1140, 1060), fill=(215, 35, 40))
    faded = Image.blend(Image.new("RGB", page.size, "white"), mark, ink)
    return _colour_scan_keeping_red(ImageChops.multiply(page, faded))


def _colour_scan_keeping_red(img):  # type: ignore[no-untyped-def]
    """A colour scanner's page with its colour kept: a warm paper tint and a little noise."""
    from PIL import Image, ImageChops

    out = ImageChops.multiply(img, Image.new("RGB", img.size, (248, 244, 235)))
    return ImageChops.add(out, _scanner_noise(img.size), offset=-128)


@cache
def _scanner_noise(size: tuple[int, int]):  # type: ignore[no-untyped-def]
    """The scanner's noise for a page of `size`, seeded, so the same every call: drawn once per
    file, since drawing 2 million pixels in Python took ~1 s a page and ten pages asked for it.
    Nothing writes to it (ImageChops returns a new image)."""
    import random

    from PIL import Image

    rnd = random.Random(7)
    noise = Image.frombytes("L", size, bytes(rnd.randrange(120, 136) for _ in range(size[0] * size[1])))
    return Image.merge("RGB", (noise, noise, noise))


@needs_font
@pytest.mark.parametrize("ink", [0.18, 0.25])
def test_a_faded_seal_is_neither_sealed_nor_unsealed_but_for_a_person(ink: float) -> None:
    """An ink pad running dry leaves a pale pink ring the strict red test cannot see: it read
    `未检测到红色公章`, and a sealed declaration made the dossier 材料不全."""
    result = detect_seal(_faded(ink))
    assert not result.found and result.faint and result.uncertain
    seal = process_file("真实性声明.jpg", _jpeg(_faded(ink)), Limits()).facts["has_seal"]
    assert seal.value is None
    assert "仅见浅红色圆形印迹" in (seal.raw or "")


@needs_font
def test_a_seal_at_half_strength_is_still_found() -> None:
    assert detect_seal(_faded(0.6)).found


@needs_font
@pytest.mark.parametrize("shape", ["box", "band"])
def test_a_pale_box_or_band_is_not_a_faint_seal(shape: str) -> None:
    result = detect_seal(_faded(0.22, shape=shape))
    assert not result.found and not result.faint
    assert not detect_seal(_colour_scan_keeping_red(page_image("声明", ["正文"] * 4))).uncertain


@needs_font
def test_a_dossier_whose_declaration_seal_has_faded_is_for_review_with_the_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed liaoning_eligible sample with its 真实性声明 replaced by a photo of a
    declaration stamped with a dry ink pad: 符合条件 would rest on a seal nobody saw, 材料不全 on
    a seal that is there; the reviewer is told to look at the original."""
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))
    path = sample_copy(tmp_path / "卷宗")
    (path / "08申报材料真实性声明.pdf").unlink()
    (path / "08申报材料真实性声明.jpg").write_bytes(_jpeg(_faded(0.2)))
    res = invoke("check", str(path), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json")
    doc = json.loads(res.stdout)
    assert (doc["verdict"], res.exit_code) == ("review", 1)
    declaration = next(m for m in doc["materials"] if m["id"] == "authenticity_declaration")
    assert declaration["status"] == "review"
    assert any("浅红色圆形印迹" in p and "请核对原件" in p for p in declaration["problems"])


def _colour_scan(img):  # type: ignore[no-untyped-def]
    """The page as a colour scanner gives it: off-white paper, ink not quite black."""
    from PIL import ImageOps

    return ImageOps.colorize(img.convert("L"), black=(34, 32, 40), white=(248, 244, 235))


def _jpeg(img) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=85)
    return buf.getvalue()


@pytest.mark.slow
def test_a_scanned_audit_report_is_read_to_its_balance_sheet_only() -> None:
    """The committed 4-page scan: page 3 is the 资产负债表; page 4 is never OCR'd."""
    data = (SAMPLES / "heilongjiang_remote_relaxed" / "02审计报告（扫描件）.pdf").read_bytes()
    material = process_file("02审计报告（扫描件）.pdf", data, Limits())
    assert material.material_keys == ["audit_report"]
    assert material.facts["audit_year"].value == 2025
    assert material.facts["total_assets"].evidence.page == 3  # type: ignore[union-attr]
    assert material.ocr_pages <= 4  # page 1 whole, heads of 2 and 3, page 3 whole


@pytest.mark.slow
def test_the_ocr_budget_stops_a_long_scan() -> None:
    data = (SAMPLES / "heilongjiang_remote_relaxed" / "02审计报告（扫描件）.pdf").read_bytes()
    material = process_file("审计报告.pdf", data, Limits(max_ocr_pages=1))
    assert material.ocr_pages == 1
    assert "total_assets" not in material.facts
    assert any("文字识别页数上限" in n for n in material.notes)


def test_an_image_whose_header_claims_50000_by_50000_pixels_is_refused_unread() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )
    material = process_file("营业执照.png", png, Limits())
    assert material.error is not None and "图片尺寸过大" in material.error
