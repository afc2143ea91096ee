"""Word forms: every shipped template renders, facts land in the right cells and rows, blanks
stay for hand filling, hostile facts print literally, and fill-forms writes only where told.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.table import Table
from openpyxl import load_workbook
from typer.testing import CliRunner

from jurisdictions import keys
from pingtai_cli import cli
from pingtai_cli.api import forms as forms_api
from pingtai_cli.core.errors import OutputExists, PingtaiError
from pingtai_cli.core.files import TEMP_SUFFIX
from pingtai_cli.core.models import Dossier, Fact
from pingtai_cli.outputs.forms import fill as forms_cmd
from pingtai_cli.outputs.forms.render import (
    BLANK,
    FormError,
    form_context,
    format_value,
    neutralise_cell,
    render_form,
    summary_context,
    template_variables,
    undeclared_variables,
)
from pingtai_cli.rules.schema import load_ruleset, package_data_dir

TEMPLATES = package_data_dir("templates")
SHIPPED = sorted(TEMPLATES.rglob("*.docx"))
# The jurisdictions with templates whose text gives no layout of its 申请报告 (no `application_report:`):
# their forms are pingtai's own layout and say so.
NO_LAYOUT = [k for k in keys() if (TEMPLATES / k).is_dir() and load_ruleset(k).application_report is None]
SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"
ORG = "许昌智造科技服务有限公司"

cli._register()
runner = CliRunner()


# ---------------------------------------------------------------- dossiers built here


def make_dossier(
    path: str = "/intake/许昌智造", *, staff: int = 12, served: int = 35, **overrides: Any
) -> Dossier:
    facts: dict[str, Any] = {
        "org_name": ORG,
        "platform_name": "许昌市智能制造公共服务平台",
        "credit_code": "91411000MA44ABCD1X",
        "org_type": "企业法人",
        "registration_date": date(2019, 3, 15),
        "registered_address": "河南省许昌市魏都区建安大道100号",
        "region": "河南省许昌市魏都区",
        "registered_capital": 500.0,
        "total_assets": 320.0,
        "service_area": 1200,
        "staff_total": 25,
        "staff_qualified": 21,
        "smes_served": 160,
        "satisfaction_rate": 92.5,
        "platform_type": "综合性",
        "functions_declared": ["信息", "技术"],
        "contact_person": "王芳",
        "contact_phone": "0374-1234567",
        "postal_code": "461000",
        "application_date": date(2025, 4, 1),
        "recommending_unit": "魏都区工业和信息化局",
    }
    facts.update(overrides)
    d = Dossier(path=path, facts={k: Fact(k, v) for k, v in facts.items() if v is not None})
    d.lists["staff"] = [
        {
            "name": f"员工{i:02d}",
            "age": 30 + i,
            "education": "本科",
            "school": "郑州大学",
            "title": "工程师",
            "duty": "技术服务",
        }
        for i in range(staff)
    ]
    d.lists["served_smes"] = [
        {
            "name": f"许昌客户机械有限公司{i:02d}",
            "contact": "李四",
            "phone": "13800138000",
            "content": "技术咨询",
            "satisfaction": "不满意" if i == 0 else "满意",
        }
        for i in range(served)
    ]
    d.lists["equipment"] = [
        {"name": "三坐标测量机", "quantity": 1, "purchase_date": date(2021, 5, 1), "price": 45.5},
        {"name": "服务器", "quantity": 4, "purchase_date": date(2022, 1, 10), "price": 12},
    ]
    d.lists["partners"] = [{"name": "许昌学院", "content": "人才培训"}]
    d.yearly = [
        {
            "year": 2024,
            "revenue": 900.5,
            "service_revenue": 650,
            "total_assets": 320,
            "profit": -12.5,
            "tax": 22,
            "smes_served": 160,
        },
        {
            "year": 2023,
            "revenue": 800,
            "service_revenue": 600,
            "total_assets": 300,
            "profit": 50,
            "tax": 20,
            "smes_served": 140,
        },
    ]
    return d


def context_for(template: Path, *dossiers: Dossier) -> dict[str, Any]:
    """A summary template gets all dossiers, any other template the first one's context."""
    contexts = [form_context(d) for d in dossiers]
    if _is_summary(template):
        return summary_context(
            contexts,
            {
                "recognition_title": "许昌市中小企业公共服务示范平台",
                "document_title": "《测试办法》",
            },
        )
    return contexts[0]


def _is_summary(template: Path) -> bool:
    from pingtai_cli.outputs.forms.render import template_variables

    return "dossiers" in template_variables(template)


def render(template: Path, context: dict[str, Any], tmp_path: Path) -> Any:
    out = tmp_path / f"{template.parent.name}-{template.name}"
    render_form(template, context, out)
    return Document(str(out))


def all_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def table_with_header(doc: Any, *labels: str) -> Table:
    for t in doc.tables:
        for row in t.rows:
            texts = [c.text.strip() for c in row.cells]
            if all(label in texts for label in labels):
                return t
    raise AssertionError(f"no table with header {labels}")


def rows_after_header(t: Table, first_label: str) -> list[list[str]]:
    rows = [[c.text.strip() for c in r.cells] for r in t.rows]
    start = next(i for i, r in enumerate(rows) if r[0] == first_label or first_label in r)
    body = rows[start + 1 :]
    while body and body[0][0] == first_label:  # a second header row merged with the first
        body = body[1:]
    return body


# ---------------------------------------------------------------- every shipped template


def test_every_shipped_template_is_a_form_of_its_jurisdictions_ruleset() -> None:
    """templates/<key>/<form id>.docx for the forms a ruleset names; _common/ for every jurisdiction."""
    assert {p.relative_to(TEMPLATES).as_posix() for p in SHIPPED if p.parent.name == "_common"} == {
        "_common/summary.docx",
        "_common/review_opinion.docx",
    }
    stray = [
        p.relative_to(TEMPLATES).as_posix()
        for p in SHIPPED
        if p.parent.name != "_common"
        and (p.parent.name not in keys() or p.stem not in {f.id for f in load_ruleset(p.parent.name).forms})
    ]
    assert SHIPPED and stray == []


@pytest.mark.parametrize("key", [k for k in keys() if (TEMPLATES / k).is_dir()])
def test_every_form_a_ruleset_names_has_a_shipped_template(key: str) -> None:
    rs = load_ruleset(key)
    assert rs.forms
    for form in rs.forms:
        assert (TEMPLATES / key / f"{form.id}.docx").is_file(), form.id


