"""`rules validate` checks meaning, not only form (issue 15): each defect measured on the old code.

A bureau engineer's ruleset that is valid YAML but wrong — a misspelt fact key, a material
no file can be, a function count no dossier can meet, another jurisdiction's code prefix,
no materials and no note, quotes that are not in the text — must not pass as 有效.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from cli_helpers import invoke, ok
from jurisdictions import keys, ruleset_file

REPO = Path(__file__).resolve().parent.parent
LOCATED = re.compile(r"^\S+\.yaml:(\d+): \S+: .+$")

TEXT = """测试市中小企业公共服务示范平台认定管理办法

第七条 申请认定的平台应具备以下条件：
（一）在本市注册登记，资产总额不低于20万元（含20万元），年服务中小企业（以上）50家以上。
第八条 平台应满足以下至少一项功能要求：
（一）信息服务。年组织开展服务活动5次以上。
第十二条 申报单位需提交下列材料：
（一）法人证书或营业执照副本；
"""


def ruleset(key: str = "demo", **changes) -> dict:
    """A small ruleset that is right in every respect; tests break one thing at a time."""
    data = {
        "key": key,
        "name": "测试市",
        "document": {
            "title": "测试市中小企业公共服务示范平台认定管理办法",
            "issuer": "测试市工业和信息化局",
            "level": "city",
            "issued": "2021-01-01",
            "in_force_from": "2021-01-01",
            "source_file": "demo.txt",
            "recognition_title": "测试市中小企业公共服务示范平台",
        },
        "basic": [
            {"code": "TS-B01", "name": "basic.total_assets", "title": "资产总额不低于20万元",
             "article": "第七条（一）", "quote": "资产总额不低于20万元（含20万元）", "check": "threshold",
             "field": "total_assets", "value": 20, "unit": "万元"},
        ],
        "functions": {
            "count": {"article": "第八条", "quote": "平台应满足以下至少一项功能要求", "min": 1},
            "items": [{"function": "information", "name": "信息服务", "article": "第八条（一）",
                       "quote": "年组织开展服务活动5次以上", "rules": [
                           {"code": "TS-F01", "name": "function.information.activities", "title": "年活动5次以上",
                            "article": "第八条（一）", "quote": "年组织开展服务活动5次以上", "check": "threshold",
                            "field": "info_activities", "value": 5, "unit": "次"}]}],
        },
        "materials": [{"code": "TS-M01", "key": "business_license", "name": "法人证书或营业执照副本",
                       "article": "第十二条（一）", "quote": "法人证书或营业执照副本"}],
    }
    data.update(changes)
    return data


def write(folder: Path, data: dict, name: str | None = None, text: str = TEXT) -> Path:
    (folder / "demo.txt").write_text(text, encoding="utf-8")
    path = folder / (name or f"{data['key']}.yaml")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems(path: Path, *extra: str) -> list[str]:
    result = invoke("rules", "validate", str(path), *extra)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln.strip() and not ln.startswith("提示")]
    assert lines and all(LOCATED.match(ln) for ln in lines), lines
    return lines


def line_of(path: Path, problem: str) -> str:
    return path.read_text(encoding="utf-8").splitlines()[int(problem.split(":")[1]) - 1]


def test_the_well_formed_ruleset_of_these_tests_is_valid(tmp_path: Path):
    out = ok("rules", "validate", str(write(tmp_path, ruleset())))
    assert "有效" in out and "提示" not in out


def test_a_misspelt_fact_key_is_a_problem_that_suggests_the_key_meant(tmp_path: Path):
    data = ruleset()
    data["basic"][0]["field"] = "smes_servd"
    path = write(tmp_path, data)
    [p] = problems(path)
    assert "未知的事实字段 'smes_servd'" in p and "smes_served" in p and "TS-B01" in line_of(path, p)


def test_a_fact_key_the_contract_lacks_is_a_problem_unless_the_ruleset_declares_it(tmp_path: Path):
    data = ruleset()
    data["basic"][0]["field"] = "revenue_growth"
    [p] = problems(write(tmp_path, data))
    assert "revenue_growth" in p and "facts:" in p
    data["facts"] = [{"key": "revenue_growth", "label": "营业收入增长率", "unit": "%"}]
    assert "有效" in ok("rules", "validate", str(write(tmp_path, data)))


def test_a_material_key_not_in_the_catalogue_is_a_problem_with_the_nearest_key(tmp_path: Path):
    data = ruleset()
    data["materials"][0]["key"] = "busines_license"
    [p] = problems(write(tmp_path, data))
    assert "未知的材料键 'busines_license'" in p and "business_license" in p


def test_a_function_count_with_no_items_is_a_problem(tmp_path: Path):
    data = ruleset()
    data["functions"]["items"] = []
    [p] = problems(write(tmp_path, data))
    assert "functions.items" in p and "无法满足" in p


def test_a_count_above_the_number_of_functions_and_a_function_without_rules_are_problems(tmp_path: Path):
    data = ruleset()
    data["functions"]["count"]["min"] = 2
    data["functions"]["items"][0]["rules"] = []
    found = problems(write(tmp_path, data))
    assert any("只列出 1 项" in p for p in found) and any("没有规则" in p for p in found)


def test_a_code_with_another_jurisdictions_prefix_is_a_problem(tmp_path: Path):
    data = ruleset()
    data["basic"].append({**data["basic"][0], "code": "LN-B02"})
    path = write(tmp_path, data)
    [p] = problems(path)
    assert "LN-B02" in p and "TS-" in p and "LN-B02" in line_of(path, p)


def test_an_empty_materials_list_without_a_note_is_a_problem(tmp_path: Path):
    [p] = problems(write(tmp_path, ruleset(materials=[])))
    assert "materials_note" in p


def test_without_a_source_file_the_quotes_are_unchecked_and_validate_says_so(tmp_path: Path):
    data = ruleset()
    data["document"]["source_file"] = None
    out = ok("rules", "validate", str(write(tmp_path, data)))
    assert "提示" in out and "引文未核对" in out


def test_full_and_half_width_punctuation_are_folded_when_quotes_are_looked_up(tmp_path: Path):
    data = ruleset()
    data["basic"][0]["quote"] = "资产总额不低于20万元(含20万元)"
    assert "有效" in ok("rules", "validate", str(write(tmp_path, data)))


def test_a_failed_quote_shows_the_nearest_passage_and_the_first_character_that_differs(tmp_path: Path):
    data = ruleset()
    data["basic"][0]["quote"] = "资产总额不低于30万元（含20万元）"
    path = write(tmp_path, data)
    [p] = problems(path)
    assert "最接近的原文：“资产总额不低于20万元" in p and "第 8 个字起不同" in p and "引文为“3”" in p
    assert "原文此处为“2”" in p and "TS-B01" in line_of(path, p)


def test_inherited_quotes_are_checked_against_the_parents_text_found_in_the_same_folder(tmp_path: Path):
    write(tmp_path, ruleset("city"))
    county_text = "某县办法\n第三条 资产总额不低于10万元。\n"
    (tmp_path / "county.txt").write_text(county_text, encoding="utf-8")
    child = {"key": "county", "name": "某县", "extends": "city",
             "document": {"title": "某县办法", "level": "county", "source_file": "county.txt"},
             "basic": [{"code": "TS-B01", "value": 10, "article": "第三条", "quote": "资产总额不低于10万元"}]}
    path = tmp_path / "county.yaml"
    path.write_text(yaml.safe_dump(child, allow_unicode=True), encoding="utf-8")
    out = ok("rules", "validate", str(path))  # no --rulesets-dir: the parent is beside it
    assert "有效" in out and "继承 city" in out and "提示" not in out
    child["basic"][0]["quote"] = "资产总额不低于15万元"
    path.write_text(yaml.safe_dump(child, allow_unicode=True), encoding="utf-8")
    [p] = problems(path)
    assert "county.txt" in p and "TS-B01" in p


def test_an_invalid_date_is_a_problem_with_file_and_line_not_a_crash(tmp_path: Path):
    data = ruleset()
    path = write(tmp_path, data)
    path.write_text(path.read_text(encoding="utf-8").replace("issued: '2021-01-01'", "issued: 2020-13-01"),
                    encoding="utf-8")
    assert "2020-13-01" in path.read_text(encoding="utf-8")
    [p] = problems(path)
    assert "日期无效" in p and "issued" in line_of(path, p)
    assert "内部错误" not in invoke("rules", "list", "--rulesets-dir", str(tmp_path)).output


def test_an_unknown_issued_date_may_be_stated_as_unknown(tmp_path: Path):
    data = ruleset()
    data["document"]["issued"] = "unknown"
    path = write(tmp_path, data)
    assert "有效" in ok("rules", "validate", str(path))
    assert "未知" in ok("rules", "show", "demo", "--rulesets-dir", str(tmp_path))


def test_rules_explain_of_a_flag_rule_without_cases_does_not_crash(tmp_path: Path):
    data = ruleset()
    data["basic"].append({"code": "TS-B02", "name": "basic.legal_person", "title": "独立法人",
                          "article": "第七条（一）", "quote": "在本市注册登记", "check": "flag",
                          "field": "is_legal_person"})
    write(tmp_path, data)
    out = ok("rules", "explain", "TS-B02", "--rulesets-dir", str(tmp_path))
    assert "合格示例" in out and "内部错误" not in out


def test_every_shipped_ruleset_and_example_is_still_valid():
    files = [str(ruleset_file(k)) for k in keys()]
    files += sorted(str(p) for p in (REPO / "examples" / "rulesets").glob("*.yaml"))
    out = ok("rules", "validate", *files)
    assert out.count("有效") == len(files)


def test_a_failed_quote_of_an_entry_without_a_code_has_its_line_too(tmp_path: Path):
    data = ruleset()
    data["functions"]["count"]["quote"] = "平台应满足以下至少两项功能要求"
    path = write(tmp_path, data)
    [p] = problems(path)
    assert "至少两项" in line_of(path, p)


def test_a_failed_quotes_nearest_passage_is_shown_in_the_texts_own_characters(tmp_path: Path):
    # the engineer copies the passage back into the quote: folded `,(`, it would carry half-width forms
    data = ruleset()
    data["basic"][0]["quote"] = "资产总额不低于20万元，含20万元"
    [p] = problems(write(tmp_path, data))
    assert "最接近的原文：“资产总额不低于20万元（含20万元），年服务" in p
    assert "引文为“，”" in p and "原文此处为“（”" in p


def test_an_invalid_dates_reason_is_told_in_chinese(tmp_path: Path):
    path = write(tmp_path, ruleset())
    path.write_text(path.read_text(encoding="utf-8").replace("issued: '2021-01-01'", "issued: 2021-02-30"),
                    encoding="utf-8")
    [p] = problems(path)
    assert "该月没有这一天" in p and "out of range" not in p


def test_explain_gives_a_variants_threshold_with_its_unit():
    from cli_helpers import ok as run

    out = run("rules", "explain", "SG-B03")
    assert "当仅申报综合服务功能时，门槛为50万元（" in out and "门槛为50（" not in out
