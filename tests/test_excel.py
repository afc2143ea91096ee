"""The 申请表 reader: facts by label on several layouts, tables, lists, bad files (extract/excel.py)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingtai_cli import vocab
from pingtai_cli.intake.sources import grid
from pingtai_cli.intake.sources.excel import (
    WorkbookResult,
    qualified_counts,
    read_grids,
    read_workbook,
)
from pingtai_cli.intake.sources.grid import MAX_COLS, MAX_ROWS, Grid

FACT_KEYS = tuple(vocab.get().facts.values())

NAME = "申请表.xlsx"

Cells = dict[str, Any] | list[list[Any]]


def xlsx(sheets: dict[str, Cells], merges: dict[str, list[str]] | None = None) -> bytes:
    """A workbook written by openpyxl: each sheet as {"B3": value} or as rows from A1."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, cells in sheets.items():
        sheet = book.create_sheet(title)
        if isinstance(cells, dict):
            for ref, value in cells.items():
                sheet[ref] = value
        else:
            for row in cells:
                sheet.append(row)
        for ref in (merges or {}).get(title, []):
            sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(sheets: dict[str, Cells], merges: dict[str, list[str]] | None = None) -> WorkbookResult:
    return read_workbook(xlsx(sheets, merges), NAME)


def ids(result: WorkbookResult) -> list[str]:
    return [f.id for f in result.findings]


def value(result: WorkbookResult, key: str) -> Any:
    return result.facts[key].value


def where(result: WorkbookResult, key: str) -> str:
    evidence = result.facts[key].evidence
    assert evidence is not None
    return f"{evidence.sheet}!{evidence.cell}"


# ---------------------------------------------------------------------------
# layouts


def test_labels_on_the_left_give_the_values_on_their_right_with_the_value_cell_as_evidence() -> (
    None
):
    result = read(
        {
            "基本信息": [
                ["单位名称", "许昌市某某科技服务有限公司"],
                ["注册日期", date(2019, 3, 15)],
                ["上年末总资产", "320万元"],
                ["从业人数", 25],
                ["用户满意度", "96%"],
                ["是否再次申报", "否"],
                ["申报服务功能", "信息、技术、培训"],
            ]
        }
    )
    assert value(result, "org_name") == "许昌市某某科技服务有限公司"
    assert value(result, "registration_date") == date(2019, 3, 15)
    assert value(result, "total_assets") == 320 and result.facts["total_assets"].unit == "万元"
    assert value(result, "staff_total") == 25
    assert value(result, "satisfaction_rate") == 96
    assert value(result, "is_renewal") is False
    assert value(result, "functions_declared") == ["信息", "技术", "培训"]
    assert where(result, "total_assets") == "基本信息!B3"
    assert result.facts["total_assets"].raw == "320万元"
    assert result.facts["total_assets"].evidence.file == NAME  # type: ignore[union-attr]
    assert result.findings == []


def test_a_label_above_its_value_is_read_from_the_cell_below() -> None:
    result = read(
        {
            "表1": [
                ["单位名称", "统一社会信用代码", "注册资本（万元）"],
                ["某某服务中心", "91411000MA45ABCD1X", 500],
            ]
        }
    )
    assert value(result, "org_name") == "某某服务中心"
    assert value(result, "credit_code") == "91411000MA45ABCD1X"
    assert value(result, "registered_capital") == 500
    assert where(result, "credit_code") == "表1!B2"


def test_a_value_after_a_colon_in_the_label_cell_is_read_from_that_cell() -> None:
    result = read({"封面": {"C4": "资产总额：320万元", "C5": "注册日期:2019年3月15日"}})
    assert value(result, "total_assets") == 320
    assert value(result, "registration_date") == date(2019, 3, 15)
    assert where(result, "total_assets") == "封面!C4"


