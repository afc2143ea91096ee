"""`pingtai compare-jurisdictions`: rows aligned by meaning, real differences, five formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from cli_helpers import invoke, ok
from pingtai_cli.core.errors import OutputExists, PingtaiError, UnknownJurisdiction
from pingtai_cli.outputs.comparison import ABSENT, comparison
from pingtai_cli.outputs.report.comparison import neutralise
from pingtai_cli.rules.schema import load_all, load_file

run = invoke


@pytest.fixture(scope="module")
def real():
    cmp = comparison(load_all())
    return {row.id: row for row in cmp.rows}


def texts(row) -> dict[str, str]:
    return {k: c.display() for k, c in row.cells.items()}


def tiny(path: Path, key: str, name: str, title: str, rules: list[dict]) -> Path:
    data = {
        "key": key, "name": name,
        "document": {"title": title, "issuer": "某局", "level": "city", "issued": "2021-01-01",
                     "in_force_from": "2021-01-01", "recognition_title": "示范平台"},
        "basic": rules,
        "functions": {"count": {"article": "第八条", "quote": "至少满足一项", "min": 1}, "items": []},
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def threshold(code: str, field: str, value: float, unit: str, article: str) -> dict:
    return {"code": code, "name": f"basic.{field}", "title": f"{field}≥{value}", "article": article,
            "quote": f"不少于{value}{unit}", "check": "threshold", "field": field, "value": value, "unit": unit}


# ---------------------------------------------------------------- the data, generically


def test_rows_align_by_fact_and_mark_strictest_loosest_and_absent(tmp_path: Path):
    a = load_file(tiny(tmp_path / "aa.yaml", "aa", "甲市", "甲办法", [
        threshold("AA-B01", "total_assets", 100, "万元", "第七条（一）"),
        threshold("AA-B02", "staff_total", 10, "人", "第七条（三）"),
    ]))
    b = load_file(tiny(tmp_path / "bb.yaml", "bb", "乙市", "乙办法", [
        threshold("BB-B09", "total_assets", 50, "万元", "第六条（二）"),
    ]))
    rows = {r.id: r for r in comparison([a, b]).rows}
    assets = rows["basic.total_assets"]
    assert texts(assets) == {"aa": "≥100万元 第七条（一）", "bb": "≥50万元 第六条（二）"}
    assert assets.cells["aa"].emphasis == "strictest" and assets.cells["bb"].emphasis == "loosest"
    assert "最严 甲市（100万元）" in assets.diff and "最宽 乙市（50万元）" in assets.diff
    staff = rows["basic.staff_total"]
    assert staff.cells["bb"].text == ABSENT and staff.cells["bb"].absent
    assert staff.diff == "乙市未规定"
    assert rows["basic.satisfaction_rate"].diff == "均未规定"


def test_equal_thresholds_are_marked_as_the_same(tmp_path: Path):
    a = load_file(tiny(tmp_path / "aa.yaml", "aa", "甲市", "甲办法", [threshold("AA-B01", "total_assets", 50, "万元", "第七条")]))
    b = load_file(tiny(tmp_path / "bb.yaml", "bb", "乙市", "乙办法", [threshold("BB-B01", "total_assets", 50, "万元", "第六条")]))
    row = next(r for r in comparison([a, b]).rows if r.id == "basic.total_assets")
    assert row.diff == "一致" and {c.emphasis for c in row.cells.values()} == {None}


# ---------------------------------------------------------------- the real differences of the five texts


def test_total_assets_are_300_100_50_50_100_with_shaoguans_50_for_comprehensive_only(real):
    row = real["basic.total_assets"]
    want = {"national": 300, "liaoning": 100, "heilongjiang": 50, "xuchang": 50, "shaoguan": 100}  # the texts
    assert {k: row.cells[k].value for k in want} == want
    assert texts(row)["national"] == "≥300万元 第十二条（一）"
    assert "仅申报综合服务功能：≥50万元" in texts(row)["shaoguan"]
    assert row.cells["national"].emphasis == "strictest"
    assert {k for k, c in row.cells.items() if c.emphasis == "loosest"} == {"heilongjiang", "xuchang"}


def test_service_staff_are_20_10_10_8_6_and_xuchangs_other_reading_of_10_is_shown(real):
    row = real["basic.staff_total"]
    want = {"national": 20, "liaoning": 10, "heilongjiang": 10, "xuchang": 8, "shaoguan": 6}
    assert {k: row.cells[k].value for k in want} == want
    assert "另一读法：≥10人" in row.cells["xuchang"].text
    assert row.cells["shaoguan"].emphasis == "loosest"


def test_only_shaoguan_asks_for_150_square_metres(real):
    row = real["basic.service_area"]
    assert row.cells["shaoguan"].text == "≥150平方米"
    assert all(c.absent for k, c in row.cells.items() if k != "shaoguan")


def test_financing_structures_are_written_out_per_jurisdiction(real):
    row = texts(real["functions.financing"])
    assert row["national"].startswith("融资服务机构：活动≥10次且融资≥8亿元；或融资担保机构：新增担保≥30亿元")
    assert "活动≥8次且融资≥5亿元" in row["liaoning"] and "新增担保≥20亿元" in row["liaoning"]
    assert "新增担保≥0.5亿元" in row["xuchang"]
    sg = row["shaoguan"]
    for part in ("持有金融牌照", "活动≥3次", "融资性业务占比≥50%", "支小支农占比≥50%（三年期满再次认定：≥60%）",
                 "（融资≥2亿元 或 新增担保≥12亿元）"):
        assert part in sg


def test_the_comprehensive_function_exists_only_in_shaoguan(real):
    row = real["functions.comprehensive"]
    assert not row.cells["shaoguan"].absent and "服务中心" in row.cells["shaoguan"].text
    assert all(c.absent for k, c in row.cells.items() if k != "shaoguan")


def test_xuchang_needs_two_functions_of_a_comprehensive_platform_and_has_an_exclusion(real):
    count = texts(real["functions.count"])
    assert count["xuchang"].startswith("综合性平台至少2项，专业性平台至少1项")
    assert count["national"] == "至少1项 第十三条"
    excl = real["exclusions"]
    assert "第十九条" in texts(excl)["xuchang"]
    assert [k for k, c in excl.cells.items() if not c.absent] == ["xuchang"]


def test_materials_publicity_and_validity_rows(real):
    # the texts' own items (第十七条（一）…（八）); an item naming two materials is split
    items = {"national": 8, "liaoning": 8, "heilongjiang": 8, "xuchang": 14}
    assert {k: real["materials.count"].cells[k].value for k in items} == items
    assert real["materials.count"].cells["national"].text == "8项（分为9种材料）"
    assert "年度申报通知" in real["materials.count"].cells["shaoguan"].text
    days = {"national": "15工作日", "liaoning": "15工作日", "heilongjiang": ABSENT, "xuchang": "5工作日", "shaoguan": ABSENT}
    assert {k: real["procedure.publicity_days"].cells[k].text for k in days} == days
    assert {c.text for c in real["procedure.validity_years"].cells.values()} == {"3年"}
    assert real["procedure.validity_years"].diff == "一致"
    # 每年1次 and 每年一次 are the same rule, whatever each text calls the review
    assert real["procedure.review_frequency"].diff == "一致"
    bureau = real["procedure.bureau_report_deadline"]
    assert bureau.label == "主管部门向上级报送年度情况"
    assert "报韶关市工业和信息化局" in bureau.cells["shaoguan"].display()


def test_relaxations_name_the_articles_they_reach(real):
    row = texts(real["relaxations"])
    assert "西部大开发政策区域：第十二条（一）（二）（三）（六）可放宽" in row["national"]
    assert real["relaxations"].cells["shaoguan"].absent


# ---------------------------------------------------------------- the command and its formats


def test_default_table_shows_every_jurisdiction_side_by_side():
    out = ok("compare-jurisdictions")
    for word in ("国家", "辽宁省", "黑龙江省", "许昌市", "韶关市", "≥300万元 第十二条（一）", "资产总额", "差异"):
        assert word in out


def test_chosen_keys_become_the_only_columns_in_the_given_order():
    data = json.loads(ok("compare-jurisdictions", "shaoguan", "national", "-f", "json"))
    assert data["schema"] == "pingtai.compare/1"
    assert [c["key"] for c in data["columns"]] == ["shaoguan", "national"]
    row = next(r for r in data["rows"] if r["id"] == "basic.total_assets")
    assert set(row["cells"]) == {"shaoguan", "national"}


def test_markdown_bolds_the_strictest_and_italicises_the_loosest():
    out = ok("compare-jurisdictions", "-f", "markdown")
    line = next(ln for ln in out.splitlines() if ln.startswith("| 资产总额 |"))
    assert "**≥300万元 第十二条（一）**" in line and "*≥50万元 第六条（一）*" in line
    assert "## 服务功能" in out and "## 程序与期限" in out


def test_csv_parses_with_one_column_per_jurisdiction():
    rows = list(csv.reader(io.StringIO(ok("compare-jurisdictions", "-f", "csv"))))
    assert rows[0] == ["类别", "条件", "国家", "辽宁省", "黑龙江省", "许昌市", "韶关市", "差异"]
    assets = next(r for r in rows if r[1] == "资产总额")
    assert assets[2] == "≥300万元 第十二条（一）" and assets[0] == "基本条件"


def test_unknown_jurisdiction_is_an_error_naming_it():
    result = run("compare-jurisdictions", "national", "atlantis")
    assert isinstance(result.exception, UnknownJurisdiction) and "atlantis" in str(result.exception)


def test_xlsx_needs_an_output_file():
    result = run("compare-jurisdictions", "-f", "xlsx")
    assert isinstance(result.exception, PingtaiError) and "--output" in str(result.exception)


def test_the_output_extension_chooses_the_format_and_a_contradiction_is_refused(tmp_path: Path):
    """The rule `check` follows too (cli/formats.py serves both); it guards their shared function."""
    ok("compare-jurisdictions", "national", "liaoning", "-o", str(tmp_path / "c.csv"))
    assert next(csv.reader(io.StringIO((tmp_path / "c.csv").read_text(encoding="utf-8-sig"))))[2:4] == ["国家", "辽宁省"]
    clash = run("compare-jurisdictions", "-f", "json", "-o", str(tmp_path / "c.xlsx"))
    assert clash.exit_code == 2 and "--format json 与输出文件扩展名“.xlsx”不符" in str(clash.exception)
    assert not (tmp_path / "c.xlsx").exists()


def test_xlsx_opens_with_headers_and_bold_strictest_cells(tmp_path: Path):
    from openpyxl import load_workbook

    out = tmp_path / "对比.xlsx"
    ok("compare-jurisdictions", "-f", "xlsx", "-o", str(out))
    ws = load_workbook(out).active
    assert [c.value for c in ws[1]] == ["类别", "条件", "国家", "辽宁省", "黑龙江省", "许昌市", "韶关市", "差异"]
    assets = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "资产总额")
    assert assets[2].value == "≥300万元 第十二条（一）" and assets[2].font.b
    assert assets[4].font.i and not assets[3].font.b
    assert ws.freeze_panes == "C2"


def test_an_existing_output_is_kept_without_force_and_replaced_with_it(tmp_path: Path):
    out = tmp_path / "cmp.md"
    out.write_text("旧内容", encoding="utf-8")
    result = run("compare-jurisdictions", "-f", "markdown", "-o", str(out))
    assert isinstance(result.exception, OutputExists)
    assert out.read_text(encoding="utf-8") == "旧内容"
    ok("compare-jurisdictions", "-f", "markdown", "-o", str(out), "--force")
    assert out.read_text(encoding="utf-8").startswith("# 各地认定条件对比")
    assert [p.name for p in tmp_path.iterdir()] == ["cmp.md"]  # no temporary file left behind


def test_cells_that_a_spreadsheet_would_run_are_neutralised_in_csv_and_xlsx(tmp_path: Path):
    from openpyxl import load_workbook

    rules_dir = tmp_path / "rulesets"
    rules_dir.mkdir()
    tiny(rules_dir / "evil.yaml", "evil", "=HYPERLINK(\"http://x\")", "+SUM(A1:A9)",
         [threshold("EV-B01", "total_assets", 10, "万元", "第一条")])
    text = ok("compare-jurisdictions", "national", "evil", "-f", "csv", "--rulesets-dir", str(rules_dir))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][3] == "'=HYPERLINK(\"http://x\")"
    assert next(r for r in rows if r[1] == "文件名称")[3] == "《+SUM(A1:A9)》"  # not at the start: harmless
    out = tmp_path / "evil.xlsx"
    ok("compare-jurisdictions", "national", "evil", "-f", "xlsx", "-o", str(out), "--rulesets-dir", str(rules_dir))
    ws = load_workbook(out).active
    assert ws.cell(row=1, column=4).value == "'=HYPERLINK(\"http://x\")"
    assert ws.cell(row=1, column=4).data_type == "s"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@cmd", "\t=1"])
def test_neutralise_prefixes_formula_starts_with_an_apostrophe(text):
    assert neutralise(text) == "'" + text
    assert neutralise("≥300万元") == "≥300万元"


def test_rows_that_are_not_law_render_under_the_same_columns():
    from pingtai_cli.outputs.comparison import Cell, Row
    from pingtai_cli.outputs.report.comparison import render_rows

    cmp = comparison([r for r in load_all() if r.key in ("national", "xuchang")])
    verdict = Row("dossier.verdict", "结论", "示例卷宗", {"national": Cell("不符合条件"), "xuchang": Cell("符合条件")})
    out = render_rows(cmp.columns, [*cmp.rows, verdict], "markdown")
    assert "## 结论" in out and "| 示例卷宗 | 不符合条件 | 符合条件 |" in out


def test_chinese_numerals_compare_equal_to_digits_whatever_their_form() -> None:
    from pingtai_cli.outputs.comparison import _numerals

    assert _numerals("每年一次") == _numerals("每年1次")
    assert _numerals("一百零五家") == "105家" and _numerals("两年") == "2年"