@pytest.mark.parametrize("template", SHIPPED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_shipped_template_uses_only_variables_the_context_provides(template: Path) -> None:
    assert undeclared_variables(template) == set()


@pytest.mark.parametrize("template", SHIPPED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_shipped_template_renders_with_the_org_name_and_no_tags_left(
    template: Path, tmp_path: Path
) -> None:
    d1, d2 = make_dossier(), make_dossier("/intake/长葛", org_name="长葛市鑫诚检测技术服务有限公司")
    ctx = context_for(template, d1, d2)
    doc = render(template, ctx, tmp_path)
    text = all_text(doc)
    assert ORG in text
    assert not re.search(r"\{\{|\{%|\{#|%\}|\}\}", text)
    if _is_summary(template):
        assert "长葛市鑫诚检测技术服务有限公司" in text


@pytest.mark.parametrize("template", SHIPPED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_east_asian_fonts_are_set_in_the_styles_and_never_japanese(template: Path) -> None:
    with zipfile.ZipFile(template) as zf:
        styles = zf.read("word/styles.xml").decode()
        settings = zf.read("word/settings.xml").decode()
    assert "eastAsiaTheme" not in styles  # a theme font would pick the theme's Japanese face
    assert "ja-JP" not in styles + settings
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert 'w:eastAsia="宋体"' in defaults
    assert 'w:eastAsia="zh-CN"' in defaults
    assert re.search(r'<w:themeFontLang [^>]*w:eastAsia="zh-CN"', settings)
    doc = Document(str(template))

    def east(style: str) -> str | None:
        rfonts = doc.styles[style].element.rPr.rFonts
        return rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")

    assert east("Normal") == "宋体"
    assert east("Heading 1") == "黑体"
    assert east("Form Title") == "黑体"
    assert east("Body Text CN") == "仿宋_GB2312"
    assert east("Table Text") == "宋体"


@pytest.mark.parametrize("key", NO_LAYOUT)
def test_templates_built_without_a_layout_in_the_text_say_so(key: str, tmp_path: Path) -> None:
    for template in sorted((TEMPLATES / key).glob("*.docx")):
        doc = Document(str(template))
        assert "原文未给出版式" in doc.core_properties.comments
        assert "原文未给出版式" in doc.paragraphs[0].text  # visible while editing the template
        rendered = render(template, context_for(template, make_dossier()), tmp_path)
        assert "原文未给出版式" not in all_text(rendered)  # gone from the filled form


def test_xuchang_templates_cite_the_attachment_whose_layout_they_follow() -> None:
    for name, attachment in (
        ("recommendation_form", "附件1"),
        ("application_report", "附件2"),
        ("authenticity_declaration", "附件3"),
    ):
        doc = Document(str(TEMPLATES / "xuchang" / f"{name}.docx"))
        assert f"许工信〔2020〕154号）{attachment}的版式" in doc.core_properties.comments
        assert doc.paragraphs[0].text == attachment


# ---------------------------------------------------------------- facts in the right cells


@pytest.fixture(scope="module")
def xuchang_report(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("xc")
    return render(
        TEMPLATES / "xuchang" / "application_report.docx", form_context(make_dossier()), tmp
    )


def test_xuchang_report_cover_names_the_applicant_and_the_filling_date(xuchang_report: Any) -> None:
    lines = [p.text for p in xuchang_report.paragraphs]
    assert f"申请单位名称：{ORG}（盖章）" in lines
    assert "填 报 日 期 ：2025年4月1日" in lines
    assert "许昌市工业和信息化局制" in lines


def test_xuchang_staff_table_has_one_row_per_staff_entry_then_blank_rows_to_18(
    xuchang_report: Any,
) -> None:
    t = table_with_header(xuchang_report, "姓名", "年龄", "学历", "毕业学校", "职称", "主管工作")
    body = rows_after_header(t, "姓名")
    filled = [r for r in body if r[0]]
    assert [r[0] for r in filled] == [f"员工{i:02d}" for i in range(12)]
    assert filled[0] == ["员工00", "30", "本科", "郑州大学", "工程师", "技术服务"]
    assert len(body) == 18
    paras = [p.text for p in xuchang_report.paragraphs]
    assert "备注：不少于10人" in paras


def test_staff_table_grows_past_its_blank_rows_for_a_long_list(tmp_path: Path) -> None:
    doc = render(
        TEMPLATES / "xuchang" / "application_report.docx",
        form_context(make_dossier(staff=25)),
        tmp_path,
    )
    body = rows_after_header(table_with_header(doc, "姓名", "毕业学校"), "姓名")
    assert len(body) == 25 and all(r[0] for r in body)


def test_xuchang_served_sme_table_lists_every_enterprise_with_its_satisfaction_tick(
    xuchang_report: Any,
) -> None:
    t = table_with_header(
        xuchang_report, "序号", "服务企业名称", "联系人", "联系电话", "服务内容简述"
    )
    body = rows_after_header(t, "序号")
    assert len(body) == 35
    assert body[0] == ["1", "许昌客户机械有限公司00", "李四", "13800138000", "技术咨询", "", "√"]
    assert body[1][5:] == ["√", ""]
    assert "上一年度共服务企业　160　家" in [p.text for p in xuchang_report.paragraphs]


def test_served_sme_table_keeps_30_numbered_rows_for_a_short_list(tmp_path: Path) -> None:
    doc = render(
        TEMPLATES / "xuchang" / "application_report.docx",
        form_context(make_dossier(served=3)),
        tmp_path,
    )
    body = rows_after_header(table_with_header(doc, "服务企业名称", "服务内容简述"), "序号")
    assert len(body) == 30
    assert [r[0] for r in body] == [str(i) for i in range(1, 31)]
    assert body[3][1] == ""  # row 4 is blank for hand filling


def test_yearly_rows_fill_the_operation_table_oldest_first(xuchang_report: Any) -> None:
    t = table_with_header(xuchang_report, "年度", "营业收入", "资产总额", "利润总额", "上缴税金")
    body = rows_after_header(t, "年度")
    assert body == [
        ["2023", "800", "600", "300", "50", "20", "140"],
        ["2024", "900.5", "650", "320", "-12.5", "22", "160"],
    ]


def test_application_form_cells_carry_the_facts_and_the_computed_shares(
    xuchang_report: Any,
) -> None:
    t = table_with_header(xuchang_report, "一、平台基本情况")
    cells = {c.text for r in t.rows for c in r.cells}
    assert "注册日期：2019年3月15日" in cells
    assert "单位性质：企业法人" in cells
    assert "注册资本　500　万元" in cells
    assert "上年末总资产　320　万元" in cells
    # 5 units bought for 57.5 万元 = 18 % of 320 万元; 21 of 25 staff qualified = 84 %
    assert "仪器、设备数量　5　台（套），购买价格　57.5　万元，占总资产　18　％" in cells
    assert any("专业人员　21　人，占总人数　84　%" in c for c in cells)


def test_declared_equipment_area_phones_and_support_fill_the_application_form(
    tmp_path: Path,
) -> None:
    """What the applicant wrote on the form wins over what pingtai would compute from the lists."""
    dossier = make_dossier(
        equipment_quantity=12,
        equipment_price=86.4,
        owned_area=0,
        rented_area=1200,
        mobile_phone="13903741234",
        qualifications="众创空间备案（许昌市科学技术局）",
        government_support="2024年获许昌市中小企业发展专项资金支持30万元。",
    )
    doc = render(TEMPLATES / "xuchang" / "application_report.docx", form_context(dossier), tmp_path)
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    # 86.4 of 320 万元 = 27 %; the list says 5 units for 57.5 万元, the form 12 for 86.4
    assert "仪器、设备数量　12　台（套），购买价格　86.4　万元，占总资产　27　％" in cells
    assert "服务场地面积：1200　平方米，其中：自有　0　平方米，租用　1200　平方米" in cells
    assert "手机：13903741234" in cells and "传真：________" in cells
    assert "众创空间备案（许昌市科学技术局）" in cells
    assert "2024年获许昌市中小企业发展专项资金支持30万元。" in cells


def test_partners_fill_the_cooperation_rows(xuchang_report: Any) -> None:
    t = table_with_header(xuchang_report, "签订合作协议的单位", "主要服务内容")
    rows = [[c.text for c in r.cells] for r in t.rows]
    assert ["合作资源", "许昌学院", "人才培训"] in rows


@pytest.mark.parametrize("key", [k for k in keys() if (TEMPLATES / k / "application_report.docx").is_file()])
def test_a_partner_agreements_date_is_printed_beside_the_partner(key: str, tmp_path: Path) -> None:
    # partners.agreement_date (签订时间) was read from the workbook but never printed (issue 13)
    d = make_dossier()
    d.lists["partners"] = [{"name": "许昌学院", "content": "人才培训", "agreement_date": "2023年5月"},
                           {"name": "许昌职业技术学院", "content": "技术咨询"}]
    doc = render(TEMPLATES / key / "application_report.docx", form_context(d), tmp_path)
    t = table_with_header(doc, "签订合作协议的单位", "主要服务内容")
    rows = [[c.text for c in r.cells][-2:] for r in t.rows]
    assert ["许昌学院（2023年5月签订）", "人才培训"] in rows
    assert ["许昌职业技术学院", "技术咨询"] in rows  # no date given: none printed


@pytest.mark.parametrize("key", [k for k in keys() if (TEMPLATES / k / "recommendation_form.docx").is_file()])
def test_recommendation_form_cover_carries_the_org_name(key: str, tmp_path: Path) -> None:
    doc = render(
        TEMPLATES / key / "recommendation_form.docx", form_context(make_dossier()), tmp_path
    )
    covers = [p.text for p in doc.paragraphs if "运营单位名称：" in p.text]
    assert covers and covers[0].endswith(ORG)


def test_xuchang_recommendation_form_has_the_survey_table_of_ten_rows_and_methods(
    tmp_path: Path,
) -> None:
    doc = render(
        TEMPLATES / "xuchang" / "recommendation_form.docx", form_context(make_dossier()), tmp_path
    )
    t = table_with_header(doc, "抽样企业名称", "被访人员姓名", "职务", "联系电话")
    texts = [[c.text for c in r.cells] for r in t.rows]
    assert any("□上门拜访" in c and "□其他" in c for r in texts for c in r)
    assert ["", "", "", "", "很满意", "基本满意", "不满意"] in [
        [c.strip() for c in r] for r in texts
    ] or any(r[4:] == ["很满意", "基本满意", "不满意"] for r in texts)
    header_at = next(i for i, r in enumerate(texts) if r[0] == "抽样企业名称")
    blank_rows = [r for r in texts[header_at + 2 :] if not any(c.strip() for c in r)]
    assert len(blank_rows) == 10
    assert any("（章）" in c for r in texts for c in r)


def test_declaration_is_signed_by_the_org_with_the_date(tmp_path: Path) -> None:
    doc = render(
        TEMPLATES / "xuchang" / "authenticity_declaration.docx",
        form_context(make_dossier()),
        tmp_path,
    )
    lines = [p.text for p in doc.paragraphs]
    assert f"申报单位（盖章）：{ORG}" in lines
    assert "法定代表人（签字）：__________" in lines
    assert "日　　期：2025年4月1日" in lines
    assert any(
        line.startswith("本单位知悉并保证所提供的许昌市中小企业公共服务示范平台申报资料")
        for line in lines
    )


def test_heilongjiang_summary_has_one_row_per_platform(tmp_path: Path) -> None:
    dossiers = [make_dossier(f"/d/{i}", org_name=f"黑龙江测试服务有限公司{i}") for i in range(7)]
    tpl = TEMPLATES / "heilongjiang" / "recommendation_summary.docx"
    doc = render(tpl, summary_context([form_context(d) for d in dossiers]), tmp_path)
    body = rows_after_header(table_with_header(doc, "序号", "平台名称", "运营单位名称"), "序号")
    assert [r[2] for r in body] == [f"黑龙江测试服务有限公司{i}" for i in range(7)]
    assert body[0][7] == "320"  # 资产总额（万元）
    assert body[0][5] == "综合性"
    assert "共 7 个平台。" in [p.text for p in doc.paragraphs]  # no check: no verdicts to count


def test_the_summary_counts_its_rows_by_verdict_and_never_calls_an_incomplete_row_recommended(
    tmp_path: Path,
) -> None:
    """It said 共推荐 N 个平台 with 材料不全 rows among the N."""
    verdicts = ["eligible", "eligible", "review", "incomplete", "incomplete"]
    contexts = [{**form_context(make_dossier(f"/d/{i}")), "verdict": v} for i, v in enumerate(verdicts)]
    for tpl in (TEMPLATES / "heilongjiang" / "recommendation_summary.docx", TEMPLATES / "_common" / "summary.docx"):
        doc = render(tpl, summary_context(contexts), tmp_path)
        text = "\n".join(p.text for p in doc.paragraphs)
        assert "共 5 个平台：符合条件 2、待审核 1、材料不全 2" in text, tpl
        assert "推荐　5" not in text and "共推荐" not in text


def test_a_missing_value_is_an_empty_cell_in_a_summary_row(tmp_path: Path) -> None:
    d = make_dossier(platform_type=None)
    tpl = TEMPLATES / "_common" / "summary.docx"
    doc = render(tpl, summary_context([form_context(d)]), tmp_path)
    body = rows_after_header(table_with_header(doc, "序号", "平台类型"), "序号")
    assert body[0][5] == "" and BLANK not in all_text(doc)


# ---------------------------------------------------------------- blanks, formatting, hostile text


def test_missing_facts_print_a_line_to_write_on_and_are_reported(tmp_path: Path) -> None:
    d = Dossier(path="/intake/空", facts={"org_name": Fact("org_name", ORG)})
    ctx = form_context(d)
    out = tmp_path / "r.docx"
    blanks = render_form(TEMPLATES / "xuchang" / "application_report.docx", ctx, out)
    assert {"registration_date", "total_assets", "staff", "served_smes", "yearly"} <= set(blanks)
    assert "org_name" not in blanks
    assert "platform_name" not in blanks  # not on this form, so not reported for it
    doc = Document(str(out))
    lines = [p.text for p in doc.paragraphs]
    assert "填 报 日 期 ：______年____月____日" in lines
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert f"注册资本　{BLANK}　万元" in cells


def test_values_are_formatted_for_print() -> None:
    assert format_value(320.0) == "320"
    assert format_value(0.5) == "0.5"
    assert format_value(1234.5678) == "1234.57"
    assert format_value(date(2019, 3, 15)) == "2019年3月15日"
    assert format_value(True) == "是"
    assert format_value(["信息", "技术"]) == "信息、技术"
    assert format_value(None) == ""


@pytest.mark.parametrize("key", NO_LAYOUT)
def test_functions_not_declared_print_unapplied_and_are_not_reported_blank(
    key: str, tmp_path: Path
) -> None:
    d = make_dossier(functions_declared=["信息"], info_activities=12)
    ctx = form_context(d, load_ruleset(key).function_fields())
    doc = render(TEMPLATES / key / "application_report.docx", ctx, tmp_path)
    rows = {r.cells[0].text.strip(): r.cells[-1].text for t in doc.tables for r in t.rows}
    assert "年组织开展相关服务活动 12 次" in rows["信息服务"]
    assert rows["技术服务"] == rows["融资服务"] == "未申报"
    blanks = render_form(TEMPLATES / key / "application_report.docx", ctx, tmp_path / "out.docx")
    assert "info_offline_smes" in blanks  # declared and empty: to fill in
    assert not {"tech_activities", "financing_amount", "guarantee_amount"} & set(blanks)
    assert "platform_type" not in blanks  # only xuchang's text knows 综合性/专业性


HOSTILE = "{{ 7*7 }}<w:p>&amp; A&B \x01\x0b\x1f{% raw %}结束"


def test_hostile_facts_come_out_as_literal_text(tmp_path: Path) -> None:
    d = make_dossier(org_name=HOSTILE, platform_name="</w:t></w:r></w:p><w:p><w:r><w:t>injected")
    d.lists["staff"][0]["name"] = "{%tr endfor %}"
    for tpl in (
        TEMPLATES / "xuchang" / "application_report.docx",
        TEMPLATES / "national" / "application_report.docx",
    ):
        doc = render(tpl, form_context(d), tmp_path)
        text = all_text(doc)
        assert "{{ 7*7 }}<w:p>&amp; A&B {% raw %}结束" in text
        assert "49" not in text.replace("2019", "")
        assert "{%tr endfor %}" in text
    assert "</w:t></w:r></w:p><w:p><w:r><w:t>injected" in text


def test_the_sandbox_keeps_a_template_away_from_python_internals(tmp_path: Path) -> None:
    tpl = tmp_path / "evil.docx"
    doc = Document()
    doc.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    doc.save(str(tpl))
    with pytest.raises(FormError, match="evil.docx"):
        render_form(tpl, form_context(make_dossier()), tmp_path / "out.docx")


def test_only_paragraphs_with_tabs_or_line_breaks_go_through_docxtpls_listing_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docxtpl's resolve_listing (three nested regexes over every paragraph of every part, a fifth
    of a render) is kept for the paragraphs it changes; the document is the one docxtpl makes."""
    from docxtpl import DocxTemplate

    tpl = tmp_path / "listing.docx"
    doc = Document()
    doc.add_paragraph("单位：{{ org_name }}")
    doc.add_paragraph("说明：{{ note }}")
    for i in range(30):
        doc.add_paragraph(f"第{i}行，没有换行")
    doc.save(str(tpl))
    context = {"org_name": "甲\t乙", "note": "第一行\n第二行\f下一页\a新段"}
    render_form(tpl, context, tmp_path / "ours.docx")
    plain = DocxTemplate(str(tpl))
    plain.render(context, autoescape=True)
    plain.save(str(tmp_path / "docxtpl.docx"))
    parts = [zipfile.ZipFile(tmp_path / n).read("word/document.xml") for n in ("ours.docx", "docxtpl.docx")]
    assert parts[0] == parts[1] and b"<w:br/>" in parts[0] and b"<w:tab/>" in parts[0]
    seen: list[str] = []
    real = DocxTemplate.resolve_listing
    monkeypatch.setattr(DocxTemplate, "resolve_listing", lambda self, xml: seen.append(xml) or real(self, xml))
    render_form(tpl, context, tmp_path / "again.docx")
    assert len(seen) == 2 and all("没有换行" not in x for x in seen)  # the two paragraphs, not the 30


def test_a_file_that_is_not_a_docx_is_refused_as_a_template(tmp_path: Path) -> None:
    bad = tmp_path / "fake.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(FormError, match="不是有效的 Word"):
        undeclared_variables(bad)


def test_spreadsheet_cells_cannot_run_formulas() -> None:
    assert neutralise_cell('=HYPERLINK("http://x","点我")') == '\'=HYPERLINK("http://x","点我")'
    assert neutralise_cell("+1+1") == "'+1+1"
    assert neutralise_cell("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_cell("-A1") == "'-A1"
    assert neutralise_cell("-12.5") == -12.5  # a number is not a formula
    assert neutralise_cell("320") == 320
    assert neutralise_cell("13800138000") == "13800138000"  # a phone number stays text
    assert neutralise_cell(BLANK) == ""


# ---------------------------------------------------------------- templates check


def test_templates_check_reports_a_variable_no_fact_provides(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("单位：{{ org_nmae }}，资产：{{ total_assets }}")
    doc.add_paragraph("{% for p in staff %}{{ p.name }}{% endfor %}")
    doc.save(str(tmp_path / "bureau.docx"))
    assert undeclared_variables(tmp_path / "bureau.docx") == {"org_nmae"}
    result = runner.invoke(cli.app, ["templates", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "bureau.docx：没有数据来源的变量：org_nmae" in result.output


def test_templates_check_passes_the_shipped_templates() -> None:
    result = runner.invoke(cli.app, ["templates", "check", str(TEMPLATES)])
    assert result.exit_code == 0, result.output
    assert result.output.count("全部变量都有数据来源") == len(SHIPPED)


# ---------------------------------------------------------------- fill-forms


@pytest.fixture
def fake_reader(monkeypatch: pytest.MonkeyPatch) -> dict[str, Dossier]:
    """fill-forms reads dossiers through load_dossier; here it returns Dossiers built above."""
    made: dict[str, Dossier] = {}

    def load(path: Path) -> Dossier:
        # Each folder is its own applicant (its own credit code): not a duplicate of the others.
        code = "914110" + hashlib.sha256(path.name.encode()).hexdigest()[:12].upper()
        return made.get(path.name) or make_dossier(str(path), credit_code=code)

    monkeypatch.setattr(forms_api, "load_dossier", load)
    return made


def dossier_dirs(tmp_path: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        p = tmp_path / "intake" / name
        p.mkdir(parents=True)
        paths.append(p)
    return paths


def fill(*args: str) -> Any:
    return runner.invoke(cli.app, ["fill-forms", *args])


def test_fill_forms_writes_a_folder_per_dossier_and_the_summaries(
    tmp_path: Path, fake_reader: dict
) -> None:
    a, b = dossier_dirs(tmp_path, "许昌智造", "长葛鑫诚")
    fake_reader["长葛鑫诚"] = make_dossier(
        str(b), org_name="长葛市鑫诚检测技术服务有限公司", website=None
    )
    out = tmp_path / "out"
    result = fill(str(a), str(b), "--jurisdiction", "xuchang", "--out", str(out))
    assert result.exit_code == 0, (result.output, result.exception)
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    forms = [
        "附件1-许昌市中小企业公共服务示范平台推荐表.docx",
        "附件2-许昌市中小企业公共服务示范平台申请报告.docx",
        "附件3-申报材料真实性声明.docx",
        "审核意见表.docx",
    ]
    assert written == {f"{d}/{f}" for d in ("许昌智造", "长葛鑫诚") for f in forms} | {
        "申报汇总表.docx",
        "申报汇总表.xlsx",
    }
    rows = list(load_workbook(out / "申报汇总表.xlsx").active.iter_rows(values_only=True))
    assert rows[0][0] == "许昌市中小企业公共服务示范平台申报汇总表"
    assert "共 2 个平台：" in rows[1][0]  # the lines around the table come along
    body = rows[[r[0] for r in rows].index("序号") + 1 :]
    assert [r[2] for r in body if r[2]] == [ORG, "长葛市鑫诚检测技术服务有限公司"]
    assert body[0][7] == 320  # a number the bureau can sum
    ws = load_workbook(out / "申报汇总表.xlsx").active
    header = [r[0] for r in rows].index("序号") + 1
    # printed as a bureau files it: A4 landscape, one page wide, the column heads on every page
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == f"${header}:${header}"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width  # 平台名称 wider than 序号
    heads = {c.value: c for c in ws[header]}
    assert heads["资产总额\n（万元）"].alignment.wrap_text  # printed on its two lines, not its last
    assert not heads["序号"].alignment.wrap_text and ws.row_dimensions[header].height == 30
    assert "【长葛鑫诚】以下栏目没有数据" in result.output and "网址及备案号" in result.output
    assert not [p for p in out.rglob(".*") if p.name.endswith(TEMP_SUFFIX)]  # no temporary file left behind


def test_a_single_dossier_gets_no_summary_but_heilongjiang_still_gets_its_summary_form(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    assert fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "x")).exit_code == 0
    assert not (tmp_path / "x" / "申报汇总表.docx").exists()
    assert fill(str(a), "-j", "heilongjiang", "-o", str(tmp_path / "h")).exit_code == 0
    top = {p.name for p in (tmp_path / "h").iterdir()}
    assert top == {
        "one",
        "附件1-黑龙江省中小企业公共服务平台推荐汇总表.docx",
        "附件1-黑龙江省中小企业公共服务平台推荐汇总表.xlsx",
    }
    assert {p.name for p in (tmp_path / "h" / "one").iterdir()} == {
        "附件2-黑龙江省中小企业公共服务平台申请报告.docx",  # a filled form, not the （模板）
        "审核意见表.docx",
    }


def test_fill_forms_never_overwrites_without_force_and_names_the_file(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    out = tmp_path / "out"
    assert fill(str(a), "-j", "national", "-o", str(out)).exit_code == 0
    target = out / "one" / "附件1-国家中小企业公共服务示范平台推荐表.docx"
    before = target.read_bytes()
    target.write_bytes(b"hand-edited")
    result = fill(str(a), "-j", "national", "-o", str(out))
    assert isinstance(result.exception, OutputExists)
    assert str(target) in str(result.exception) and "--force" in str(result.exception)
    assert target.read_bytes() == b"hand-edited"
    result = fill(str(a), "-j", "national", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert target.read_bytes()[:2] == b"PK" and len(target.read_bytes()) > 0.5 * len(before)


def test_names_from_dossier_data_cannot_leave_the_output_folder(
    tmp_path: Path, fake_reader: dict
) -> None:
    assert forms_cmd.safe_name("../../etc/passwd", "x") == "etc_passwd"
    assert forms_cmd.safe_name("a/b\\c\x00d\n", "x") == "a_b_c_d"
    assert forms_cmd.safe_name("..", "fallback") == "fallback"
    assert forms_cmd.safe_name("CON", "x") == "_CON"
    assert len(forms_cmd.safe_name("长" * 500, "x")) == forms_cmd.NAME_MAX
    (a,) = dossier_dirs(tmp_path, "..weird\tname..")
    out = tmp_path / "out"
    result = fill(str(a), "-j", "xuchang", "-o", str(out))
    assert result.exit_code == 0, result.exception
    made = set(tmp_path.rglob("*"))
    assert {p for p in made if not p.is_relative_to(out)} == {tmp_path / "intake", a}
    assert list(a.iterdir()) == []  # nothing written into the dossier
    assert [p.name for p in out.iterdir()] == ["weird_name"]


def test_a_symlinked_folder_cannot_carry_outputs_out_of_out(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "one").symlink_to(elsewhere, target_is_directory=True)
    result = fill(str(a), "-j", "xuchang", "-o", str(out))
    assert isinstance(result.exception, PingtaiError) and "输出目录之外" in str(result.exception)
    assert list(elsewhere.iterdir()) == []


def test_the_output_folder_may_not_be_inside_a_dossier(tmp_path: Path, fake_reader: dict) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    result = fill(str(a), "-j", "xuchang", "-o", str(a / "forms"))
    assert isinstance(result.exception, PingtaiError) and "申报材料文件夹之内" in str(
        result.exception
    )
    assert list(a.iterdir()) == []


def test_formula_like_facts_are_neutralised_in_the_summary_xlsx(
    tmp_path: Path, fake_reader: dict
) -> None:
    a, b = dossier_dirs(tmp_path, "a", "b")
    fake_reader["a"] = make_dossier(
        str(a), org_name='=HYPERLINK("http://evil","点")', platform_name="@SUM(1)"
    )
    out = tmp_path / "out"
    assert fill(str(a), str(b), "-j", "liaoning", "-o", str(out)).exit_code == 0
    rows = list(load_workbook(out / "申报汇总表.xlsx").active.iter_rows(values_only=True))
    row = rows[[r[0] for r in rows].index("序号") + 1]
    assert row[1] == "'@SUM(1)" and row[2] == '\'=HYPERLINK("http://evil","点")'


SHEET_ROWS: list[list[Any]] = [
    ["推荐汇总表"],
    [],
    ["序号", "平台名称", " 前后有空格 ", "换行\n第二行", "<&>\"'", "", "#N/A", "'=1+1"],
    [1, 85, 92.5, 0.1, -3, 123456789, 1e-7, "0451-86671234"],
    [],
    [],
    ["", "", "末尾空单元格", ""],
]


def test_the_summary_workbook_holds_what_openpyxl_would_write_for_the_same_rows(tmp_path: Path) -> None:
    """The summary .xlsx is written without openpyxl (its import was a third of the forms after a
    batch; issue 16): read back, every cell has the value and type openpyxl's append gives."""
    from openpyxl import Workbook

    from pingtai_cli.outputs.forms.sheet import write_sheet

    wb = Workbook()
    wb.active.title = "汇总"
    for row in SHEET_ROWS:
        wb.active.append(row)
    wb.save(tmp_path / "openpyxl.xlsx")
    write_sheet(tmp_path / "ours.xlsx", "汇总", SHEET_ROWS)
    books = [load_workbook(tmp_path / n) for n in ("openpyxl.xlsx", "ours.xlsx")]
    cells = [[[(c.value, c.data_type) for c in r] for r in b.active.iter_rows()] for b in books]
    assert cells[0] == cells[1] and books[1].sheetnames == ["汇总"]
    assert (books[1].active.max_row, books[1].active.max_column) == (7, 8)
    assert cells[1][2][2] == (" 前后有空格 ", "s") and cells[1][3][2] == (92.5, "n")
    streamed = [list(load_workbook(tmp_path / n, read_only=True).active.values) for n in ("openpyxl.xlsx", "ours.xlsx")]
    assert streamed[0] == streamed[1]


def test_a_summary_text_wider_than_the_widest_column_wraps_so_the_page_keeps_its_size(tmp_path: Path) -> None:
    """A 结论 listing the duplicates of 44 rows ran on past the table: the page, fitted to the
    width, printed at a third of its size (45 rows on one unreadable page)."""
    from pingtai_cli.outputs.forms.sheet import write_sheet

    long = "待审核（与第" + "、".join(str(i) for i in range(1, 45)) + "行重复申报，以本行为准）"
    write_sheet(tmp_path / "long.xlsx", "汇总", [["序号", "结论"], [1, long], [2, "待审核"]])
    ws = load_workbook(tmp_path / "long.xlsx").active
    assert ws["B2"].alignment.wrap_text and ws.row_dimensions[2].height >= 45
    assert not ws["B3"].alignment.wrap_text and ws.row_dimensions[3].height is None
    assert ws.column_dimensions["B"].width == 40


def test_a_bureau_template_dir_overrides_a_shipped_form(tmp_path: Path, fake_reader: dict) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    own = tmp_path / "own" / "xuchang"
    own.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("本局自制推荐表：{{ org_name }}")
    doc.save(str(own / "recommendation_form.docx"))
    out = tmp_path / "out"
    assert (
        fill(
            str(a), "-j", "xuchang", "-o", str(out), "--template-dir", str(tmp_path / "own")
        ).exit_code
        == 0
    )
    rec = Document(str(out / "one" / "附件1-许昌市中小企业公共服务示范平台推荐表.docx"))
    assert rec.paragraphs[0].text == f"本局自制推荐表：{ORG}"
    report = Document(str(out / "one" / "附件2-许昌市中小企业公共服务示范平台申请报告.docx"))
    assert report.paragraphs[0].text == "附件2"  # the shipped one, not overridden


def test_a_bureau_template_with_a_typo_or_a_wrong_name_is_reported_when_filling(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    own = tmp_path / "own"
    own.mkdir()
    doc = Document()
    doc.add_paragraph("信用代码：{{ credit_cod }}")
    doc.save(str(own / "recommendation_form.docx"))
    Document().save(str(own / "附件3-真实性声明.docx"))  # not a name fill-forms looks for
    result = fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "out"), "--template-dir", str(own))
    assert result.exit_code == 0, result.output
    assert "模板 recommendation_form.docx 中的变量 credit_cod 没有数据来源" in result.output
    assert "没有《申报材料真实性声明》的模板（应命名为 xuchang/authenticity_declaration.docx" in result.output


def test_forms_of_a_dossier_that_does_not_qualify_come_with_the_verdict(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    fake_reader["one"] = make_dossier(str(a), prior_recognitions=["2023年 河南省中小企业公共服务示范平台"])
    result = fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "out"), "--as-of", "2026-03-15")
    assert result.exit_code == 0
    assert "【one】注意：按许昌市办法检查，结论为“不符合条件”：第十九条" in result.output
    assert (tmp_path / "out" / "one" / "附件1-许昌市中小企业公共服务示范平台推荐表.docx").is_file()


def test_forms_are_readable_by_others_like_any_document(tmp_path: Path, fake_reader: dict) -> None:
    import os
    import stat

    (a,) = dossier_dirs(tmp_path, "one")
    old = os.umask(0o022)
    try:
        assert fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "out")).exit_code == 0
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").rglob("*.docx")}
    assert modes == {0o644}