def test_labels_with_spaces_between_characters_markers_and_colons_are_found() -> None:
    result = read(
        {
            "S": [
                ["资 产 总 额", 320],
                ["*从业人数：", 25],
                ["1.单位名称", "某某公司"],
                ["（二）年服务中小企业数", "150家"],
                ["平台类型＊", "综合性"],
            ]
        }
    )
    assert value(result, "total_assets") == 320
    assert value(result, "staff_total") == 25
    assert value(result, "org_name") == "某某公司"
    assert value(result, "smes_served") == 150
    assert value(result, "platform_type") == "综合性"


def test_a_unit_in_the_label_bracket_applies_to_a_bare_number() -> None:
    result = read(
        {
            "S": [
                ["上年末总资产（元）", 3_200_000],
                ["用户满意度（%）", 0.95],
                ["帮助中小企业融资总额(万元)", 5000],
                ["服务场地面积【平方米】", "600"],
            ]
        }
    )
    assert value(result, "total_assets") == 320
    assert value(result, "satisfaction_rate") == 95
    assert value(result, "financing_amount") == 0.5
    assert value(result, "service_area") == 600


def test_a_unit_in_the_cell_after_the_value_applies_to_it() -> None:
    result = read({"S": [["资产总额", 3_200_000, "元"], ["服务场地面积", 600, "㎡"]]})
    assert value(result, "total_assets") == 320
    assert value(result, "service_area") == 600


def test_a_merged_label_takes_the_value_after_the_merge_and_a_merged_value_its_top_left() -> None:
    sheets: dict[str, Cells] = {
        "基本情况": {
            "A1": "单位名称",
            "C1": "某某科技服务有限公司",
            "A2": "从业人数",
            "B2": 30,
            "A3": "注册地址",
            "B3": "河南省许昌市魏都区某路1号",
        }
    }
    merges = {"基本情况": ["A1:B1", "C1:F1", "B3:F4"]}
    result = read(sheets, merges)
    assert value(result, "org_name") == "某某科技服务有限公司"
    assert where(result, "org_name") == "基本情况!C1"
    assert value(result, "staff_total") == 30
    assert value(result, "registered_address") == "河南省许昌市魏都区某路1号"
    assert where(result, "registered_address") == "基本情况!B3"


def test_empty_cells_are_skipped_but_the_next_label_is_never_taken_as_a_value() -> None:
    result = read(
        {
            "S": [
                ["从业人数", None, None, 25],
                ["法定代表人", None, "职务", "经理"],
                ["单位名称", None, "注册资本", "500万元"],
                ["注册日期", None, "如 2019年3月15日"],
            ]
        }
    )
    assert value(result, "staff_total") == 25
    assert "legal_representative" not in result.facts
    assert "org_name" not in result.facts
    assert value(result, "registered_capital") == 500
    assert "registration_date" not in result.facts
    assert result.findings == []


def test_the_longest_label_wins_so_similar_labels_keep_their_own_values() -> None:
    result = read(
        {
            "S": [
                ["从业人数", 40],
                ["大专及以上学历和中级及以上技术职称的专业人员", 28],
                ["年服务中小企业数", 160],
                ["信息服务线下年服务企业数", 75],
                ["信息服务年活动次数", 12],
                ["推荐单位名称", "许昌市工业和信息化局"],
                ["合作单位名称", "某某大学"],
                ["申报单位名称", "某某服务中心"],
            ]
        }
    )
    assert value(result, "staff_total") == 40
    assert value(result, "staff_qualified") == 28
    assert value(result, "smes_served") == 160
    assert value(result, "info_offline_smes") == 75
    assert value(result, "info_activities") == 12
    assert value(result, "recommending_unit") == "许昌市工业和信息化局"
    assert value(result, "org_name") == "某某服务中心"


