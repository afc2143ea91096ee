"""Renderers: JSON against the shipped schema, escaping in html/markdown, xlsx sheets and formula
neutralising, the terminal report, and atomic, non-clobbering output files."""

from __future__ import annotations

import json
import os
from datetime import date
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from rich.console import Console

from pingtai_cli.core.errors import OutputExists, PingtaiError
from pingtai_cli.core.models import CheckResult, Dossier, Evidence, Fact, Finding, MaterialFile
from pingtai_cli.engine import materials_check
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.outputs.report import FORMATS, render
from pingtai_cli.outputs.report.json import load_schema, render_json, render_jsonl
from pingtai_cli.outputs.report.terminal import (
    print_results,
    print_summary,
    render_summary,
    render_terminal,
)
from pingtai_cli.outputs.report.view import clean
from pingtai_cli.outputs.report.xlsx import safe_cell
from pingtai_cli.outputs.writer import write_output
from pingtai_cli.rules.schema import load_ruleset

AS_OF = date(2026, 3, 15)
HOSTILE = "<script>alert(1)</script>"
FORM = "申请表.xlsx"

ALL_MATERIALS = [
    ("01申请报告.docx", "docx", "application_report"),
    ("02营业执照副本.pdf", "pdf", "business_license"),
    ("审计报告2025.pdf", "pdf", "audit_report"),
    ("附件4-租赁合同.pdf", "pdf", "premises_proof"),
    ("服务证明.pdf", "pdf", "service_evidence"),
    ("省级示范平台认定文件.pdf", "pdf", "recognition_docs"),
    ("资质证书.pdf", "pdf", "qualification_certs"),
    ("真实性声明.pdf", "pdf", "authenticity_declaration"),
]

GOOD_FACTS = {
    "org_name": "许昌市中小企业服务中心有限公司",
    "org_type": "企业法人",
    "registration_date": date(2018, 5, 1),
    "total_assets": 420.0,
    "smes_served": 210.0,
    "satisfaction_rate": 92.0,
    "agencies_aggregated": 8.0,
    "prior_recognitions": ["2023年 河南省中小企业公共服务示范平台"],
    "free_service_share": 30.0,
    "staff_total": 30.0,
    "staff_qualified": 27.0,
    "functions_declared": ["信息服务"],
    "info_offline_smes": 180.0,
    "info_activities": 12.0,
}
UNITS = {"total_assets": "万元", "smes_served": "家", "satisfaction_rate": "%", "staff_total": "人"}


@pytest.fixture(autouse=True)
def no_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """The material catalogue belongs to another module; these tests only need its absence handled."""
    monkeypatch.setattr(materials_check, "_catalog_entry", lambda key: None)


def make_dossier(
    path: str = "dossiers/甲",
    *,
    files: list[tuple[str, str, str]] | None = None,
    **overrides: object,
) -> Dossier:
    values = {**GOOD_FACTS, **overrides}
    facts = {}
    for row, (key, value) in enumerate(values.items(), start=3):
        if value is None:
            continue
        facts[key] = Fact(key, value, UNITS.get(key), Evidence(FORM, "基本信息", f"C{row}"))
    served = values.get("smes_served")  # the yearly table agrees with the form's 2025 figure
    last = served if isinstance(served, float) else 210
    yearly = [
        {"year": 2023, "smes_served": last - 50},
        {"year": 2024, "smes_served": last - 25},
        {"year": 2025, "smes_served": last},
    ]
    mfiles = [
        MaterialFile(name, kind, [key])
        for name, kind, key in (ALL_MATERIALS if files is None else files)
    ]
    for f in mfiles:  # what a genuine one shows: its validity is then decided, not left to a person
        if f.material_keys == ["authenticity_declaration"]:
            f.facts["has_seal"] = Fact("has_seal", True, evidence=Evidence(f.path, page=1))
        if f.material_keys == ["audit_report"]:
            f.facts["audit_year"] = Fact("audit_year", AS_OF.year - 1, evidence=Evidence(f.path, page=1))
    return Dossier(path, facts=facts, yearly=yearly, files=mfiles, workbook=FORM)