def test_pdf_without_libreoffice_says_how_to_install_it_and_keeps_the_docx(
    tmp_path: Path, fake_reader: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forms_cmd, "find_soffice", lambda: None)
    (a,) = dossier_dirs(tmp_path, "one")
    result = fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "out"), "--pdf")
    assert result.exit_code == 0
    assert "apt-get install libreoffice-writer" in result.output
    assert "https://www.libreoffice.org" in result.output
    assert len(list((tmp_path / "out" / "one").glob("*.docx"))) == 4  # the three forms and the 审核意见表
    assert not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_is_made_beside_each_docx_when_libreoffice_is_installed(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    out = tmp_path / "out"
    result = fill(str(a), "-j", "xuchang", "-o", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    pdfs = sorted(p.name for p in (out / "one").glob("*.pdf"))
    assert len(pdfs) == 4
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(out / "one" / "附件2-许昌市中小企业公共服务示范平台申请报告.pdf"))
    assert len(pdf) >= 8
    assert ORG in pdf[0].get_textpage().get_text_range()


# ---------------------------------------------------------------- the sample dossiers


def _sample_jurisdiction(path: Path) -> str:
    return path.name.split("_")[0]


SAMPLE_PATHS = (
    sorted(p for p in SAMPLES.iterdir() if p.is_dir() or p.suffix == ".zip")
    if SAMPLES.is_dir()
    else []
)


@cache
def read_sample(path: Path) -> Dossier:
    """Workbook facts and lists are what forms print; OCR is skipped to keep the tests fast."""
    from pingtai_cli.intake.dossier import read_dossier
    from pingtai_cli.intake.limits import Limits

    return read_dossier(path, limits=Limits(max_ocr_pages=0, max_ocr_total=0))


@pytest.mark.parametrize("sample", SAMPLE_PATHS, ids=lambda p: p.name)
def test_every_sample_dossier_fills_its_jurisdictions_forms(sample: Path, tmp_path: Path) -> None:
    d = read_sample(sample)
    org = d.value("org_name")
    assert org
    key = _sample_jurisdiction(sample)
    templates = sorted((TEMPLATES / key).glob("*.docx")) if (TEMPLATES / key).is_dir() else []
    templates.append(TEMPLATES / "_common" / "summary.docx")
    for tpl in templates:
        ctx = summary_context([form_context(d)]) if _is_summary(tpl) else form_context(d)
        doc = render(tpl, ctx, tmp_path)
        assert org in all_text(doc), tpl
        if tpl.name == "application_report.docx":
            staff = rows_after_header(table_with_header(doc, "姓名", "毕业学校"), "姓名")
            names = [r[0] for r in staff if r[0]]
            assert names == [s["name"] for s in d.lists["staff"]]
            assert [r["year"] for r in ctx["yearly"]] == sorted(r["year"] for r in ctx["yearly"])


@pytest.mark.slow
def test_fill_forms_on_a_sample_refuses_a_second_run_with_exit_2_and_the_file_named(
    tmp_path: Path,
) -> None:
    sample = SAMPLES / "liaoning_eligible"
    if not sample.is_dir():
        pytest.skip("sample dossiers not built")
    out = tmp_path / "out"

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pingtai_cli",
                "fill-forms",
                str(sample),
                "-j",
                "liaoning",
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert "附件1-辽宁省中小企业公共服务示范平台推荐表.docx" in first.stdout
    second = run()
    assert second.returncode == 2
    assert (
        "输出文件已存在" in second.stderr
        and "附件1-辽宁省中小企业公共服务示范平台推荐表.docx" in second.stderr
    )


def test_a_megabyte_fact_is_cut_to_a_bounded_length_with_a_mark(tmp_path: Path) -> None:
    huge = "长" * 1_000_000
    ctx = form_context(make_dossier(org_name=huge))
    assert len(ctx["org_name"]) < 5000 and ctx["org_name"].endswith("（已截断）")
    doc = render(TEMPLATES / "xuchang" / "authenticity_declaration.docx", ctx, tmp_path)
    assert "（已截断）" in all_text(doc)


def test_templates_vars_lists_every_variable_a_template_may_use() -> None:
    from pingtai_cli.outputs.forms.render import context_keys, variable_catalogue

    assert {name for name, _ in variable_catalogue()} == context_keys()
    out = runner.invoke(cli.app, ["templates", "vars", "-j", "xuchang"]).output
    assert "{{ mobile_phone }}\t手机" in out
    assert "附件3 申报材料真实性声明：xuchang/authenticity_declaration.docx 或 authenticity_declaration.docx" in out


def test_a_summary_form_of_the_text_replaces_the_generic_one_and_a_dossier_given_twice_counts_once(
    tmp_path: Path, fake_reader: dict
) -> None:
    a, b = dossier_dirs(tmp_path, "甲", "乙")
    out = tmp_path / "out"
    result = fill(str(a), str(b), str(a), "-j", "heilongjiang", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "同一卷宗重复给出，只处理一次" in result.output
    top = sorted(p.name for p in out.iterdir() if p.is_file())
    assert not [n for n in top if n.startswith("申报汇总表")]  # the 推荐汇总表 is the summary
    assert any("推荐汇总表" in n for n in top)
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["乙", "甲"]


def test_the_written_sections_of_the_xuchang_report_are_named_as_left_for_the_applicant(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    result = fill(str(a), "-j", "xuchang", "-o", str(tmp_path / "out"))
    assert "中的文字说明（附件2：（一）申请单位的基本情况；（二）" in result.output
    assert "请从卷宗中的申请报告复制，或直接填写" in result.output


def test_missing_template_fonts_are_named_before_a_pdf_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\necho 'WenQuanYi Micro Hei,文泉驿微米黑'\necho 'SimSun,宋体'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(forms_cmd.shutil, "which", lambda name: str(fake) if name == "fc-list" else None)
    assert forms_cmd.missing_form_fonts() == ["仿宋", "黑体"]


def test_fill_forms_reports_blank_only_what_the_declared_functions_ask(
    tmp_path: Path, fake_reader: dict
) -> None:
    (a,) = dossier_dirs(tmp_path, "one")
    fake_reader["one"] = make_dossier(str(a), functions_declared=["信息"])
    result = fill(str(a), "-j", "national", "-o", str(tmp_path / "out"))
    blank_line = next(line for line in result.output.splitlines() if "以下栏目没有数据" in line)
    assert "信息服务线下年服务企业数" in blank_line  # declared, left empty: to fill in
    assert "技术服务年活动次数" not in blank_line and "年新增担保额" not in blank_line


def test_the_compiled_and_patched_parts_are_kept_once_each_and_never_more_than_the_cap() -> None:
    """One bounded store serves the sandbox's compiled parts and docxtpl's patched XML."""
    from pingtai_cli.outputs.forms.render import COMPILED_MAX, kept

    cache: dict[str, str] = {}
    made: list[str] = []

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    assert kept(cache, "a", lambda: make("a")) == "A" and kept(cache, "a", lambda: make("a")) == "A"
    assert made == ["a"]  # made once, then reused
    for i in range(COMPILED_MAX * 3):
        kept(cache, f"k{i}", lambda i=i: make(f"k{i}"))
        assert len(cache) <= COMPILED_MAX  # memory stays bounded however many parts pass
    assert kept(cache, "a", lambda: make("a")) == "A" and made.count("a") == 2  # dropped, made again


def test_a_template_is_parsed_once_for_many_forms_and_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rendering one template for many dossiers reuses its analysis and compiled parts (speed,
    issue 16 item 8); an edited template file is read afresh, never a stale copy."""
    import jinja2.environment

    parses: list[int] = []
    real_parse = jinja2.environment.Environment._parse

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        parses.append(1)
        return real_parse(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.environment.Environment, "_parse", counting)
    template = tmp_path / "application_report.docx"
    shutil.copyfile(TEMPLATES / "heilongjiang" / "application_report.docx", template)
    contexts = [form_context(make_dossier(staff=n)) for n in (5, 12, 20)]
    render_form(template, contexts[0], tmp_path / "first.docx")
    once = len(parses)
    assert once > 0
    for i, ctx in enumerate(contexts[1:]):
        render_form(template, ctx, tmp_path / f"more-{i}.docx")
    assert "org_name" in template_variables(template)
    assert len(parses) == once  # no parse, no compile again
    assert Document(str(tmp_path / "more-1.docx")).paragraphs  # each output is a whole document

    shutil.copyfile(TEMPLATES / "_common" / "review_opinion.docx", template)  # the file changes
    render_form(template, contexts[0], tmp_path / "changed.docx")
    assert len(parses) > once
    assert "审核意见" in all_text(Document(str(tmp_path / "changed.docx")))


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_one_opened_template_renders_every_dossier_and_no_dossier_shows_in_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process opens a template once and renders every dossier from it (speed, issue 16 item 8):
    the header, footer and document title rendered for one applicant never reach the next one's
    form, and each form is member for member what a template opened afresh gives."""
    import docxtpl.template

    from pingtai_cli.outputs.forms import render

    template = tmp_path / "tagged.docx"
    doc = Document()
    doc.add_paragraph("申报单位：{{ org_name }}")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ org_name }}"
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ credit_code }}"
    doc.core_properties.title = "{{ org_name }}推荐表"
    doc.save(str(template))
    opened: list[int] = []
    real_document = docxtpl.template.Document

    def counting(*args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return real_document(*args, **kwargs)

    monkeypatch.setattr(docxtpl.template, "Document", counting)
    monkeypatch.setattr(render, "_prepared", {})
    names = ["甲科技服务有限公司", "乙企业管理咨询有限公司", "甲科技服务有限公司"]
    contexts = [form_context(make_dossier(org_name=n, credit_code=f"91410000MA4{i}XXXXX")) for i, n in enumerate(names)]
    for i, ctx in enumerate(contexts):
        render_form(template, ctx, tmp_path / f"reused-{i}.docx")
    assert opened == [1]  # opened (and parsed) once for three forms
    second = Document(str(tmp_path / "reused-1.docx"))
    shown = all_text(second) + second.sections[0].header.paragraphs[0].text + second.core_properties.title
    assert "乙企业管理咨询有限公司" in shown and "甲" not in shown
    assert "91410000MA41XXXXX" in second.sections[0].footer.paragraphs[0].text
    for i, ctx in enumerate(contexts):
        monkeypatch.setattr(render, "_prepared", {})  # a process that renders this form first
        render_form(template, ctx, tmp_path / f"fresh-{i}.docx")
        assert _members(tmp_path / f"reused-{i}.docx") == _members(tmp_path / f"fresh-{i}.docx")


def test_a_render_that_relates_an_image_to_a_kept_part_ends_the_reuse(tmp_path: Path) -> None:
    """An image drawn in a header is related to the template's own header part (docxtpl renders
    headers from it): a reused template would carry one applicant's image into the next form, so
    the reuse must end there. (fill-forms passes no images today; a context of a later version may.)"""
    from docxtpl import InlineImage
    from PIL import Image

    from pingtai_cli.outputs.forms import render

    logo = tmp_path / "logo.png"
    Image.new("RGB", (8, 8), "red").save(logo)
    template = tmp_path / "logo.docx"
    doc = Document()
    doc.add_paragraph("申报单位：{{ org_name }}")
    doc.sections[0].header.paragraphs[0].text = "{{ logo }}"
    doc.save(str(template))
    ready = render.prepared(template)
    master = ready.master
    assert master is not None
    master.render({"org_name": "乙", "logo": ""}, ready.sandbox_env)
    assert master.intact()  # plain values: the template is reused
    master.render({"org_name": "甲", "logo": InlineImage(master.tpl, str(logo))}, ready.sandbox_env)
    master.save(tmp_path / "甲.docx")
    assert not master.intact()


@pytest.mark.parametrize("template", SHIPPED, ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_a_rendered_body_parsed_in_its_document_gives_the_form_docxtpl_gives_by_moving_it_there(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fill-forms parses the rendered body inside the template's document instead of letting docxtpl
    move it in (lxml re-fixes every node's namespaces then; speed, issue 16): each shipped form is
    member for member what docxtpl's way gives, and the quick way was the one taken."""
    from pingtai_cli.outputs.forms import render

    ctx = context_for(template, make_dossier(), make_dossier("/intake/长葛", org_name="长葛市鑫诚检测技术服务有限公司"))
    from docxtpl import DocxTemplate

    parsed: list[bool] = []
    parse = render.Frame.parse
    monkeypatch.setattr(render.Frame, "parse", lambda self, body: parsed.append(True) or parse(self, body))
    monkeypatch.setattr(render, "_prepared", {})
    moved: list[bool] = []
    move = DocxTemplate.map_tree
    monkeypatch.setattr(DocxTemplate, "map_tree", lambda self, tree: moved.append(True) or move(self, tree))
    render_form(template, ctx, tmp_path / "quick.docx")
    assert parsed and not moved  # the body was parsed in place, never moved there
    monkeypatch.setattr(render.Frame, "parse", lambda self, body: None)  # docxtpl's way
    monkeypatch.setattr(render, "_prepared", {})
    render_form(template, ctx, tmp_path / "docxtpl.docx")
    assert _members(tmp_path / "quick.docx") == _members(tmp_path / "docxtpl.docx")
    monkeypatch.undo()
    plain = DocxTemplate(str(template))  # docxtpl alone, with its own render_xml_part and fix_tables
    plain.render(ctx, jinja_env=render.sandbox_env(), autoescape=True)
    plain.save(str(tmp_path / "plain.docx"))
    body = [zipfile.ZipFile(tmp_path / n).read("word/document.xml") for n in ("quick.docx", "plain.docx")]
    assert body[0] == body[1]


def test_a_body_that_is_not_well_formed_is_left_to_docxtpls_own_parse() -> None:
    """A bureau's template may render XML that a recovering parser mends: alone (docxtpl's way) and
    inside the document it could be mended differently, so only a clean parse is kept."""
    from lxml import etree

    from pingtai_cli.outputs.forms.render import Frame

    root = etree.fromstring(f'<w:document xmlns:w="{W}"><w:body><w:p/></w:body></w:document>')
    frame = Frame(root)
    assert frame.parse(f'<w:body xmlns:w="{W}"><w:p><w:r></w:p></w:body>') is None
    whole = frame.parse(f'<w:body xmlns:w="{W}"><w:p><w:r/></w:p></w:body>')
    assert whole is not None
    assert etree.tostring(whole) == f'<w:document xmlns:w="{W}"><w:body><w:p><w:r/></w:p></w:body></w:document>'.encode()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _body(*tables: str) -> str:
    return f'<w:body xmlns:w="{W}">{"".join(tables)}<w:p/></w:body>'


def _table(columns: int, *rows: list[int]) -> str:
    """A table of `columns` grid columns; each row a list of cells, each cell its gridSpan (1: none)."""
    grid = "".join(f'<w:gridCol w:w="{1000 + 10 * i}"/>' for i in range(columns))
    cells = [
        "".join(
            "<w:tc>" + (f'<w:tcPr><w:gridSpan w:val="{s}"/></w:tcPr>' if s != 1 else "") + "<w:p/></w:tc>"
            for s in row
        )
        for row in rows
    ]
    return f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>" + "".join(f"<w:tr>{c}</w:tr>" for c in cells) + "</w:tbl>"


@pytest.mark.parametrize(
    ("xml", "fits"),
    [
        (_body(_table(3, [1, 1, 1], [2, 1], [3])), True),
        (_body(_table(2, [1, 1], [1, 1, 1])), False),  # a {%tc for %} loop made a row wider
        (_body(_table(4, [1, 1], [2, 1])), False),  # no row as wide as the grid
        (_body(_table(2)), False),  # no row at all
        (_body(_table(2, [1, 1]).replace('w:w="1010"/>', 'w:w="1010"/></w:tblGrid><w:tblGrid>', 1)), True),
        (_body(_table(3, [1, 1, 1]), _table(2, [1, 1, 1])), False),  # the second table of two
        (_body(_table(2, [1, 1])).replace("<w:tc><w:p/></w:tc></w:tr>", f"<w:tc>{_table(2, [1, 1, 1])}</w:tc></w:tr>"), False),
        (_body(_table(2, [2])).replace('w:val="2"', 'w:val="2.0"'), False),  # docxtpl's int() decides
    ],
)
def test_the_rendered_tables_are_left_as_parsed_exactly_when_docxtpl_would_fix_none(xml: str, fits: bool) -> None:
    """fill-forms skips docxtpl's cell-by-cell fix_tables when XPath shows no table needs it (speed,
    issue 16 item 8); the body is then the same as docxtpl's fix gives, and any table it would change
    goes to docxtpl."""
    from docxtpl import DocxTemplate
    from lxml import etree

    from pingtai_cli.outputs.forms.render import _tables_fit

    tree = etree.fromstring(xml)
    assert _tables_fit(tree) is fits
    if fits:
        fixed = DocxTemplate.fix_tables(DocxTemplate(io.BytesIO()), xml)
        assert etree.tostring(fixed) == etree.tostring(tree)


def test_an_amount_whose_unit_nobody_wrote_is_left_blank_on_the_forms_not_printed_in_wan_yuan() -> None:
    """资产总额 | 3,200,000.00 with no document to settle it: the check says 待审核 (元 or 万元?) but the
    推荐表 and 申请报告 printed 上年末资产总额（万元） 3200000, and the summary 3200000."""
    from pingtai_cli.core.models import Evidence

    d = make_dossier()
    inferred = Evidence("申请表.xlsx", "基本信息", "D12", how="unit_inferred")
    d.facts["total_assets"] = Fact("total_assets", 3200000.0, "万元", inferred, "3,200,000.00")
    ctx = form_context(d)
    assert ctx["total_assets"] == BLANK and "total_assets" in ctx["blank_fields"]
    settled = Fact("total_assets", 320.0, "万元", inferred, "320", also=[Evidence("审计报告.pdf", page=3, how="text")])
    d.facts["total_assets"] = settled  # a document states the same amount: printed as it is
    assert form_context(d)["total_assets"] == "320"


def test_two_contexts_render_alike_only_when_every_name_any_rendered_part_reads_is_equal(tmp_path: Path) -> None:
    """fill-forms writes a form its dossier's batch worker rendered ahead when the final context
    renders alike (render.renders_alike): every name the body, headers, footers, document title
    and footnotes read must be equal, and the blank fields; a name no part reads may differ."""
    from pingtai_cli.outputs.forms import render

    template = tmp_path / "titled.docx"
    doc = Document()
    doc.add_paragraph("统一社会信用代码：{{ credit_code }}")
    doc.core_properties.title = "{{ org_name }}推荐表"  # read by no body, header or footer
    doc.save(str(template))
    base = form_context(make_dossier(org_name="甲科技服务有限公司", credit_code="91410000MA40XXXXX"))
    assert render.prepared(template).reads is not None and {"org_name", "credit_code"} <= render.prepared(template).reads
    assert render.renders_alike(template, base, {**base, "staff_total": "99"})
    for key, value in (("org_name", "乙企业管理咨询有限公司"), ("credit_code", "91410000MA41XXXXX"), ("blank_fields", [])):
        assert not render.renders_alike(template, base, {**base, key: value}), key
    assert not render.renders_alike(template, base, {k: v for k, v in base.items() if k != "org_name"})
    render.prepared(template).reads = None  # not known: the whole context counts
    assert not render.renders_alike(template, base, {**base, "staff_total": "99"})


def test_warming_a_template_compiles_every_part_its_render_fills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """fill-forms warms its templates before the batch's workers fork (they render each dossier's
    forms): the body, header, footer and core properties are compiled then, so that no worker
    compiles them again."""
    from pingtai_cli.outputs.forms import render

    template = tmp_path / "tagged.docx"
    doc = Document()
    doc.add_paragraph("申报单位：{{ org_name }}")
    doc.sections[0].header.paragraphs[0].text = "页眉 {{ org_name }}"
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ credit_code }}"
    doc.save(str(template))
    monkeypatch.setattr(render, "_prepared", {})
    render.warm([template])
    compiled = dict(render.prepared(template).sandbox_env._compiled)
    assert len(compiled) > 3
    render_form(template, form_context(make_dossier(org_name="甲科技服务有限公司")), tmp_path / "out.docx")
    assert render.prepared(template).sandbox_env._compiled.keys() == compiled.keys()


def test_a_form_is_rendered_once_per_process_for_contexts_that_render_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An applicant's copies in one intake share their 申请报告 (nothing the template reads differs):
    a process renders it once and hands out the same bytes and blanks again (fill.render_bytes);
    a context that differs in a name the template reads is rendered anew."""
    from pingtai_cli.outputs.forms import render

    template = tmp_path / "report.docx"
    doc = Document()
    doc.add_paragraph("申报单位：{{ org_name }}  聚集机构：{{ agencies_aggregated }}")
    doc.save(str(template))
    monkeypatch.setattr(forms_cmd, "_ALIKE", {})
    rendered: list[Path] = []
    real = render.render_form
    monkeypatch.setattr(render, "render_form", lambda tpl, *a, **kw: rendered.append(tpl) or real(tpl, *a, **kw))
    first = form_context(make_dossier("/intake/01-甲"))
    copy = form_context(make_dossier("/intake/02-甲"))  # another folder: dossier_name differs, unread
    assert first["dossier_name"] != copy["dossier_name"] and "agencies_aggregated" in first["blank_fields"]

    def job(ctx: dict[str, Any], name: str) -> forms_cmd.Job:
        return forms_cmd.Job("申请报告", template, ctx, tmp_path / name)

    one = forms_cmd.render_bytes(job(first, "a.docx"), 60)
    again = forms_cmd.render_bytes(job(copy, "b.docx"), 60)
    assert rendered == [template] and again == ([*one[0]], [(tmp_path / "b.docx", one[1][0][1])])
    assert one[0] == ["agencies_aggregated"]  # the blank it shows, handed out with the bytes
    other = forms_cmd.render_bytes(job({**copy, "org_name": "乙企业管理咨询有限公司"}, "c.docx"), 60)
    assert rendered == [template, template] and other[1][0][1] != one[1][0][1]
    text = "\n".join(p.text for p in Document(io.BytesIO(other[1][0][1])).paragraphs)
    assert "乙企业管理咨询有限公司" in text


def test_what_a_template_reads_comes_from_the_cache_on_the_next_run_and_renders_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fill-forms analyses each template once per cache (docxtpl's patching, the names each part
    reads): a later run opens it and takes the rest from the cache, and its forms are the bytes an
    analysis from scratch gives. An entry of another analysis format, or of another shape, misses."""
    from docxtpl import DocxTemplate

    from pingtai_cli.intake import cache
    from pingtai_cli.outputs.forms import render

    template = tmp_path / "form.docx"
    doc = Document()
    doc.add_paragraph("申报单位：{{ org_name }}")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "{%tr for p in staff %}"
    table.add_row().cells[0].text = "{{ p.name }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    doc.sections[0].footer.paragraphs[0].text = "页脚 {{ credit_code }}"
    doc.save(str(template))
    ctx = form_context(make_dossier())
    patched: list[str] = []
    real_patch = DocxTemplate.patch_xml
    monkeypatch.setattr(DocxTemplate, "patch_xml", lambda self, xml: patched.append(xml) or real_patch(self, xml))

    def fresh(on: bool) -> tuple[render.Prepared, bytes]:
        monkeypatch.setattr(render, "_prepared", {})
        with cache.enabled(on):
            ready = render.prepared(template)
        out = io.BytesIO()
        render_form(template, ctx, out)
        return ready, zipfile.ZipFile(out).read("word/document.xml")

    scratch, want = fresh(False)
    assert patched and not (cache.cache_dir() / render.ANALYSIS).exists()  # --no-cache: nothing kept
    fresh(True)  # analysed, and kept
    patched.clear()
    kept, got = fresh(True)
    assert patched == [] and got == want
    assert (kept.variables, kept.reads) == (scratch.variables, scratch.reads) and {"org_name", "staff", "credit_code"} <= kept.variables
    monkeypatch.setattr(render, "ANALYSIS_FORMAT", render.ANALYSIS_FORMAT + 1)
    fresh(True)
    assert patched  # another format: analysed again
    key = render._analysis_key(scratch.digest)
    with cache.enabled(True):
        cache.put(render.ANALYSIS, key, {"variables": "org_name", "reads": None, "patched": {}})
    patched.clear()
    odd, got = fresh(True)
    assert patched and odd.variables == scratch.variables and got == want


def test_the_parts_no_render_changes_are_written_as_zipfile_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render writes the template's unchanged parts (styles, theme, settings) from their deflated
    bytes and CRC made once, header and data in one go: every member, header field and byte is what
    zipfile's own writer makes of them (but for the time it was written)."""
    from builders import zip_layout
    from pingtai_cli.outputs.forms import render

    template = TEMPLATES / "_common" / "review_opinion.docx"
    ctx = form_context(make_dossier())
    ours = io.BytesIO()
    render_form(template, ctx, ours)
    monkeypatch.setattr(render, "_ZIP_WRITER", ("no such attribute",))  # zipfile's writer for each
    theirs = io.BytesIO()
    render_form(template, ctx, theirs)
    fixed = [p.partname.membername for p in render.prepared(template).master.fixed]
    assert "word/styles.xml" in fixed and zip_layout(ours.getvalue()) == zip_layout(theirs.getvalue())


def test_render_workers_started_after_the_batch_render_what_is_left_and_are_closed(tmp_path: Path) -> None:
    """fill-forms starts render workers when forms are left to render after the batch (a
    duplicate's 审核意见表, the summary); they render those, or are closed unused when one form is
    left (it is rendered in this process)."""

    template = TEMPLATES / "_common" / "review_opinion.docx"
    ctx = form_context(make_dossier())
    out = tmp_path / "out"

    def job(name: str) -> forms_cmd.Job:
        return forms_cmd.Job(forms_cmd.REVIEW_OPINION_NAME, template, ctx, out / name / "审核意见表.docx")

    for names in (["a", "b", "c"], ["d"]):
        renderers = forms_cmd.Renderers(2, [template])
        written = forms_cmd.write_jobs([job(n) for n in names], out, workers=2, renderers=renderers)
        assert written == [out / n / "审核意见表.docx" for n in names] and all(p.is_file() for p in written)
        with pytest.raises(RuntimeError):  # closed either way
            renderers.pool.submit(int)


def test_a_summarys_workbook_reads_the_forms_main_part_alone_and_is_the_one_the_whole_package_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .xlsx beside a summary is made from its rendered .docx: only its main part is parsed
    (the styles, numbering and theme say nothing of its tables), and the workbook is the one opening
    the whole package with python-docx gives, cell for cell and byte for byte."""
    from pingtai_cli.outputs.forms import render

    template = TEMPLATES / "_common" / "summary.docx"
    ctx = summary_context([form_context(make_dossier()), form_context(make_dossier("/intake/长葛", org_name="长葛市鑫诚检测技术服务有限公司"))])
    form = io.BytesIO()
    render_form(template, ctx, form)

    def workbook() -> bytes:
        out = io.BytesIO()
        render.docx_tables_to_xlsx(io.BytesIO(form.getvalue()), out, title="申报汇总表")
        return out.getvalue()

    opened: list[str] = []
    real = render._main_document
    monkeypatch.setattr(render, "_main_document", lambda src: opened.append("main") or real(src))
    quick = workbook()
    monkeypatch.setattr(render, "_main_document", lambda src: opened.append("whole") or Document(src))
    def members(book: bytes) -> dict[str, bytes]:  # but for the times openpyxl writes (a second apart: flaky)
        with zipfile.ZipFile(io.BytesIO(book)) as zf:
            return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}

    assert members(workbook()) == members(quick) and opened == ["main", "whole"]
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(quick)).active.iter_rows()]
    assert any("长葛市鑫诚检测技术服务有限公司" in r for r in rows)
    assert real(io.BytesIO(form.getvalue())).part is None  # its main part alone, no package opened


def test_a_few_dozen_forms_are_all_sent_to_the_render_workers_before_this_process_writes_any() -> None:
    """The window of forms out at once counts forms, not chunks: an intake's 30 审核意见表 (chunks of
    one) all go out before this process writes what the batch made ahead, so that no worker waits
    for it; a thousand forms still go out a bounded window at a time."""
    from concurrent.futures import Future

    sent: list[int] = []

    class Pool:
        def submit(self, fn, chunk, limit, keep=False):  # type: ignore[no-untyped-def]
            sent.extend(chunk)
            f: Future = Future()
            f.set_result([([], [(Path(str(j)), b"")]) for j in chunk])
            return f

    when: list[int] = []
    for n in (31, 1000):
        sent.clear()
        when.clear()
        got = [job for job, _ in forms_cmd._rendered(Pool(), list(range(n)), 1.0, 2, lambda: when.append(len(sent)))]  # type: ignore[arg-type]
        assert got == list(range(n)) and len(when) == 1
    assert when == [forms_cmd.IN_FLIGHT * forms_cmd.CHUNK_MAX * 2]  # the thousand: one window out first
    sent.clear()
    when.clear()
    list(forms_cmd._rendered(Pool(), list(range(31)), 1.0, 2, lambda: when.append(len(sent))))  # type: ignore[arg-type]
    assert when == [31]


def _column_cm(template: Path, header: str) -> list[float]:
    from docx.oxml.ns import qn

    """The width (cm) of every table column headed `header` in the template."""
    doc = Document(str(template))
    widths = []
    for table in doc.tables:
        grid = [int(c.get(qn("w:w"))) / 567 for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows[:3]:
            cells = row._tr.findall(qn("w:tc"))
            col = 0
            for tc in cells:
                span = tc.tcPr.gridSpan.val if tc.tcPr is not None and tc.tcPr.gridSpan is not None else 1
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                if text == header:
                    widths.append(sum(grid[col : col + span]))
                col += span
    return widths


@pytest.mark.parametrize(
    ("rel", "header", "least"),
    [
        ("_common/summary.docx", "统一社会信用代码", 4.5),  # 18 characters, one line (LibreOffice, as printed)
        ("heilongjiang/recommendation_summary.docx", "统一社会信用代码", 4.5),
        ("xuchang/recommendation_form.docx", "联系电话", 3.3),  # the 测评 table: an 11-digit mobile number
    ],
)
def test_printed_columns_hold_a_credit_code_or_a_mobile_number_on_one_line(rel: str, header: str, least: float) -> None:
    """Looked at as PNG via LibreOffice (issue 16): at 3.4 cm the summaries broke every credit code
    after 13 characters, and the 测评 table broke every phone number after 9 digits."""
    widths = _column_cm(TEMPLATES / rel, header)
    assert widths and min(widths) >= least, widths


def test_the_review_opinions_signature_lines_are_one_line_each() -> None:
    """Indented 1 cm with four spaces before 日期, the date broke onto a second line in print."""
    doc = Document(str(TEMPLATES / "_common" / "review_opinion.docx"))
    lines = [p for p in doc.paragraphs if p.text.startswith(("审核人（签字）", "复核人（签字）"))]
    assert len(lines) == 2
    for p in lines:
        assert not p.paragraph_format.left_indent and len(p.text) <= 40, p.text
