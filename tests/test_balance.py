"""资产总计 of audit reports as auditors print them: the unit in a header, a line or the cell."""

from __future__ import annotations

import pytest

from builders import text_pdf
from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.balance import balance_total

HEAD = "资产负债表\n2025年12月31日\n"


@pytest.mark.parametrize(
    "page,wan,source",
    [
        (HEAD + "项目 期末余额（万元） 年初余额（万元）\n资产总计 1250.00 1180.00", 1250.0, "header"),
        (HEAD + "项目 期末数（万元） 期初数（万元）\n资产总计 350 320", 350.0, "header"),
        (HEAD + "编制单位：某公司  单位：元\n资产总计 38 12,500,000.00 11,800,000.00", 1250.0, "line"),
        (HEAD + "金额单位：人民币元\n资产总计\n3,200,000.00\n2,912,000.00", 320.0, "line"),
        (HEAD + "单位：元\n资产总计　３８　１２，５００，０００．００", 1250.0, "line"),
        (HEAD + "资产总计 1,250.00万元 1,180.00万元", 1250.0, "cell"),
        (HEAD + "单位：千元\n资产总计 12,500 11,800", 1250.0, "line"),
        (HEAD + "资产总计 12,500,000.00 11,800,000.00", 1250.0, "inferred"),
    ],
    ids=["wan-header", "wan-header-integers", "yuan-line-row-number", "yuan-split-cells",
         "full-width", "cell-suffix", "qian-yuan", "no-unit"],
)
def test_total_assets_is_read_in_its_unit_context(page: str, wan: float, source: str) -> None:
    total = balance_total(page)
    assert total is not None
    assert total.assets.wan == pytest.approx(wan)
    assert total.assets.unit_from == source


def test_current_and_non_current_subtotals_are_not_the_total() -> None:
    page = HEAD + "单位：元\n流动资产合计 2,080,000.00\n非流动资产合计 1,120,000.00\n资产总计 3,200,000.00"
    assert balance_total(page).assets.wan == pytest.approx(320.0)  # type: ignore[union-attr]



def test_a_scan_with_spaces_between_the_characters_reads_the_total_not_a_subtotal_and_checks_it() -> None:
    page = HEAD + "单位：元\n流 动 资 产 合 计 2,080,000.00\n资 产 总 计 3,200,000.00\n负 债 和 股 东 权 益 合 计 3,200,000.00"
    total = balance_total(page)
    assert total is not None and total.assets.wan == pytest.approx(320.0) and total.agrees is True

@pytest.mark.parametrize(
    "row",
    ["资产总计 38", "资产总计 2025年", "资产总计 3 页"],
    ids=["row-number", "year", "page-number"],
)
def test_an_implausible_amount_is_rejected_rather_than_used(row: str) -> None:
    page = HEAD + "单位：元\n项目 行次 期末余额 年初余额\n" + row
    assert balance_total(page) is None


def test_the_total_is_cross_checked_against_liabilities_and_equity() -> None:
    agree = balance_total(HEAD + "单位：元\n资产总计 3,200,000.00\n负债和所有者权益总计 3,200,000.00")
    assert agree is not None and agree.agrees is True and agree.problem() is None
    differ = balance_total(HEAD + "单位：元\n资产总计 3,200,000.00\n负债及所有者权益（或股东权益）总计 3,000,000.00")
    assert differ is not None and differ.agrees is False
    assert "负债和所有者权益总计" in (differ.problem() or "")
    only = balance_total(HEAD + "单位：元\n资产总计 见附表\n负债和所有者权益总计 3,200,000.00")
    assert only is not None and only.assets.wan == pytest.approx(320.0)


def _audit(lines: list[str]) -> bytes:
    return text_pdf([
        ["许昌智联科技服务有限公司", "2025年度", "审计报告"],
        ["我们审计了贵公司财务报表，包括2025年12月31日的资产负债表。"],
        ["资产负债表", "编制单位：许昌智联科技服务有限公司  2025年12月31日", *lines],
    ])


def test_a_wan_yuan_column_header_in_an_audit_pdf_is_not_read_as_yuan() -> None:
    data = _audit(["项目  行次  期末余额（万元）  年初余额（万元）", "资产总计  38  1,250.00  1,180.00",
                   "负债和所有者权益总计  76  1,250.00  1,180.00"])
    fact = process_file("审计报告.pdf", data, Limits()).facts["total_assets"]
    assert fact.value == pytest.approx(1250.0)
    assert fact.evidence is not None and fact.evidence.how == "text" and fact.evidence.page == 3


def test_an_audit_pdf_stating_no_unit_gives_an_inferred_unit_and_a_mismatch_note() -> None:
    data = _audit(["项目  期末余额  年初余额", "资产总计  12,500,000.00  11,800,000.00",
                   "负债和所有者权益总计  12,400,000.00  11,800,000.00"])
    material = process_file("审计报告.pdf", data, Limits())
    fact = material.facts["total_assets"]
    assert fact.value == pytest.approx(1250.0)
    assert fact.evidence is not None and fact.evidence.how == "unit_inferred" and fact.uncertain
    assert any("负债和所有者权益总计" in n for n in material.notes)


@pytest.mark.parametrize(
    "header,row",
    [
        ("项目 行次 年初数 期末数", "资产总计 38 950,000.00 2,600,000.00"),
        ("资产 2024年12月31日 2025年12月31日", "资产总计 950,000.00 2,600,000.00"),
        ("资产 期末余额 上年年末余额", "资产总计 2,600,000.00 950,000.00"),
        ("资产 上年年末数 本年年末数 负债和所有者权益 上年年末数 本年年末数",
         "资产总计 950,000.00 2,600,000.00 负债和所有者权益总计 950,000.00 2,600,000.00"),
        ("资产 年初余额 期末余额 负债和所有者权益 年初余额 期末余额",
         "资产总计 950,000.00 2,600,000.00 负债和所有者权益总计 950,000.00 2,600,000.00"),
    ],
    ids=["old-layout-opening-first", "two-dates-older-first", "closing-first-prior-year-end", "prior-year-end-first-two-halves",
         "two-halves-opening-first"],
)
def test_total_assets_is_the_period_end_column_whatever_the_column_order(header: str, row: str) -> None:
    total = balance_total(HEAD + "单位：元\n" + header + "\n货币资金 1 320,000.00 936,000.00\n" + row)
    assert total is not None
    assert total.assets.wan == pytest.approx(260.0)
    assert total.equity is None or total.equity.wan == pytest.approx(260.0)


def test_an_old_layout_audit_pdf_gives_the_year_end_total_not_the_opening_one() -> None:
    """资产 行次 年初数 期末数 (企业会计制度): 年初 95万元 read as the total failed 辽宁 第十二条（一）."""
    data = _audit(["单位：元", "资产  行次  年初数  期末数", "资产总计  38  950,000.00  2,600,000.00",
                   "负债和所有者权益总计  80  950,000.00  2,600,000.00"])
    material = process_file("b2.pdf", data, Limits())
    assert material.facts["total_assets"].value == pytest.approx(260.0)
    assert not material.notes