def check(dossier: Dossier, as_of: date = AS_OF) -> CheckResult:
    return evaluate(dossier, load_ruleset("national"), as_of)


def eligible() -> CheckResult:
    return check(make_dossier())


def ineligible() -> CheckResult:
    return check(make_dossier("dossiers/乙", total_assets=95.0, smes_served=145.0))


def incomplete() -> CheckResult:
    return check(make_dossier("dossiers/丙", agencies_aggregated=None, files=ALL_MATERIALS[1:]))


def review() -> CheckResult:
    return check(make_dossier("dossiers/丁", total_assets=250.0, western_region=True))


def hostile() -> CheckResult:
    files = [
        (f"{HOSTILE}.pdf", "pdf", "business_license"),
        ('=HYPERLINK("http://x","y").pdf', "pdf", "audit_report"),
    ]
    result = check(make_dossier("dossiers/<b>evil</b>", org_name=HOSTILE, files=files))
    bad = f"{HOSTILE}.pdf"
    result.files.append(
        MaterialFile(
            "申请报告.docx",
            "docx",
            ["application_report"],
            ["文件名含“申请报告”"],
            pages=3,
            ocr_pages=1,
            facts={
                "report_date": Fact(
                    "report_date", date(2026, 3, 1), None, Evidence("申请报告.docx", page=1)
                )
            },
            error="第3页无法读取",
            sections=["一、基本情况"],
            notes=["仅读取前 2 页"],
        )
    )
    result.findings.append(
        Finding("file.unreadable", "error", f"{bad} 无法读取", [bad], None, Evidence(bad, page=2))
    )
    return result


def test_synthetic_results_cover_every_verdict() -> None:
    verdicts = [r.verdict for r in (eligible(), ineligible(), incomplete(), review())]
    assert verdicts == ["eligible", "ineligible", "incomplete", "review"]


# --- JSON ----------------------------------------------------------------------------------------


