"""A ruleset's declared facts are asked and read in the 申请表 by their label (issue 15): `pingtai init`
writes the declared label (not the key), a derived ratio or region set gets no row of its own, and the
reader finds the declared label in an applicant's own workbook too, whichever ruleset read it first."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl

from cli_helpers import invoke, ok
from test_rules_meaning import ruleset as base_ruleset
from test_rules_meaning import write

PATENTS = {"key": "patents", "label": "有效发明专利数", "unit": "项"}
REMOTE = {"key": "remote_area", "label": "是否属于粤东西北地区", "type": "bool"}
SHARE = {"key": "service_revenue_share", "label": "服务收入占营业收入比例", "unit": "%",
         "ratio": {"numerator": "service_revenue", "denominator": "revenue"}}
PRD = {"name": "珠三角", "divisions": ["广州市", "深圳市"]}


def rule(code: str, field: str, value: float | None, unit: str | None, **more: Any) -> dict[str, Any]:
    return {"code": code, "name": f"basic.{field}", "title": f"{field}", "article": "第七条（一）",
            "quote": "资产总额不低于20万元", "check": "threshold" if unit else "flag", "field": field,
            **({"value": value, "unit": unit} if unit else {}), **more}


def demo(tmp_path: Path, key: str = "demo", facts: list[dict] | None = None) -> Path:
    data = base_ruleset(key)
    data["facts"] = facts if facts is not None else [PATENTS, REMOTE, SHARE]
    data["region_sets"] = [{**PRD, "article": "第七条（一）", "quote": "资产总额不低于20万元"}]
    data["basic"][0]["variants"] = [{"when": {"region": "珠三角"}, "value": 50, "article": "第七条（一）",
                                     "quote": "资产总额不低于20万元"}]
    data["basic"] += [rule("TS-B02", "patents", 3, "项"), rule("TS-B03", "remote_area", None, None),
                      rule("TS-B04", "service_revenue_share", 60, "%")]
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    return write(rules, data)


def form_rows(folder: Path) -> dict[str, int]:
    ws = openpyxl.load_workbook(folder / "申请表.xlsx")["基本信息"]
    return {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def fill(folder: Path, values: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(folder / "申请表.xlsx")
    ws = wb["基本信息"]
    rows = form_rows(folder)
    for label, value in values.items():
        ws.cell(rows[label], 2).value = value
    wb.save(folder / "申请表.xlsx")


def conditions(folder: Path, key: str, rules: Path) -> dict[str, dict]:
    res = invoke("check", str(folder), "-j", key, "--rulesets-dir", str(rules), "-f", "json")
    data = json.loads(res.output)
    return {c["id"]: c for c in data["conditions"]}, data


def test_init_asks_a_declared_fact_by_its_label_and_derived_ones_not_at_all(tmp_path: Path):
    rules = demo(tmp_path).parent
    ok("init", str(tmp_path / "d"), "-j", "demo", "--rulesets-dir", str(rules))
    rows = form_rows(tmp_path / "d")
    assert "有效发明专利数" in rows and "是否属于粤东西北地区" in rows
    for key in ("patents", "remote_area", "service_revenue_share", "region:珠三角", "服务收入占营业收入比例"):
        assert key not in rows  # no key as a label; a ratio of yearly columns and a region are not typed in
    ws = openpyxl.load_workbook(tmp_path / "d" / "申请表.xlsx")["基本信息"]
    assert ws.cell(rows["有效发明专利数"], 4).value == "项"
    credit_hint = str(ws.cell(rows["统一社会信用代码"], 3).value)
    assert "珠三角" in credit_hint  # the region set is decided by the credit code


def test_a_declared_fact_filled_in_the_init_form_is_read_and_tested(tmp_path: Path):
    rules = demo(tmp_path).parent
    ok("init", str(tmp_path / "d"), "-j", "demo", "--rulesets-dir", str(rules))
    fill(tmp_path / "d", {"有效发明专利数": "2项", "是否属于粤东西北地区": "是", "资产总额": "30万元"})
    got, data = conditions(tmp_path / "d", "demo", rules)
    assert got["TS-B02"]["status"] == "fail" and got["TS-B03"]["status"] == "pass"
    fill(tmp_path / "d", {"有效发明专利数": "5"})
    got, _ = conditions(tmp_path / "d", "demo", rules)
    assert got["TS-B02"]["status"] == "pass"


def test_an_applicants_own_workbook_row_with_the_declared_label_is_read(tmp_path: Path):
    rules = demo(tmp_path).parent
    folder = tmp_path / "own"
    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "申请表"
    for row in (["单位名称", "某某服务中心"], ["资产总额（万元）", 30], ["有效发明专利数（项）", "4"],
                ["是否属于粤东西北地区：", "否"]):
        ws.append(row)
    wb.save(folder / "申请表.xlsx")
    got, _ = conditions(folder, "demo", rules)
    assert got["TS-B02"]["status"] == "pass" and got["TS-B03"]["status"] == "fail"


def test_a_declared_value_that_cannot_be_read_is_an_error_naming_the_cell(tmp_path: Path):
    rules = demo(tmp_path).parent
    ok("init", str(tmp_path / "d"), "-j", "demo", "--rulesets-dir", str(rules))
    fill(tmp_path / "d", {"有效发明专利数": "若干"})
    got, data = conditions(tmp_path / "d", "demo", rules)
    assert got["TS-B02"]["status"] == "missing"
    bad = [f for f in data["findings"] if f.get("key") == "patents" or "有效发明专利数" in f["message"]]
    assert bad and bad[0]["severity"] == "error" and "基本信息!B" in bad[0]["message"]


def test_the_cached_reading_serves_a_second_ruleset_declaring_another_label(tmp_path: Path):
    rules = demo(tmp_path).parent
    ok("init", str(tmp_path / "d"), "-j", "demo", "--rulesets-dir", str(rules))
    fill(tmp_path / "d", {"有效发明专利数": "5"})
    conditions(tmp_path / "d", "demo", rules)  # fills the workbook cache
    (tmp_path / "x").mkdir()
    other = demo(tmp_path / "x", "demo2",
                 facts=[{"key": "inventions", "label": "有效发明专利数", "unit": "项"}, REMOTE, SHARE])
    text = other.read_text(encoding="utf-8").replace("field: patents", "field: inventions")
    other.write_text(text, encoding="utf-8")
    got, _ = conditions(tmp_path / "d", "demo2", other.parent)
    assert got["TS-B02"]["status"] == "pass"


def test_init_for_a_user_ruleset_tells_the_self_check_command_that_finds_it(tmp_path: Path):
    rules = demo(tmp_path).parent
    out = ok("init", str(tmp_path / "d"), "-j", "demo", "--rulesets-dir", str(rules))
    line = next(x for x in out.splitlines() if "自查" in x)
    assert f"--rulesets-dir {rules}" in line  # without it, the printed command says 未知的地区
    assert "--rulesets-dir" in (tmp_path / "d" / "README.txt").read_text(encoding="utf-8-sig")
    shipped = ok("init", str(tmp_path / "s"), "-j", "shaoguan")
    assert "--rulesets-dir" not in shipped
