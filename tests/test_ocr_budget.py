"""Which pages get OCR'd: as few as classification and the facts need (the engine is faked here).

Each fake scanned page is a flat grey whose level encodes its page number;
the fake OCR returns that page's text and records the call, so these tests
count OCR runs without paying ~1 s for each.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pingtai_cli.intake.dossier import process_file, read_dossier
from pingtai_cli.intake.limits import Limits

STEP = 12  # grey levels between pages: survives JPEG compression inside the PDF


def flat_page(index: int):  # type: ignore[no-untyped-def]
    from PIL import Image

    return Image.new("RGB", (620, 877), (STEP * (index + 1),) * 3)


def scan_pdf(n: int) -> bytes:
    pages = [flat_page(i) for i in range(n)]
    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", save_all=True, append_images=pages[1:], resolution=75)
    return buf.getvalue()


class FakeOcr:
    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.calls: list[tuple[int, bool]] = []  # (page index, whole page?)

    def __call__(self, img, *, drop_red: bool = True) -> str:  # type: ignore[no-untyped-def]
        level = img.convert("L").getpixel((img.width // 2, img.height // 3))
        index = round(level / STEP) - 1
        whole = img.height / img.width > 1.2
        self.calls.append((index, whole))
        return self.texts[index] if 0 <= index < len(self.texts) else ""


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def install(texts: list[str]) -> FakeOcr:
        fake = FakeOcr(texts)
        monkeypatch.setattr("pingtai_cli.intake.sources.ocr.ocr_text", fake)
        return fake

    return install


AUDIT = [
    "许昌智联科技服务有限公司\n审计报告\nXX会计师事务所",
    "审计报告\n我们审计了贵公司财务报表，包括2025年12月31日的资产负债表。",
    "（续）审计意见正文",
    "资产负债表\n编制单位：许昌智联科技服务有限公司 2025年12月31日 单位：元\n资产总计 32 3,200,000.00 2,800,000.00",
] + ["财务报表附注"] * 26


def test_a_30_page_scanned_audit_report_costs_a_handful_of_ocr_runs(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake = fake_ocr(AUDIT)
    material = process_file("scan0007.pdf", scan_pdf(30), Limits())
    assert material.material_keys == ["audit_report"]
    assert material.facts["total_assets"].value == pytest.approx(320.0)
    assert material.facts["total_assets"].evidence.page == 4  # type: ignore[union-attr]
    assert material.facts["audit_year"].value == 2025
    # the heads of pages 1–5 (each page's title counts: a scan may bind several materials), then
    # page 4 whole; nothing of pages 6–30
    assert [i for i, _ in fake.calls] == [0, 1, 2, 3, 4, 3]
    assert [whole for i, whole in fake.calls if i == 3] == [False, True]
    assert material.ocr_pages == 5  # pages touched by OCR, head band or whole


def test_an_unknown_scan_is_recognised_from_its_page_heads_only(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake = fake_ocr(["房屋租赁合同\n出租方：甲 承租方：乙"] + ["合同条款"] * 9)
    material = process_file("scan0003.pdf", scan_pdf(10), Limits())
    assert material.material_keys == ["premises_proof"]
    assert fake.calls == [(i, False) for i in range(5)]  # the title band of the first five pages


BUNDLE = [
    "营业执照\n统一社会信用代码 91350100M000100Y43\n名称 某某有限公司",
    "信用中国 信用信息报告",
    "审计报告\n我们审计了贵公司财务报表，包括2025年12月31日的资产负债表。",
    "（续）审计意见正文",
    "资产负债表\n编制单位：某某有限公司 2025年12月31日 单位：万元\n资产总计 32 320.00 280.00",
]


def test_every_material_of_a_scanned_bundle_is_found_within_the_ocr_cap(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake_ocr(BUNDLE)
    material = process_file("scan0020.pdf", scan_pdf(5), Limits())
    assert material.material_keys == ["business_license", "credit_report", "audit_report"]
    assert material.facts["total_assets"].evidence.page == 5  # type: ignore[union-attr]
    assert material.facts["credit_code"].evidence.page == 1  # type: ignore[union-attr]
    fake = fake_ocr(BUNDLE)
    material = process_file("scan0021.pdf", scan_pdf(5), Limits(max_ocr_pages=2))
    assert material.material_keys == ["business_license", "credit_report"]  # the cap: pages 1–2
    assert {i for i, _ in fake.calls} == {0, 1} and material.ocr_pages == 2
    assert any("第3" in n and "未识别" in n for n in material.notes)  # the rest said, not guessed


def test_a_named_scan_that_needs_no_facts_is_not_ocrd(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake = fake_ocr(["房屋租赁合同"] * 10)
    material = process_file("扫描件-租赁合同.pdf", scan_pdf(10), Limits())
    assert material.material_keys == ["premises_proof"]
    assert fake.calls == [] and material.ocr_pages == 0


def test_a_named_licence_scan_is_read_whole_once(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake = fake_ocr(["营业执照\n统一社会信用代码 91350100M000100Y43\n名称 某某有限公司"])
    material = process_file("营业执照.pdf", scan_pdf(1), Limits())
    assert material.facts["credit_code"].value == "91350100M000100Y43"
    assert fake.calls == [(0, True)]


def test_a_scan_is_searched_page_by_page_for_a_title_but_only_its_first_five(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    fake = fake_ocr(["", "", "", "信用中国 信用信息报告"])
    material = process_file("scan0010.pdf", scan_pdf(4), Limits())
    assert material.material_keys == ["credit_report"]  # bound behind three blank pages
    assert material.facts == {} or "credit_code" not in material.facts
    fake = fake_ocr(["", "", "", "", "", "信用中国 信用信息报告"])
    material = process_file("scan0011.pdf", scan_pdf(6), Limits())
    assert material.material_keys == []
    assert max(i for i, _ in fake.calls) == 4


def test_a_word_file_holding_only_a_picture_is_read_by_ocr(fake_ocr) -> None:  # type: ignore[no-untyped-def]
    import docx

    fake = fake_ocr(["营业执照\n统一社会信用代码 91350100M000100Y43"])
    picture = io.BytesIO()
    flat_page(0).save(picture, format="PNG")
    document = docx.Document()
    document.add_picture(io.BytesIO(picture.getvalue()))
    buf = io.BytesIO()
    document.save(buf)
    material = process_file("附件1.docx", buf.getvalue(), Limits())
    assert material.material_keys == ["business_license"]
    assert material.facts["credit_code"].value == "91350100M000100Y43"
    assert fake.calls and all(i == 0 for i, _ in fake.calls)


def test_the_dossier_wide_ocr_budget_is_shared_and_its_exhaustion_reported(  # type: ignore[no-untyped-def]
    fake_ocr, tmp_path: Path
) -> None:
    fake = fake_ocr(["无关的文字内容，什么材料也不是"] * 3)
    for i in range(3):
        (tmp_path / f"scan{i:04d}.pdf").write_bytes(scan_pdf(3))
    dossier = read_dossier(tmp_path, limits=Limits(max_ocr_total=4))
    # every page's title of the first scan is looked for, the budget's last page goes to the next
    assert [f.ocr_pages for f in dossier.files] == [3, 1, 0]
    assert {i for i, _ in fake.calls} == {0, 1, 2}
    assert "dossier.ocr_budget" in [f.id for f in dossier.findings]