def validator():
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize(
    "make", [eligible, ineligible, incomplete, review, hostile], ids=lambda f: f.__name__
)
def test_json_of_each_verdict_validates_against_the_shipped_schema(make) -> None:
    doc = json.loads(render_json([make()]))
    errors = sorted(validator().iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    assert doc["schema"] == "pingtai.check/1"


def test_json_of_several_results_is_an_array_that_validates() -> None:
    doc = json.loads(render_json([eligible(), ineligible()]))
    assert isinstance(doc, list) and [d["verdict"] for d in doc] == ["eligible", "ineligible"]
    validator().validate(doc)


def test_schema_rejects_an_unknown_verdict_and_a_renamed_key() -> None:
    doc = json.loads(render_json([eligible()]))
    bad = {**doc, "verdict": "maybe"}
    assert not validator().is_valid(bad)
    renamed = {k: v for k, v in doc.items() if k != "conditions"} | {"rules": doc["conditions"]}
    assert not validator().is_valid(renamed)


def test_jsonl_has_one_valid_object_per_line() -> None:
    text = render_jsonl([eligible(), incomplete(), review()])
    lines = text.splitlines()
    assert len(lines) == 3
    for line in lines:
        validator().validate(json.loads(line))


def test_json_turns_nan_into_null_instead_of_invalid_json() -> None:
    result = ineligible()
    result.conditions[0].actual = float("nan")
    doc = json.loads(render_json([result]))
    assert doc["conditions"][0]["actual"] is None


def test_json_of_a_batch_is_one_array_with_one_result_per_line() -> None:
    results = [eligible(), incomplete(), review()]
    results[1].conditions[0].actual = float("inf")
    text = render_json(results)
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 5
    docs = json.loads(text)
    assert [d["verdict"] for d in docs] == ["eligible", "incomplete", "review"]
    assert docs[1]["conditions"][0]["actual"] is None
    for doc in docs:
        validator().validate(doc)


def no_findings() -> CheckResult:
    result = eligible()
    result.findings.clear()
    return result


def nan_after_findings() -> CheckResult:
    result = hostile()
    result.files[-1].facts["report_date"].value = float("nan")  # in the part after the findings
    return result


@pytest.mark.parametrize(
    "make", [eligible, incomplete, hostile, no_findings, nan_after_findings], ids=lambda f: f.__name__
)
def test_a_batch_workers_json_with_a_finding_spliced_in_is_byte_for_byte_a_fresh_dump(make) -> None:
    """A worker dumps a result in parts so that the batch's duplicate finding goes in without
    dumping the whole again: every join is the one-dump text, before and after the splice."""
    from pingtai_cli.outputs.report.json import add_finding, compact, encode

    result = make()
    encode(result)
    made = result.encoded.text()
    result.encoded, fresh = None, compact(result)
    assert made == fresh
    encode(result)
    add_finding(result, Finding("dossier.duplicate", "warning", "疑似重复申报：与 乙", ["执照.pdf"]))
    assert result.encoded is not None and result.encoded.findings == len(result.findings)
    spliced = compact(result)
    result.encoded = None
    assert spliced == compact(result)
    assert json.loads(spliced)["findings"][-1]["id"] == "dossier.duplicate"


def test_a_result_changed_behind_the_workers_json_is_dumped_afresh() -> None:
    from pingtai_cli.outputs.report.json import add_finding, compact, encode

    result = eligible()
    encode(result)
    result.findings.append(Finding("x.late", "info", "后加的", []))  # not through add_finding
    assert json.loads(compact(result))["findings"][-1]["id"] == "x.late"
    add_finding(result, Finding("dossier.duplicate", "warning", "疑似重复申报", []))
    assert result.encoded is None
    assert [f["id"] for f in json.loads(compact(result))["findings"]][-2:] == ["x.late", "dossier.duplicate"]


def test_failing_condition_in_json_carries_gap_quote_and_evidence() -> None:
    doc = json.loads(render_json([ineligible()]))
    assets = next(c for c in doc["conditions"] if c["fields"] == ["total_assets"])
    assert assets["status"] == "fail" and assets["gap"] == "差 205 万元"
    assert assets["evidence"] == [{"file": FORM, "sheet": "基本信息", "cell": "C6"}]


# --- HTML ----------------------------------------------------------------------------------------


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data):
        self.text.append(data)


def parse(html_text: str) -> Elements:
    p = Elements()
    p.feed(html_text)
    p.close()
    return p


def test_html_with_hostile_org_and_file_names_has_no_script_and_shows_the_text() -> None:
    page = render([hostile()], "html")
    doc = parse(page)
    assert "script" not in doc.tags
    assert not [a for a, _ in doc.attrs if a.startswith("on")]
    text = "".join(doc.text)
    assert HOSTILE in text  # shown as text, entity-decoded by the parser
    assert f"{HOSTILE}.pdf" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_is_standalone_with_no_network_and_no_javascript() -> None:
    page = render([ineligible(), eligible()], "html", today=date(2026, 3, 16))
    doc = parse(page)
    assert "link" not in doc.tags and "img" not in doc.tags and "iframe" not in doc.tags
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page and "@media print" in page
    assert page.count('<section class="dossier" ') == 2
    assert "pingtai 0.1.0 于 2026-03-16 按认定办法逐条检查生成" in page


def test_html_shows_header_groups_findings_and_evidence() -> None:
    page = render([ineligible()], "html")
    text = "".join(parse(page).text)
    for words in (
        "基本条件",
        "服务功能",
        "申报材料",
        "一致性检查",
        "结论：不符合条件",
        "差 205 万元",
        "第十二条（一）",
        "申请表.xlsx 基本信息!C6",
        "2026-03-15",
        "国家中小企业公共服务示范平台认定管理办法",
    ):
        assert words in text, words


