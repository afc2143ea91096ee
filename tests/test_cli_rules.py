"""`pingtai rules list | show | explain | validate`, driven through the Typer app."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli_helpers import invoke, ok
from jurisdictions import keys, ruleset_file
from pingtai_cli.core.errors import UnknownJurisdiction, UnknownRule
from pingtai_cli.outputs.explain import _entries
from pingtai_cli.rules.schema import load_all

KEYS = keys()  # discovered (tests/jurisdictions.py)


run = invoke


def small_ruleset(key: str, **changes) -> dict:
    """A valid little ruleset for tests that need a user jurisdiction."""
    data = {
        "key": key,
        "name": "测试市",
        "document": {
            "title": "测试市中小企业公共服务示范平台认定管理办法",
            "issuer": "测试市工业和信息化局",
            "level": "city",
            "issued": "2021-01-01",
            "in_force_from": "2021-01-01",
            "recognition_title": "测试市中小企业公共服务示范平台",
        },
        "basic": [
            {"code": "TS-B01", "name": "basic.total_assets", "title": "资产总额不低于20万元",
             "article": "第七条（一）", "quote": "资产总额不低于20万元", "check": "threshold",
             "field": "total_assets", "value": 20, "unit": "万元"},
        ],
        "functions": {"count": {"article": "第八条", "quote": "至少满足一项", "min": 1}, "items": [
            {"function": "information", "name": "信息服务", "article": "第八条（一）", "quote": "年活动5次以上",
             "rules": [{"code": "TS-F01", "name": "function.information.activities", "title": "年活动5次以上",
                        "article": "第八条（一）", "quote": "年活动5次以上", "check": "threshold",
                        "field": "info_activities", "value": 5, "unit": "次"}]},
        ]},
        "materials": [{"code": "TS-M01", "key": "business_license", "name": "营业执照副本",
                       "article": "第十二条（一）", "quote": "营业执照副本"}],
    }
    data.update(changes)
    return data


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- list


def test_rules_list_shows_all_five_jurisdictions_with_document_and_force():
    out = ok("rules", "list", "--as-of", "2026-03-15")
    for word in ("national", "shaoguan", "许昌市", "韶工信函〔2022〕188号", "省级", "现行", "2027-10-20"):
        assert word in out


def test_rules_list_json_counts_rules_and_says_shaoguan_lapses_after_five_years():
    rows = {r["key"]: r for r in json.loads(ok("rules", "list", "-f", "json", "--as-of", "2026-03-15"))}
    assert list(rows) == KEYS
    assert rows["shaoguan"]["in_force"] is True and rows["shaoguan"]["in_force_until"] == "2027-10-20"
    assert rows["shaoguan"]["materials"] == 0 and rows["xuchang"]["materials"] == 15
    assert rows["national"]["rules"] == len(next(r for r in load_all() if r.key == "national").all_rules())
    later = {r["key"]: r for r in json.loads(ok("rules", "list", "-f", "json", "--as-of", "2028-01-01"))}
    assert later["shaoguan"]["in_force"] is False and "已失效" in later["shaoguan"]["in_force_words"]
    assert later["national"]["in_force"] is True


def test_rules_list_includes_a_user_ruleset_and_one_that_extends_a_shipped_one(tmp_path: Path):
    write_yaml(tmp_path / "testcity.yaml", small_ruleset("testcity"))
    write_yaml(tmp_path / "county.yaml", {"key": "county", "name": "某县", "extends": "xuchang",
                                          "basic": [{"code": "XC-B05", "value": 30}]})
    rows = {r["key"]: r for r in json.loads(ok("rules", "list", "-f", "json", "--rulesets-dir", str(tmp_path)))}
    assert rows["testcity"]["shipped"] is False and rows["testcity"]["rules"] == 2
    assert rows["county"]["extends"] == "xuchang" and rows["county"]["title"].startswith("许昌市")


def test_rules_list_marks_a_broken_user_ruleset_instead_of_failing(tmp_path: Path):
    write_yaml(tmp_path / "broken.yaml", {"key": "broken", "extends": "nowhere"})
    rows = {r["key"]: r for r in json.loads(ok("rules", "list", "-f", "json", "--rulesets-dir", str(tmp_path)))}
    assert "nowhere" in rows["broken"]["error"]
    assert "national" in rows


@pytest.mark.parametrize(
    "text",
    [
        "key: bad\n  - [\n",  # a plain scalar, read as `key: "bad - ["` and nothing else
        "key: bad\ndocument: abc\n",  # a section of the wrong type
        "key: bad\nname: 某市\ndocument: {title: 某办法}\nfunctions: [1, 2]\nbasic: 3\n",
    ],
)
def test_rules_list_marks_a_user_file_that_is_not_a_ruleset_as_invalid(tmp_path: Path, text: str):
    """The quick read of `rules list` (no validation) must not print a row of blanks or crash on a
    user's file shaped unlike a ruleset: the row says it is invalid, as `rules validate` would."""
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    rows = {r["key"]: r for r in json.loads(ok("rules", "list", "-f", "json", "--rulesets-dir", str(tmp_path)))}
    assert rows["bad"]["error"]
    assert "national" in rows
    table = ok("rules", "list", "--rulesets-dir", str(tmp_path))
    assert "无效" in table and "None" not in table


