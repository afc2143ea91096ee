"""Scans as they arrive, built from the committed samples' scans (scripts/degraded_scans.py).

Real OCR, so few and small: each test reads one or two pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.facts.licence import find_legal_rep, find_org_name
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.materials import classify_content, is_contents

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import degraded_scans as ds  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def pages():  # type: ignore[no-untyped-def]
    return ds.sources()


@pytest.mark.slow
@pytest.mark.parametrize("degrees", [90])
def test_a_licence_scanned_sideways_or_upside_down_is_still_a_licence(pages, degrees: int) -> None:  # type: ignore[no-untyped-def]
    licence, _ = pages
    material = process_file("scan0001.pdf", ds.pdf_of([ds.turned(licence, degrees)]), Limits())
    assert material.material_keys == ["business_license"]  # not the credit report its footer names
    assert material.facts["credit_code"].value == ds.EXPECT["credit_code"]
    assert material.facts["registration_date"].value == ds.EXPECT["registration_date"]
    assert material.facts["credit_code"].evidence.how == "ocr"  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_skewed_balance_sheet_gives_the_total_of_its_own_row(pages) -> None:  # type: ignore[no-untyped-def]
    _, audit = pages
    data = ds.pdf_of([ds.turned(audit[1], -5)])
    material = process_file("审计报告.pdf", data, Limits())
    assert material.facts["total_assets"].value == pytest.approx(ds.EXPECT["total_assets"])
    assert material.facts["audit_year"].value == ds.EXPECT["audit_year"]


@pytest.mark.slow
@pytest.mark.skipif(not FONT.exists(), reason="the contents page is drawn with WenQuanYi")
def test_a_licence_bound_as_page_3_behind_a_table_of_contents_is_read_there() -> None:
    variant = ds.VARIANTS["combined"]()
    material = process_file(variant.licence_name, variant.licence, Limits())
    assert "business_license" in material.material_keys
    assert "credit_report" not in material.material_keys and "premises_proof" not in material.material_keys
    code = material.facts["credit_code"]
    assert code.value == ds.EXPECT["credit_code"] and code.evidence.page == 3  # type: ignore[union-attr]


@pytest.mark.slow
def test_an_unreadable_page_names_its_page_its_measured_cause_and_the_fix(pages) -> None:  # type: ignore[no-untyped-def]
    licence, _ = pages
    ruined = ds.faint(ds.faint(ds.resample(licence, 40)))
    material = process_file("营业执照.pdf", ds.pdf_of([ruined], dpi=40), Limits())
    note = next(n for n in material.notes if "无法识别" in n)
    assert note.startswith("第1页")
    assert "分辨率过低（约40 dpi）" in note and "对比度过低" in note
    assert "300 dpi" in note and "彩色" in note


def test_a_table_of_contents_classifies_nothing_and_every_page_title_counts() -> None:
    contents = "目  录\n一、营业执照副本……3\n二、审计报告……5\n三、信用报告……9"
    assert is_contents(contents)
    assert classify_content([contents]) == []
    hits = classify_content(["申报材料", contents, "营业执照\n统一社会信用代码 …", "审计报告\n我们审计了…"])
    assert [k for k, _ in hits] == ["business_license", "audit_report"]
    assert hits[0][1].startswith("第3页")


def test_a_field_label_is_never_taken_as_a_value() -> None:
    assert find_legal_rep("法定代表人 注册资本 壹佰万元\n成立日期 2020年05月20日") is None
    assert find_legal_rep("法定代表人 马振华 注册资本 壹佰万元")[0] == "马振华"  # type: ignore[index]
    assert find_org_name("名称 类型 有限责任公司") is None


@pytest.mark.slow
def test_every_material_of_a_combined_scan_is_provided_and_a_recheck_ocrs_nothing(pages) -> None:  # type: ignore[no-untyped-def]
    """A scanned bundle: the licence on page 1, a credit report on page 2, the audit report on 3–4."""
    from pingtai_cli.intake import cache
    from pingtai_cli.intake.sources import pages as pages_module

    licence, audit = pages
    credit = ds._pages(ds.SAMPLES / "xuchang_unstamped" / "信用报告202603.pdf", (0,))[0]
    data = ds.pdf_of([licence, credit, audit[0], audit[1]])
    with cache.enabled():
        material = process_file("扫描合订本0007.pdf", data, Limits())
        assert material.material_keys[:3] == ["business_license", "credit_report", "audit_report"]
        assert material.facts["credit_code"].value == ds.EXPECT["credit_code"]
        assert material.facts["credit_code"].evidence.page == 1  # type: ignore[union-attr]
        assert material.facts["total_assets"].value == pytest.approx(ds.EXPECT["total_assets"])
        assert material.facts["audit_year"].value == ds.EXPECT["audit_year"]
        assert material.ocr_pages <= Limits().max_ocr_pages
        runs: list[int] = []
        real = pages_module.Pages._ocr_upright
        pages_module.Pages._ocr_upright = lambda self, i, f: runs.append(i) or real(self, i, f)  # type: ignore[method-assign]
        try:
            again = process_file("扫描合订本0007.pdf", data, Limits())
        finally:
            pages_module.Pages._ocr_upright = real  # type: ignore[method-assign]
        assert again.material_keys == material.material_keys and runs == []


@pytest.mark.slow
def test_an_upside_down_balance_sheet_with_a_blank_lower_half_gives_its_total(pages) -> None:  # type: ignore[no-untyped-def]
    """Scanned upside down, a short sheet's head band is its empty foot: no text, no orientation."""
    from PIL import Image

    _, audit = pages
    sheet = audit[1]
    short = Image.new("RGB", sheet.size, "white")
    short.paste(sheet.crop((0, 0, sheet.width, round(sheet.height * 0.55))), (0, 0))  # down to 资产总计
    material = process_file("IMG_0412.pdf", ds.pdf_of([audit[0], ds.turned(short, 180)]), Limits())
    assert material.facts["total_assets"].value == pytest.approx(ds.EXPECT["total_assets"])
    assert material.facts["total_assets"].evidence.page == 2  # type: ignore[union-attr]