def test_html_of_a_ruleset_out_of_force_shows_the_banner() -> None:
    page = render([check(make_dossier(), as_of=date(2016, 1, 1))], "html")
    assert 'class="banner"' in page and "有效期" in page


# --- Markdown ------------------------------------------------------------------------------------


def test_markdown_has_every_group_and_the_problem_details() -> None:
    md = render([incomplete()], "markdown", today=date(2026, 3, 16))
    for heading in ("## 基本条件", "## 服务功能", "## 申报材料", "## 一致性检查", "## 问题详情"):
        assert heading in md
    assert "**结论**：**材料不全**" in md
    assert "集聚服务机构5家以上" in md and "缺件" in md
    assert md.rstrip().endswith(
        "*由 pingtai 0.1.0 于 2026-03-16 按认定办法逐条检查生成，结论以认定机关审核为准。*"
    )


def test_markdown_escapes_html_and_markdown_in_dossier_strings() -> None:
    md = render([hostile()], "markdown")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\=HYPERLINK" not in md  # only markdown punctuation is escaped, = is harmless
    assert "dossiers/&lt;b&gt;evil&lt;/b&gt;" in md


def test_markdown_table_cells_cannot_break_the_table() -> None:
    result = ineligible()
    result.org_name = "甲|乙\n| 伪造 |"
    md = render([result], "markdown")
    assert "甲\\|乙 \\| 伪造 \\|" in md


# --- XLSX ----------------------------------------------------------------------------------------


def open_xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(BytesIO(data))


def test_xlsx_has_a_summary_row_per_dossier_and_a_detail_sheet() -> None:
    results = [eligible(), ineligible(), incomplete(), review()]
    wb = open_xlsx(render(results, "xlsx"))
    assert wb.sheetnames == ["汇总", "明细", "读法", "材料", "结论统计"]
    summary = wb["汇总"]
    rows = list(summary.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "单位名称", "卷宗路径", "地区", "结论")
    assert [r[4] for r in rows[1:]] == ["符合条件", "不符合条件", "材料不全", "待审核"]
    assert rows[2][5] == 2  # two failing conditions
    assert "资产总额" in rows[2][10] and "年服务中小企业" in rows[2][10]
    assert rows[3][7] == 1  # one material missing
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref == "A1:Q5"
    assert summary["A1"].font.bold
    detail = list(wb["明细"].iter_rows(values_only=True))
    assert detail[0] == (
        "卷宗路径",
        "单位名称",
        "类别",
        "编号",
        "名称",
        "状态",
        "实际值",
        "要求",
        "差距",
        "依据条款",
        "证据位置",
        "整改建议",
        "说明",
    )
    assets = next(r for r in detail if r[3] == "NA-B03" and r[0] == "dossiers/乙")
    assert assets[5:9] == ("不满足", "95万元", "≥ 300万元", "差 205 万元")
    assert assets[10] == "申请表.xlsx 基本信息!C6"
    assert not [r for r in detail[1:] if r[0] == "dossiers/甲" and r[5] == "不满足"]
    # every item the summary counts as 待审核 has its own detail row
    for row in rows[1:]:
        to_review = [r for r in detail[1:] if r[0] == row[2] and r[5] in ("待审核", "可放宽")]
        assert len(to_review) == row[9], row[:5]
        # and says what the reviewer must decide (a material's problem stands in its 实际值)
        assert all(r[12] or (r[2] == "申报材料" and r[6]) for r in to_review), to_review
    relaxed = next(r for r in detail if r[0] == "dossiers/丁" and r[5] == "可放宽")
    assert "250万元" in relaxed[12] and "300万元" in relaxed[12], relaxed