# ---------------------------------------------------------------- show


def test_rules_show_lists_every_group_with_codes_thresholds_articles_and_relaxations():
    out = ok("rules", "show", "national")
    for group in ("基本条件", "服务功能", "排除情形", "申报材料", "表格", "程序与期限", "放宽条款", "解读说明"):
        assert group in out
    for word in ("NA-B03", "≥300万元", "第十二条（一）", "可放宽（NA-R01）", "NA-M08", "NA-P01", "至少1项"):
        assert word in out


def test_rules_show_json_carries_variants_readings_and_shaoguans_missing_material_list():
    sg = json.loads(ok("rules", "show", "shaoguan", "-f", "json"))
    assets = next(r for r in sg["basic"] if r["field"] == "total_assets")
    assert assets["value"] == 100 and [v["value"] for v in assets["variants"]] == [50]
    assert sg["materials"] == [] and sg["materials_note"]["article"]
    xc = json.loads(ok("rules", "show", "xuchang", "-f", "json"))
    staff = next(r for r in xc["basic"] if r["field"] == "staff_total")
    assert staff["value"] == 8 and [r["value"] for r in staff["readings"]] == [10]
    assert [r["code"] for r in xc["exclusions"]] == ["XC-X01"]
    assert xc["functions"]["count"]["by_platform_type"] == {"综合性": 2, "专业性": 1}


def test_rules_show_markdown_has_a_table_per_group_and_the_second_reading():
    out = ok("rules", "show", "xuchang", "-f", "markdown")
    assert out.startswith("# 许昌市（xuchang）")
    assert "## 排除情形" in out and "| XC-X01 |" in out
    assert "另一读法" in out and "≥8人（另一读法：≥10人）" in out


def test_rules_show_of_an_unknown_jurisdiction_names_the_known_ones():
    result = run("rules", "show", "atlantis")
    assert isinstance(result.exception, UnknownJurisdiction)
    assert "national" in str(result.exception)