def test_common_variants_of_the_labels_are_found() -> None:
    result = read({"S": [
        ["成立时间", "2019年3月15日"],
        ["2025年服务中小企业数", 150],
        ["注册资本____万元", 500],
        ["从业人数 25 人"],
        ["填报时间", "2026-03-01"],
    ]})
    assert value(result, "registration_date") == date(2019, 3, 15)
    assert value(result, "smes_served") == 150
    assert value(result, "registered_capital") == 500
    assert value(result, "staff_total") == 25
    assert value(result, "application_date") == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("label", "written", "wan"),
    [
        ("上年末资产总额（万元）", 450, 450),  # what pingtai's own 推荐表 prints
        ("年末资产总额", "450万元", 450),
        ("上一年度末资产总额（元）", 4_500_000, 450),
        ("资产总额 单位：万元", 450, 450),
        ("资产总额（单位：元）", "4,500,000", 450),
    ],
)
def test_a_year_end_word_before_the_label_or_a_unit_after_it_keeps_the_fact(label: str, written: Any, wan: float) -> None:
    """They read as missing (`申请表未填写资产总额`), so a dossier without an audit report was 材料不全."""
    result = read({"S": [["单位名称", "大连海创中小企业服务有限公司"], [label, written]]})
    assert value(result, "total_assets") == wan
    assert where(result, "total_assets").endswith("B2")


def test_other_sentences_that_mention_a_label_are_not_labels() -> None:
    result = read(
        {
            "填表说明": [
                ["注：资产总额以上一年度审计报告为准", "320"],
                ["请如实填写从业人数和用户满意度", 25],
            ]
        }
    )
    assert result.facts == {}


# ---------------------------------------------------------------------------
# values that cannot be read


def test_an_unreadable_value_is_an_error_finding_naming_the_cell_and_the_text() -> None:
    result = read(
        {
            "基本信息": [
                ["单位名称", "某某公司"],
                ["上年末总资产", "三百万元"],
                ["年服务中小企业数", "不足150家"],
            ]
        }
    )
    assert "total_assets" not in result.facts and "smes_served" not in result.facts
    bad = [f for f in result.findings if f.id == "read.bad_value"]
    assert [f.field for f in bad] == ["total_assets", "smes_served"]
    assert all(f.severity == "error" and f.files == [NAME] for f in bad)
    assert "基本信息!B2" in bad[0].message and "三百万元" in bad[0].message
    assert bad[0].evidence is not None and bad[0].evidence.cell == "B2"


def test_an_amount_in_the_wrong_kind_of_unit_is_an_error_not_a_guess() -> None:
    result = read({"S": [["注册资本", "150平方米"]]})
    assert "registered_capital" not in result.facts
    assert ids(result) == ["read.bad_value"]


def test_a_value_read_twice_differently_keeps_the_first_and_warns() -> None:
    result = read({"表一": [["从业人数", 25]], "表二": [["从业人数", 30]]})
    assert value(result, "staff_total") == 25
    assert ids(result) == ["read.conflicting_values"]
    assert "表一!B1" in result.findings[0].message and "表二!B1" in result.findings[0].message


def test_two_labels_of_one_key_with_different_values_keep_the_first_as_information() -> None:
    result = read({"S": [["联系电话", "0374-3312345", "联系人电话", "13903741234"]]})
    assert value(result, "contact_phone") == "0374-3312345"
    assert [(f.id, f.severity) for f in result.findings] == [("read.conflicting_values", "info")]


def test_an_unreadable_copy_of_a_value_read_elsewhere_is_only_a_warning() -> None:
    result = read({"表一": [["从业人数", "二十五"]], "表二": [["从业人数", 25]]})
    assert value(result, "staff_total") == 25
    assert [(f.id, f.severity) for f in result.findings] == [("read.bad_value", "warning")]


# ---------------------------------------------------------------------------
# formulas


def test_a_formula_saved_without_its_value_is_a_finding_on_that_field() -> None:
    result = read({"S": [["营业收入", 100], ["资产总额", "=B1*3"], ["从业人数", 25]]})
    assert "total_assets" not in result.facts
    assert value(result, "staff_total") == 25
    finding = next(f for f in result.findings if f.id == "read.formula_no_value")
    assert finding.field == "total_assets" and "S!B2" in finding.message