def test_xlsx_prints_at_a_readable_scale_with_wrapped_rows_grown() -> None:
    """Printed fit to the page width (LibreOffice, as PNG), the 汇总 sheet came out at ~40 %:
    columns of small counts were as wide as their headers, 主要问题 and 疑似重复申报 60 characters
    each, and long cells overprinted the rows below because no row grew for wrapped text."""
    from openpyxl.utils import get_column_letter

    results = [eligible(), ineligible(), incomplete(), review()]
    ws = open_xlsx(render(results, "xlsx"))["汇总"]
    heads = [c.value for c in ws[1]]
    width = {h: ws.column_dimensions[get_column_letter(i)].width for i, h in enumerate(heads, 1)}
    assert width["主要问题"] <= 30 and width["不满足条件数"] <= 10 and width["待审核数"] <= 10
    assert sum(width.values()) <= 250, width
    problems = heads.index("主要问题") + 1
    for row in range(2, ws.max_row + 1):
        text = str(ws.cell(row, problems).value or "")
        if len(text) > 2 * width["主要问题"]:  # wraps onto three lines or more
            assert (ws.row_dimensions[row].height or 0) >= 3 * 15, (row, text)
    assert ws.cell(2, 1).alignment.vertical == "top"


def test_xlsx_neutralises_formula_strings_from_the_dossier() -> None:
    result = incomplete()
    result.org_name = '=HYPERLINK("x")'
    result.dossier = "+cmd|' /C calc'!A0"
    wb = open_xlsx(render([result, hostile()], "xlsx"))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    values = [c.value for c in cells if isinstance(c.value, str)]
    assert '\'=HYPERLINK("x")' in values
    assert "'+cmd|' /C calc'!A0" in values
    assert not [v for v in values if v[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("正常", "正常"),
        (5, 5),
    ],
)
def test_safe_cell_prefixes_formula_starts_only(raw, cell) -> None:
    assert safe_cell(raw) == cell


def test_xlsx_survives_control_characters_and_huge_strings() -> None:
    result = ineligible()
    result.org_name = "坏\x00\x07字" + "长" * 100_000
    wb = open_xlsx(render([result], "xlsx"))
    name = wb["汇总"]["B2"].value
    assert name.startswith("坏\\x00\\x07字") and len(name) < 40_000


# --- Terminal ------------------------------------------------------------------------------------


def terminal_text(results, **kw) -> str:
    console = Console(record=True, width=100)
    console.print(render_terminal(results, **kw))
    return console.export_text()


def test_terminal_puts_the_verdict_first_and_spells_out_the_gap() -> None:
    text = terminal_text([ineligible()])
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].strip() == "许昌市中小企业服务中心有限公司"
    assert lines[1].startswith("结论： 不符合条件   不满足 2")
    assert "差 205 万元" in text and "差 5 家" in text
    assert "95万元 / 要求 ≥ 300万元" in text
    assert "条文：“资产总额不低于300万元”" in text
    assert "来源：申请表.xlsx 基本信息!C6" in text
    assert "整改：" in text
    for group in ("基本条件", "服务功能", "申报材料", "一致性检查"):
        assert group in text


def test_terminal_keeps_passing_items_to_one_line_and_folds_review_items() -> None:
    text = terminal_text([eligible()])
    assert "结论： 符合条件" in text and "条文：" not in text  # nothing to look at: one line each
    assert "项需评审人员核实（-v 展开）" in text
    dossier = make_dossier()
    declaration = next(f for f in dossier.files if f.material_keys == ["authenticity_declaration"])
    del declaration.facts["has_seal"]  # no page pingtai could look at: a person checks the seal
    unsure = terminal_text([check(dossier)])
    # the clauses quoted are those of the items the header counts as 待审核; spec §3: a required
    # material not yet shown present is no 符合条件
    assert "结论： 待审核" in unsure and "待审核 1" in unsure and unsure.count("条文：") == 1
    assert "无法自动核实有效性（公章），请人工核对" in unsure
    verbose = terminal_text([eligible()], verbose=True)
    assert "-v 展开" not in verbose and "有健全的管理制度" in verbose
    assert len(text.splitlines()) < 50


def test_terminal_prints_hostile_text_literally_without_markup_or_escapes() -> None:
    result = ineligible()
    result.org_name = "[bold red]伪造[/bold red] \x1b[2J"
    console = Console(record=True, width=100, force_terminal=True)
    console.print(render_terminal([result]))
    text = console.export_text()
    assert "[bold red]伪造[/bold red] \\x1b[2J" in text
    assert "\x1b[2J" not in console.export_text(styles=True)


