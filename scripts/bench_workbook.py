"""Time the 申请表 reader and its two spreadsheet libraries on a generated workbook.

    .venv/bin/python scripts/bench_workbook.py [--served 10000] [--repeat 5]

Builds a workbook like an applicant's (form sheet, yearly table, staff, served
SMEs, equipment, partners) with openpyxl, then times, best of --repeat:
calamine loading every sheet's values, openpyxl loading them (normal and
read-only), the XML pre-pass of extract/grid.py alone, and read_workbook whole.
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any


def build(served: int) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    form = book.active
    form.title = "基本信息"
    pairs: list[tuple[str, Any]] = [
        ("单位名称", "许昌市某某科技服务有限公司"),
        ("统一社会信用代码", "91411000MA45ABCD1X"),
        ("单位性质", "企业法人"),
        ("注册日期", date(2019, 3, 15)),
        ("注册资本（万元）", 500),
        ("上年末总资产（万元）", 320),
        ("服务场地面积", "600平方米"),
        ("从业人数", 30),
        ("大专及以上学历和中级及以上技术职称的专业人员", 26),
        ("年服务中小企业数", served),
        ("用户满意度", "92%"),
        ("集聚服务机构数", 6),
        ("公益性服务或低收费服务占比", "25%"),
        ("申报服务功能", "信息、技术、培训"),
        ("是否再次申报", "否"),
        ("资产总额", "=F6*1"),
    ]
    for i, (label, value) in enumerate(pairs, start=1):
        form.cell(i, 1, label)
        form.cell(i, 2, value)
    yearly = book.create_sheet("经营情况")
    yearly.append(
        ["年度", "营业收入", "服务收入", "资产总额", "利润总额", "上缴税金", "服务中小企业数"]
    )
    for year in (2023, 2024, 2025):
        yearly.append([f"{year}年", 900, 700, 320, 50, 20, served - (2025 - year) * 10])
    staff = book.create_sheet("人员")
    staff.append(["序号", "姓名", "年龄", "学历", "毕业学校", "职称", "主管工作"])
    for i in range(30):
        staff.append([i + 1, f"员工{i}", 30 + i % 20, "本科", "某大学", "工程师", "技术服务"])
    sme = book.create_sheet("服务企业")
    sme.append(["序号", "服务企业名称", "联系人", "联系电话", "服务内容", "企业满意度"])
    for i in range(served):
        sme.append(
            [
                i + 1,
                f"许昌某某企业{i}有限公司",
                "张先生",
                f"1390374{i:04d}",
                "政策咨询、融资对接",
                "满意",
            ]
        )
    equipment = book.create_sheet("设备")
    equipment.append(["名称", "数量", "购买时间", "购买价格（万元）"])
    for i in range(40):
        equipment.append([f"设备{i}", 2, date(2021, 1 + i % 12, 1), 3.5])
    partners = book.create_sheet("合作")
    partners.append(["序号", "合作单位名称", "合作内容"])
    for i in range(10):
        partners.append([i + 1, f"合作机构{i}", "培训"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def calamine_values(data: bytes) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def openpyxl_values(data: bytes, read_only: bool) -> None:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=read_only)
    for sheet in book.worksheets:
        list(sheet.iter_rows(values_only=True))


def xml_prepass(data: bytes) -> None:
    from pingtai_cli.intake.sources import grid

    archive = zipfile.ZipFile(io.BytesIO(data))
    for part in grid._sheet_parts(archive).values():
        grid._scan_part(archive, part)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--served", type=int, default=10_000, help="rows of the served-SME list")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from pingtai_cli.intake.sources.excel import read_workbook

    data = build(args.served)
    print(f"workbook: {len(data) / 1024:.0f} KiB, served-SME list of {args.served} rows")
    rows = [
        ("calamine, values of every sheet", lambda: calamine_values(data)),
        ("openpyxl, values of every sheet", lambda: openpyxl_values(data, read_only=False)),
        ("openpyxl read-only, values", lambda: openpyxl_values(data, read_only=True)),
        ("XML pre-pass (bounds, formulas, merges)", lambda: xml_prepass(data)),
        ("read_workbook (everything)", lambda: read_workbook(data, "申请表.xlsx")),
    ]
    for label, fn in rows:
        print(f"{label:42s} {best(fn, args.repeat) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