def with_cached_value(data: bytes, cell: str, cached: str) -> bytes:
    """The same workbook as if Excel had saved it: the formula cell carries its computed value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                pattern = (
                    rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f>[^<]*</f>)\s*<v\s*/?>(?:</v>)?'
                )
                body, n = re.subn(pattern, rb"\1<v>" + cached.encode() + rb"</v>", body)
                assert n == 1
            target.writestr(info, body)
    return out.getvalue()


def test_a_formula_with_a_cached_value_gives_that_value() -> None:
    data = with_cached_value(xlsx({"S": [["营业收入", 100], ["资产总额", "=B1*3"]]}), "B2", "300")
    result = read_workbook(data, NAME)
    assert value(result, "total_assets") == 300
    assert result.findings == []


# ---------------------------------------------------------------------------
# the yearly table


def test_a_shuffled_yearly_table_with_year_suffixes_reads_into_sorted_rows() -> None:
    result = read(
        {
            "Sheet3": [
                ["近三年经营情况"],
                ["服务中小企业数（家）", "营业收入", "年度", "备注", "资产总额（元）", "利润总额"],
                [160, 900, "2024年", "", 3_200_000, 50],
                [120, "800万元", "2022年度", "", 2_800_000, 30],
                [140, 850, 2023, "", 3_000_000, 40],
                ["", "", "合计", "", "", ""],
            ]
        }
    )
    assert [r["year"] for r in result.yearly] == [2022, 2023, 2024]
    assert [r["smes_served"] for r in result.yearly] == [120, 140, 160]
    assert result.yearly[0]["revenue"] == 800
    assert result.yearly[2]["total_assets"] == 320
    assert result.yearly[2]["service_revenue"] is None
    assert result.yearly[2]["evidence"].cell == "C3"
    assert result.list_evidence["yearly"].sheet == "Sheet3"
    assert "total_assets" not in result.facts  # the table header is not a form label


def test_a_yearly_table_with_years_across_is_read_too() -> None:
    result = read(
        {
            "经营": [
                ["项目", "2023年", "2024年"],
                ["营业收入（万元）", 800, 900],
                ["服务中小企业数", 140, 160],
            ]
        }
    )
    assert [(r["year"], r["revenue"], r["smes_served"]) for r in result.yearly] == [
        (2023, 800, 140),
        (2024, 900, 160),
    ]


def test_a_bad_number_in_the_yearly_table_is_a_finding_and_leaves_the_cell_empty() -> None:
    result = read({"T": [["年度", "服务中小企业数"], [2024, "很多"]]})
    assert result.yearly[0]["smes_served"] is None
    finding = next(f for f in result.findings if f.id == "read.bad_value")
    assert finding.field == "yearly.smes_served" and "T!B2" in finding.message


# ---------------------------------------------------------------------------
# list sheets

STAFF = [
    ["序号", "姓名", "性别", "年龄", "学历", "毕业院校", "职称", "主管工作"],
    [1, "张三", "男", 45, "硕士研究生", "郑州大学", "高级工程师", "平台负责人"],
    [2, "李四", "女", "32岁", "本科", "河南大学", "助理工程师", "技术服务"],
    [3, "王五", "男", 50, "中专", "许昌技校", "经济师", "培训"],
    [4, "赵六", "女", 28, "高中", "", "无", "行政"],
    [5, None, None, None, None, None, None, None],
    [6, "漏掉的人", "", 30, "本科", "", "", ""],
]


def test_list_sheets_are_recognised_by_their_headers_whatever_the_sheet_name() -> None:
    result = read(
        {
            "Sheet7": STAFF,
            "附表2": [
                ["服务的中小企业名单及服务评价表"],
                ["序号", "服务企业名称", "联系人", "联系电话", "服务内容简述", "企业满意度", None],
                [None, None, None, None, None, "满意", "不满意"],
                [1, "甲公司", "刘", "0374-1234567", "政策咨询", "√", None],
                [2, "乙公司", "陈", "13800000000", "融资对接", None, "√"],
                [3, "丙公司", "周", "13900000000", "培训", "√", None],
                ["备注：不少于30家"],
            ],
            "设备": [
                ["名称", "数量", "购买价格（万元）", "购买时间"],
                ["检测仪", "2台", 35, date(2021, 5, 1)],
                ["服务器", 3, "120000元", "2022.03"],
            ],
            "合作": [
                ["序号", "合作单位名称", "合作内容"],
                [1, "许昌学院", "人才培训"],
                [2, "某某律所", "法律服务"],
            ],
        },
        merges={"附表2": ["F2:G2"]},
    )
    staff = result.lists["staff"]
    assert [p["name"] for p in staff] == ["张三", "李四", "王五", "赵六"]
    assert staff[1] == {
        "name": "李四",
        "age": 32,
        "education": "本科",
        "school": "河南大学",
        "title": "助理工程师",
        "duty": "技术服务",
    }
    assert [s["satisfaction"] for s in result.lists["served_smes"]] == ["满意", "不满意", "满意"]
    assert result.lists["served_smes"][0]["content"] == "政策咨询"
    equipment = result.lists["equipment"]
    assert [(e["name"], e["quantity"], e["price"]) for e in equipment] == [
        ("检测仪", 2, 35),
        ("服务器", 3, 12),
    ]
    assert equipment[0]["purchase_date"] == date(2021, 5, 1)
    assert equipment[1]["purchase_date"] == "2022年3月"  # written to the month: no invented day
    assert [p["name"] for p in result.lists["partners"]] == ["许昌学院", "某某律所"]
    assert result.list_evidence["staff"].sheet == "Sheet7"
    assert result.list_evidence["served_smes"].cell == "B2"
    assert result.facts == {}  # 联系人 / 联系电话 in a list header are not form labels


def test_a_total_row_written_in_the_serial_number_column_ends_the_list() -> None:
    # 合计 in the 序号 column, the count under 服务企业名称 and the tally under 企业满意度: a
    # footer, not a 4th company (the 测评 draw must not pick “共3家”, the count must stay 3)
    result = read(
        {
            "服务企业名单": [
                ["序号", "服务企业名称", "联系人", "联系电话", "服务内容", "企业满意度"],
                [1, "许昌甲机械有限公司", "刘洋", "13800000001", "政策咨询", "满意"],
                [2, "许昌乙食品有限公司", "陈静", "13800000002", "融资对接", "满意"],
                [3, "许昌丙建材有限公司", "周涛", "13800000003", "培训", "不满意"],
                ["合计", "共3家", None, None, None, "满意2家"],
            ]
        }
    )
    served = result.lists["served_smes"]
    assert [s["name"] for s in served] == ["许昌甲机械有限公司", "许昌乙食品有限公司", "许昌丙建材有限公司"]


def test_a_title_above_a_list_header_is_not_taken_for_the_header() -> None:
    result = read(
        {
            "合作资源": [
                ["签订合作协议的单位"],
                ["序号", "合作单位名称", "合作内容"],
                [1, "郑州大学", "人才培养"],
            ]
        },
        merges={"合作资源": ["A1:C1"]},
    )
    assert result.lists["partners"] == [{"name": "郑州大学", "content": "人才培养"}]
    assert result.list_evidence["partners"].cell == "B2"


def test_the_xuchang_fill_in_cells_give_one_fact_per_label() -> None:
    result = read(
        {
            "申请表": [
                ["联系电话", "0374-3312345", "手机", "13903741234", "传真", None],
                ["上年末总资产", "210万元", "仪器、设备数量 12 台（套），购买价格 86.4 万元，占总资产 41.1 ％"],
                ["服务场地面积", "1200平方米", "其中：自有 0 平方米，租用 1200 平方米"],
                ["获得专业服务资质情况", "众创空间备案，人力资源服务许可证"],
            ]
        }
    )
    assert value(result, "contact_phone") == "0374-3312345"
    assert value(result, "mobile_phone") == "13903741234"
    assert value(result, "equipment_quantity") == 12 and value(result, "equipment_price") == 86.4
    assert value(result, "owned_area") == 0 and value(result, "rented_area") == 1200
    assert value(result, "qualifications") == "众创空间备案，人力资源服务许可证"  # a value cell is not split
    assert "fax" not in result.facts
    assert result.findings == []


def test_a_one_column_list_whose_values_contain_the_header_word_is_read() -> None:
    """`init` writes the partners sheet with one column; the names often contain 合作单位."""
    names = [f"许昌某某合作单位{i}有限公司" for i in range(6)]
    result = read({"合作单位": [["合作单位名称"], *[[n] for n in names]]})
    assert [p["name"] for p in result.lists["partners"]] == names


def test_a_staff_list_shorter_than_the_form_head_count_is_a_warning() -> None:
    result = read({"表": [["从业人数", 25]], "名单": STAFF})
    assert ids(result) == ["read.staff_count_mismatch"]
    assert "4 人" in result.findings[0].message and "25" in result.findings[0].message


def test_qualified_staff_count_either_a_degree_or_a_title_and_both_readings_are_accepted() -> None:
    staff = read({"名单": STAFF}).lists["staff"]
    assert qualified_counts(staff) == (3, 1)  # 张三 both, 李四 degree only, 王五 title only
    for form_value in (3, 1):
        result = read(
            {
                "表": [
                    ["从业人数", 4],
                    ["大专及以上学历和中级及以上技术职称的专业人员", form_value],
                ],
                "名单": STAFF,
            }
        )
        assert ids(result) == []
    result = read(
        {
            "表": [["从业人数", 4], ["大专及以上学历和中级及以上技术职称的专业人员", 4]],
            "名单": STAFF,
        }
    )
    assert ids(result) == ["read.staff_qualified_mismatch"]


def test_satisfaction_from_the_served_list_is_compared_with_the_form() -> None:
    served = [["服务企业名称", "服务内容", "企业满意度"]] + [
        [f"企业{i}", "咨询", "满意" if i < 8 else "不满意"] for i in range(10)
    ]
    assert ids(read({"表": [["用户满意度", "80%"]], "名单": served})) == []
    mismatch = read({"表": [["用户满意度", "95%"]], "名单": served})
    assert ids(mismatch) == ["read.satisfaction_mismatch"]


def test_a_served_list_shorter_than_the_served_count_is_only_information() -> None:
    served = [
        ["服务企业名称", "服务内容", "企业满意度"],
        ["甲", "咨询", "满意"],
        ["乙", "咨询", "满意"],
    ]
    result = read({"表": [["年服务中小企业数", 150]], "名单": served})
    assert [(f.id, f.severity) for f in result.findings] == [("read.served_count_differs", "info")]


# ---------------------------------------------------------------------------
# files that cannot be read


def corrupt_zip() -> bytes:
    return xlsx({"S": [["从业人数", 25]]})[:300]


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def encrypted_like() -> bytes:
    """The start of an OLE compound file holding an EncryptionInfo stream: a password-protected xlsx."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 512
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "为空"),
        (b"this is not a spreadsheet", "不是 Excel"),
        (corrupt_zip(), "损坏"),
        (docx_like(), "没有 Excel 工作簿"),
        (encrypted_like(), "密码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "损坏"),
    ],
    ids=["empty", "text", "corrupt-zip", "docx", "password", "broken-ole"],
)
def test_an_unreadable_workbook_is_a_finding_not_an_exception(data: bytes, reason: str) -> None:
    result = read_workbook(data, "坏表.xlsx")
    assert result.facts == {} and result.yearly == [] and result.lists == {}
    assert [f.id for f in result.findings] == ["read.workbook_unreadable"]
    assert reason in result.findings[0].message and "坏表.xlsx" in result.findings[0].message