def test_cli_main_turns_an_unknown_jurisdiction_into_exit_2_and_a_chinese_message():
    proc = subprocess.run([sys.executable, "-m", "pingtai_cli", "rules", "show", "atlantis"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "未知的地区" in proc.stderr and "Traceback" not in proc.stderr


def test_a_user_ruleset_dir_shadows_the_shipped_jurisdiction_of_the_same_key(tmp_path: Path, monkeypatch):
    data = yaml.safe_load(ruleset_file("national").read_text(encoding="utf-8"))
    next(r for r in data["basic"] if r["code"] == "NA-B03")["value"] = 999
    write_yaml(tmp_path / "national.yaml", data)
    assert "≥999万元" in ok("rules", "show", "national", "--rulesets-dir", str(tmp_path))
    monkeypatch.setenv("PINGTAI_RULESETS_DIR", str(tmp_path))
    assert "≥999万元" in ok("rules", "show", "national")
    monkeypatch.delenv("PINGTAI_RULESETS_DIR")
    assert "≥999万元" not in ok("rules", "show", "national")


# ---------------------------------------------------------------- explain


def test_rules_explain_prints_ruff_style_headings_in_order():
    out = ok("rules", "explain", "NA-B03")
    heads = ["检查内容", "依据", "合格示例", "不合格示例", "如何整改", "解读"]
    positions = [out.index(h) for h in heads]
    assert positions == sorted(positions)


def test_rules_explain_quotes_the_whole_article_from_the_policy_text_and_marks_the_item():
    out = ok("rules", "explain", "NA-B03")
    assert "第十二条 示范平台应同时具备以下基本条件：" in out
    assert "▶ （一）具有独立法人资格，运营两年以上，资产总额不低于300万元" in out
    assert "（六）有健全的管理团队和人才队伍" in out  # the full article, not only the quote
    assert "第十三条" not in out.split("依据")[1].split("合格示例")[0]  # stops at the next article


def test_rules_explain_json_has_examples_that_pass_and_fail_through_the_engine():
    e = json.loads(ok("rules", "explain", "na-b03", "-f", "json"))
    assert e["code"] == "NA-B03" and e["kind"] == "rule" and e["jurisdiction"] == "national"
    assert e["basis"]["cited_paragraph"] == 1 and e["basis"]["article_text"].startswith("第十二条")
    assert e["examples"]["pass"]["status"] == "pass" and e["examples"]["fail"]["status"] == "fail"
    assert e["examples"]["pass"]["source"] == "cases"
    assert "以上一年度审计报告" in e["fix"]
    assert [x["code"] for x in e["interpretation"]["relaxable_by"]] == ["NA-R01"]


def test_rules_explain_synthesises_examples_from_the_threshold_when_a_ruleset_has_no_cases(tmp_path: Path):
    write_yaml(tmp_path / "testcity.yaml", small_ruleset("testcity"))
    e = json.loads(ok("rules", "explain", "TS-B01", "-f", "json", "--rulesets-dir", str(tmp_path)))
    assert e["examples"]["pass"]["source"] == "synthesised"
    assert e["examples"]["pass"]["facts"] == {"total_assets": 20} and e["examples"]["pass"]["status"] == "pass"
    assert e["examples"]["fail"]["facts"] == {"total_assets": 19} and e["examples"]["fail"]["status"] == "fail"
    assert e["basis"]["article_text"] is None  # no source_file: the quote still stands


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        ("NA-M03", "material", ["上一年度", "第十七条（三）"]),
        ("XC-T03", "form", ["附件3"]),
        ("SG-P01", "procedure", ["第"]),
        ("NA-R01", "relaxation", ["西部大开发", "NA-B03"]),
        ("XC-X01", "exclusion", ["第十九条", "河南省"]),
        ("SG-F10", "rule", ["金融牌照"]),
    ],
)
def test_rules_explain_works_for_materials_forms_procedure_relaxations_and_exclusions(code, kind, words):
    e = json.loads(ok("rules", "explain", code, "-f", "json"))
    assert e["kind"] == kind and e["basis"]["article_text"]
    text = ok("rules", "explain", code)
    for w in words:
        assert w in text


def test_the_relaxation_example_shows_a_failing_condition_becoming_relaxable():
    e = json.loads(ok("rules", "explain", "NA-R01", "-f", "json"))
    assert e["examples"]["pass"]["status"] == "relaxable"
    assert e["examples"]["fail"]["status"] == "fail"


def test_every_code_of_every_ruleset_can_be_explained_with_its_article_text(monkeypatch):
    from datetime import date
    from functools import cache

    from pingtai_cli.outputs.explain import explanation
    from pingtai_cli.rules import cases

    # Each explanation loads its ruleset's cases.yaml for its examples (once a process in `rules
    # explain`); here 250 explanations parsed 5 files 170 times, 4 of this test's 5 s. Each file
    # is still parsed and validated, once (a file that raises is not kept and raises again).
    monkeypatch.setattr(cases, "load_cases", cache(cases.load_cases))
    missing = []
    for rs in load_all():
        for _, entry in _entries(rs):
            e = explanation(entry.code, date(2026, 3, 15))
            if not e["basis"]["article_text"]:
                missing.append(entry.code)
    assert missing == []


def test_rules_explain_markdown_has_the_same_headings():
    out = ok("rules", "explain", "XC-B08", "-f", "markdown")
    assert out.startswith("# XC-B08")
    assert "## 依据" in out and "## 解读" in out and "10人" in out


def test_rules_explain_of_an_unknown_code_suggests_close_ones():
    result = run("rules", "explain", "NA-B3")
    assert isinstance(result.exception, UnknownRule)
    assert "NA-B03" in str(result.exception)