def test_terminal_shows_relaxation_as_review_with_the_clause() -> None:
    text = terminal_text([review()])
    assert "结论： 待审核" in text
    assert "⚠" in text and "西部大开发" in text


def test_terminal_shouts_when_the_ruleset_is_not_in_force() -> None:
    text = terminal_text([check(make_dossier(), as_of=date(2016, 1, 1))])
    assert "不在《国家中小企业公共服务示范平台认定管理办法》的有效期内" in text
    assert "╭" in text  # a panel, not one more line in the list


def test_batch_summary_counts_each_verdict() -> None:
    results = [eligible(), ineligible(), ineligible(), review()]
    console = Console(record=True, width=120)
    console.print(render_summary(results))
    text = console.export_text()
    assert "共 4 个卷宗" in text
    assert (
        "符合条件 1" in text
        and "不符合条件 2" in text
        and "待审核 1" in text
        and "材料不全 0" in text
    )
    assert "共 4 个卷宗" not in terminal_text(results)  # the check command prints it on stderr
    assert "共 4 个卷宗" in render(results, "terminal")  # but a text file gets it


def test_batch_summary_fits_80_columns_with_short_counts_and_the_gaps_in_words() -> None:
    console = Console(record=True, width=80)
    console.print(render_summary([eligible(), ineligible()]))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "✘2" in text and "资产总额差 205" in text  # a gap in words, not the whole message
    assert "✘ 不满足  ？ 缺少数据  缺 缺件  ⚠ 无效材料  ◎ 待审核" in text
    rows = [line for line in text.splitlines() if line.strip().startswith(("1 ", "2 "))]
    assert len(rows) == 2


def test_print_results_and_print_summary_take_the_console_first() -> None:
    out, err = Console(record=True, width=100), Console(record=True, width=100)
    print_results(out, [ineligible(), review()], verbose=True, lang="zh")
    print_summary(err, [ineligible(), review()], lang="zh")
    assert "差 205 万元" in out.export_text() and "共 2 个卷宗" not in out.export_text()
    assert "共 2 个卷宗" in err.export_text()


def test_error_result_is_reported_as_could_not_check() -> None:
    broken = CheckResult(
        "dossiers/坏.zip",
        "national",
        "国家",
        "《…》",
        AS_OF,
        "incomplete",
        True,
        error="压缩包已损坏",
    )
    text = terminal_text([broken])
    assert "无法检查" in text and "压缩包已损坏" in text
    wb = open_xlsx(render([broken, eligible()], "xlsx"))
    assert wb["汇总"]["E2"].value == "材料不全（无法检查）"  # the verdict its JSON carries
    validator().validate(json.loads(render_json([broken])))


def test_english_labels_frame_the_chinese_rule_messages() -> None:
    text = terminal_text([ineligible()], lang="en")
    assert "Verdict:  ineligible" in text
    assert "Basic conditions" in text and "差 205 万元" in text and "Clause: “" in text
    assert "yes（是）" not in text
    with pytest.raises(PingtaiError):
        render([ineligible()], "json", lang="fr")


def test_every_registered_format_renders() -> None:
    results = [eligible(), ineligible()]
    for name, fmt in FORMATS.items():
        out = render(results, name)
        if fmt.binary:
            assert isinstance(out, bytes) and out[:2] == b"PK"
        else:
            assert isinstance(out, str) and "许昌市中小企业服务中心有限公司" in out


def test_clean_makes_controls_and_bidi_visible() -> None:
    assert clean("a\x1bb\u202ec\nd") == "a\\x1bb\\u202ec\nd"
    assert clean("x" * 50, limit=10).startswith("x" * 10 + "…")


# --- write_output --------------------------------------------------------------------------------