def test_a_missing_path_is_a_finding(tmp_path: Path) -> None:
    result = read_workbook(tmp_path / "nope.xlsx", "nope.xlsx")
    assert ids(result) == ["read.workbook_unreadable"]


def test_a_workbook_is_read_from_a_path_with_the_given_name_in_evidence(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_bytes(xlsx({"S": [["从业人数", 25]]}))
    result = read_workbook(path, "材料/申请表.xlsx")
    assert result.facts["staff_total"].evidence.file == "材料/申请表.xlsx"  # type: ignore[union-attr]
    assert result.sheets == ["S"]


def test_a_stray_value_in_the_last_cell_of_the_sheet_is_cut_off_not_a_crash() -> None:
    result = read(
        {"S": {"A1": "从业人数", "B1": 25, "XFD1048576": "x"}, "T": {"A1": "注册资本", "B1": 500}}
    )
    assert value(result, "staff_total") == 25
    assert value(result, "registered_capital") == 500
    assert ids(result) == ["read.sheet_truncated"]


def rewrite_sheet(data: bytes, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                assert old in body
                body = body.replace(old, new)
            target.writestr(info, body)
    return out.getvalue()


def test_a_far_cell_whose_address_is_not_its_first_attribute_is_still_bounded() -> None:
    data = xlsx({"S": {"A1": "从业人数", "B1": 25, "XFD1048576": "x"}})
    data = rewrite_sheet(
        data, b'<c r="XFD1048576" t="inlineStr">', b'<c t="inlineStr" r="XFD1048576">'
    )
    result = read_workbook(data, NAME)  # calamine on this sheet would abort the process
    assert value(result, "staff_total") == 25
    assert ids(result) == ["read.sheet_truncated"]


def test_cells_without_an_address_are_read_through_the_bounded_reader() -> None:
    data = xlsx({"S": [["从业人数", 25]]})
    data = rewrite_sheet(data, b'<c r="B1" t="n">', b'<c t="n">')
    assert value(read_workbook(data, NAME), "staff_total") == 25


def test_the_xml_pre_pass_reads_prefixed_sheets() -> None:
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="3"><x:c r="B3"><x:v>1</x:v></x:c><x:c r="C3"><x:f>B3*2</x:f><x:v></x:v></x:c></x:row>'
        b'<x:row r="7"><x:c r="HZ7" t="s"><x:v>0</x:v></x:c><x:c r="J7" s="1"/></x:row></x:sheetData>'
        b'<x:mergeCells count="1"><x:mergeCell ref="A1:D2"/></x:mergeCells></x:worksheet>'
    )
    scan = grid._Scan()
    cols: set[bytes] = set()
    grid._scan_piece(xml, scan, cols)
    assert scan.max_row == 6 and {b"B", b"C", b"HZ"} == cols
    assert scan.formulas == {(2, 2): False}
    assert scan.merges == [(0, 0, 1, 3)]


def test_a_sheet_longer_than_the_bound_is_read_up_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grid, "MAX_ROWS", 300)
    rows: list[list[Any]] = [["从业人数", 25]] + [[f"r{i}", i] for i in range(400)]
    rows[299] = ["注册资本", 500]
    rows[300] = ["服务场地面积", 600]
    result = read({"S": rows})
    assert value(result, "staff_total") == 25 and value(result, "registered_capital") == 500
    assert "service_area" not in result.facts
    assert ids(result) == ["read.sheet_truncated"]