# ---------------------------------------------------------------- validate


def test_rules_validate_accepts_every_shipped_ruleset_with_a_one_line_summary():
    files = [str(ruleset_file(k)) for k in KEYS]
    out = ok("rules", "validate", *files)
    assert out.count("有效") == len(KEYS) and len(out.strip().splitlines()) == len(KEYS)


LINE = re.compile(r"^\S+\.yaml:(\d+|\?): \S+: .+$")


def test_rules_validate_lists_one_problem_per_line_with_file_line_and_field(tmp_path: Path):
    data = small_ruleset("bad")
    data["document"]["colour"] = "red"
    del data["basic"][0]["value"]
    bad = write_yaml(tmp_path / "bad.yaml", data)
    result = run("rules", "validate", str(bad))
    assert result.exit_code == 2
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    assert len(lines) == 2 and all(LINE.match(ln) for ln in lines)
    assert any(":10: document.colour: 未知字段" in ln for ln in lines)
    assert any("basic.0" in ln and "value" in ln for ln in lines)


def test_rules_validate_gives_the_line_of_a_duplicated_code(tmp_path: Path):
    data = small_ruleset("dup")
    data["basic"].append(dict(data["basic"][0]))
    path = write_yaml(tmp_path / "dup.yaml", data)
    result = run("rules", "validate", str(path))
    assert result.exit_code == 2
    line = result.stdout.strip()
    number = int(line.split(":")[1])
    assert "TS-B01" in line and "重复" in line
    assert "TS-B01" in path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_rules_validate_reports_broken_yaml_with_its_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("key: x\nname: y\n  bad: [\n", encoding="utf-8")
    result = run("rules", "validate", str(path))
    assert result.exit_code == 2 and re.match(r"^\S+broken\.yaml:3: \(YAML\): ", result.stdout)


def test_rules_validate_resolves_extends_against_the_rulesets_dir(tmp_path: Path):
    parents, children = tmp_path / "parents", tmp_path / "children"
    parents.mkdir()
    children.mkdir()
    write_yaml(parents / "city.yaml", small_ruleset("city"))
    child = write_yaml(children / "town.yaml", {"key": "town", "name": "某镇", "extends": "city",
                                                "basic": [{"code": "TS-B01", "value": 10}]})
    assert run("rules", "validate", str(child)).exit_code == 2  # the parent is unknown without the dir
    out = ok("rules", "validate", str(child), "--rulesets-dir", str(parents))
    assert "有效" in out and "继承 city" in out


def test_rules_validate_checks_every_quote_against_the_policy_text(tmp_path: Path):
    text = ruleset_file("heilongjiang").read_text(encoding="utf-8")
    changed = text.replace("quote: 具有独立法人资格，运营一年以上\n", "quote: 运营十年以上\n", 1)
    assert changed != text
    bad = tmp_path / "heilongjiang.yaml"
    bad.write_text(changed, encoding="utf-8")
    result = run("rules", "validate", str(bad))
    assert result.exit_code == 2
    assert re.search(r"heilongjiang\.yaml:\d+: HL-B\d\d: .*引文在政策原文 004_f62ac9cdaa6411ec\.txt 中找不到：“运营十年以上”", result.stdout)
    nowhere = tmp_path / "other.yaml"
    nowhere.write_text(text.replace("004_f62ac9cdaa6411ec.txt", "999_nothere.txt"), encoding="utf-8")
    assert "找不到 document.source_file 所指的政策原文 999_nothere.txt" in run("rules", "validate", str(nowhere)).stdout


def test_rules_validate_skips_the_index_and_speaks_chinese(tmp_path: Path):
    (tmp_path / "_index.yaml").write_text("order: [national]\n", encoding="utf-8")
    out = run("rules", "validate", str(tmp_path / "_index.yaml"), str(ruleset_file("national")))
    assert out.exit_code == 0 and "_index.yaml：跳过" in out.stdout
    data = small_ruleset("ops")
    data["basic"][0]["op"] = "at least"
    result = run("rules", "validate", str(write_yaml(tmp_path / "ops.yaml", data)))
    assert result.exit_code == 2 and "取值应为" in result.stdout and "Input should" not in result.stdout