def test_write_output_creates_parents_and_writes_bytes_and_text(tmp_path: Path) -> None:
    target = tmp_path / "out" / "sub" / "report.html"
    write_output(target, "<p>报告</p>", force=False)
    assert target.read_text(encoding="utf-8") == "<p>报告</p>"
    write_output(tmp_path / "a.xlsx", b"PK\x03\x04", force=False)
    assert (tmp_path / "a.xlsx").read_bytes() == b"PK\x03\x04"


def test_write_output_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OutputExists, match="已存在.*--force"):
        write_output(target, "new", force=False)
    assert target.read_text(encoding="utf-8") == "old"
    write_output(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left behind


def test_write_output_refuses_a_dangling_symlink_too(tmp_path: Path) -> None:
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputExists):
        write_output(link, "x", force=False)
    assert not (tmp_path / "nowhere").exists()


def test_write_output_is_atomic_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(PingtaiError, match="写入输出文件失败"):
        write_output(target, "new", force=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_output_goes_through_a_temp_file_in_the_same_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []
    real_link = os.link

    def spy(src, dst, *a, **kw):
        seen.append((str(src), str(dst)))
        return real_link(src, dst, *a, **kw)

    monkeypatch.setattr(os, "link", spy)
    target = tmp_path / "r.txt"
    write_output(target, "x", force=False)
    ((src, dst),) = seen
    assert (
        Path(src).parent == tmp_path and Path(src).name.startswith(".r.txt.") and dst == str(target)
    )
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600


def test_write_output_never_writes_into_a_protected_dossier_folder(tmp_path: Path) -> None:
    dossier = tmp_path / "dossier"
    dossier.mkdir()
    with pytest.raises(PingtaiError, match="卷宗文件夹"):
        write_output(dossier / "sub" / "r.html", "x", force=True, protected=[dossier])
    assert list(dossier.iterdir()) == []


def test_at_80_columns_a_folded_item_hangs_under_its_text() -> None:
    console = Console(record=True, width=80)
    console.print(render_terminal([ineligible()], verbose=True))
    lines = console.export_text().splitlines()
    body = lines[lines.index(next(line for line in lines if line.startswith("基本条件"))) + 1 :]
    assert all(not line or line.startswith(" ") or line[:2] in ("服务", "申报", "一致", "解读") for line in body)
    assert max(len(line) for line in lines) <= 80


@pytest.mark.parametrize(
    ("status", "word", "tone"),
    [("pass", "不适用", "ok"), ("fail", "适用", "fail"), ("missing", "缺少数据", "missing"), ("review", "待审核", "review")],
)
def test_an_exclusion_left_undecided_is_not_reported_as_not_applying(status: str, word: str, tone: str) -> None:
    """第十九条 with 已获认定 unread (missing) or a recognition to verify (review) showed ✔ 不适用 in
    every format and in the 审核意见表, while the verdict's reasons said it was undecided."""
    from pingtai_cli.core.models import RuleResult
    from pingtai_cli.outputs.report.view import condition_row

    r = RuleResult(
        "XC-X01", "已被认定为省级以上中小企业公共服务示范平台", "第十九条", "", ["prior_recognitions"], status,  # type: ignore[arg-type]
        actual=["2023年 河南省中小企业公共服务示范平台"] if status in ("fail", "review") else [],
    )
    row = condition_row(r, "exclusions", "zh")
    assert (row.word, row.tone) == (word, tone)
    assert ("河南省" in row.actual) == (status in ("fail", "review"))


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_date_written_to_the_month_is_shown_so_in_the_facts_table(fmt: str) -> None:
    """填报日期 2026年3月 was listed as 2026-03-01 in the markdown and html evidence tables: a day nobody wrote."""
    dossier = make_dossier()
    dossier.facts["application_date"] = Fact(
        "application_date", date(2026, 3, 1), None, Evidence(FORM, "基本信息", "B22"), "2026年3月", precision="month"
    )
    page = render([check(dossier)], fmt)
    assert "2026年3月" in page and "2026-03-01" not in page