def test_the_row_bound_is_twenty_thousand_and_the_column_bound_two_hundred() -> None:
    assert (MAX_ROWS, MAX_COLS) == (20_000, 200)


# ---------------------------------------------------------------------------
# properties: nothing a person types makes the reader raise

CELL = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(
        [lbl for fk in FACT_KEYS for lbl in fk.labels]
        + ["年度", "姓名", "学历", "职称", "：", "万元"]
    ),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=8), st.data())
def test_random_cell_contents_never_make_the_reader_raise(
    rows: list[list[Any]], data: st.DataObject
) -> None:
    width = max(len(r) for r in rows)
    grid_rows = [["" if v is None else v for v in r] + [""] * (width - len(r)) for r in rows]
    r0 = data.draw(st.integers(0, len(rows) - 1))
    c0 = data.draw(st.integers(0, width - 1))
    merges = [(r0, c0, data.draw(st.integers(r0, len(rows))), data.draw(st.integers(c0, width)))]
    result = read_grids([Grid("S", grid_rows, merges)], NAME)
    for fact in result.facts.values():
        assert fact.evidence is not None and fact.evidence.cell
    assert all(f.severity in ("error", "warning", "info") for f in result.findings)


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.lists(CELL.filter(lambda v: not isinstance(v, float) or v == v), max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_random_workbooks_written_by_openpyxl_never_make_the_reader_raise(
    rows: list[list[Any]],
) -> None:
    clean = [
        [v if not (isinstance(v, str) and v.startswith("=")) else "'" + v for v in r] for r in rows
    ]
    try:
        data = xlsx({"S": clean})
    except Exception:  # openpyxl refuses some characters; nothing to read then
        return
    read_workbook(data, NAME)


DECORATIONS = [
    lambda s: s,
    lambda s: " ".join(s),
    lambda s: s + "：",
    lambda s: "*" + s,
    lambda s: "1." + s,
    lambda s: "（三）" + s,
    lambda s: s + "（单位：万元）",
    lambda s: s + "(注)",
]


@pytest.mark.parametrize("fk", FACT_KEYS, ids=lambda fk: fk.key)
def test_every_synonym_with_any_decoration_finds_its_own_key(fk: Any) -> None:
    from pingtai_cli.intake.sources.excel import _label_hit

    for label in fk.labels:
        for decorate in DECORATIONS:
            hit = _label_hit(decorate(label))
            assert hit is not None and hit.key == fk.key, (decorate(label), hit)


@given(st.text(max_size=60))
def test_the_label_finder_accepts_any_text(text: str) -> None:
    from pingtai_cli.intake.sources.excel import _header_field, _label_hit, _label_like

    _label_hit(text)
    _label_like(text)
    _header_field(text)


@pytest.mark.parametrize(
    ("cell", "key", "expected"),
    [
        ("资产总额：3,200,000元", "total_assets", 320),
        ("上年末总资产（万元）：1,200", "total_assets", 1200),
        ("从业人数：1,025人", "staff_total", 1025),
        ("申报服务功能：信息，技术，培训", "functions_declared", ["信息", "技术", "培训"]),
        ("所在地区：河南省，许昌市，魏都区", "region", "河南省，许昌市，魏都区"),
    ],
)
def test_a_single_label_with_commas_in_its_value_is_read_whole(cell: str, key: str, expected: Any) -> None:
    assert value(read({"表": [[cell]]}), key) == expected


def test_bare_fill_in_words_are_answers_outside_a_fill_in_cell() -> None:
    result = read({"表": [["场地性质", "租用", "租赁期限", "3年"], ["场地情况", "自有"], ["注册地址", "许昌市建安大道1号"]]})
    assert "rented_area" not in result.facts and "owned_area" not in result.facts
    assert not [f for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize(
    "header",
    ["主要服务设施、软件或仪器设备名称", "学历/学位", "技术职称/职业资格", "所学专业及毕业院校", "现任职务及主管工作", "主要服务内容及成效"],
)
def test_a_compound_list_header_is_still_a_header(header: str) -> None:
    from pingtai_cli.intake.sources.excel import _header_field

    assert _header_field(header) is not None


# The label and header words are found by a word index, not an alternation regex (start-up and
# per-cell time); the regex the reader used before is the oracle.
def _regex_spans(words, text):
    import re

    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    if pattern.search(text) is None:
        return []
    spans = [(m.start(), m.end()) for p in range(len(text)) if (m := pattern.match(text, p))]
    return sorted(spans, key=lambda s: (s[0] - s[1], s[0]))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_word_index_finds_what_the_alternation_regex_found(data):
    from pingtai_cli.intake.sources import excel

    words = list(excel._SYNONYMS) + list(excel._HEADERS)
    picked = data.draw(st.lists(st.sampled_from(words), max_size=3))
    filler = data.draw(st.text(alphabet="年度其中总额万元（）:：2025 ab", max_size=6))
    text = filler.join(picked) + filler
    for table in (list(excel._SYNONYMS), list(excel._HEADERS)):
        assert excel._Words(table).spans(text) == _regex_spans(table, text)
    small = ["", "a", "ab", "b"]  # an empty word matches (empty) where no other word does
    assert excel._Words(small).spans(text) == _regex_spans(small, text)
