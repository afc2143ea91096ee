"""Material classification by file name and by content, with the reason reported."""

from __future__ import annotations

import pytest

from pingtai_cli.intake.materials import (
    catalogue,
    classify,
    classify_content,
    classify_name,
    classify_sections,
    material_for_sheet,
)

SPEC_KEYS = {
    "application_report", "business_license", "audit_report", "premises_proof",
    "service_evidence", "recognition_docs", "qualification_certs", "authenticity_declaration",
    "other_supporting", "credit_report", "equipment_list", "management_rules", "staff_list",
    "served_sme_list", "development_plan", "local_tax_proof",
}  # fmt: skip


def keys(hits: list[tuple[str, str]]) -> list[str]:
    return list(dict.fromkeys(k for k, _ in hits))


def test_catalogue_covers_every_material_key_of_the_spec() -> None:
    table = catalogue()
    assert set(table) >= SPEC_KEYS
    assert all(table[k].name and (table[k].file_names or table[k].titles) for k in SPEC_KEYS)
    assert {k for k, m in table.items() if m.extra} == set(table) - SPEC_KEYS


@pytest.mark.parametrize(
    ("name", "key", "word"),
    [
        ("02营业执照副本.pdf", "business_license", "营业执照"),
        ("事业单位法人证书.jpg", "business_license", "法人证书"),
        ("审计报告2025.pdf", "audit_report", "审计报告"),
        ("附件4-租赁合同.pdf", "premises_proof", "租赁合同"),
        ("不动产权证书.pdf", "premises_proof", "不动产"),
        ("信用中国报告.pdf", "credit_report", "信用中国"),
        ("申报材料真实性声明（盖章）.pdf", "authenticity_declaration", "真实性声明"),
        ("ICP截图.png", "qualification_certs", "ICP"),
        ("网站icp.png", "qualification_certs", "ICP"),
        ("完税证明2025.pdf", "local_tax_proof", "完税证明"),
        ("许昌某平台申请报告.docx", "application_report", "申请报告"),
        ("中小企业公共服务示范平台申请表.xlsx", "application_form", "申请表"),
    ],
)
def test_file_name_words_classify_with_the_word_as_reason(name: str, key: str, word: str) -> None:
    hits = classify_name(name)
    assert (key, f"文件名含“{word}”") in hits


def test_a_meaningless_name_matches_nothing() -> None:
    assert classify_name("scan0003.pdf") == []
    assert classify("scan0003.pdf", ["", ""]) == []


def test_a_name_naming_two_materials_gives_both() -> None:
    assert keys(classify_name("营业执照及租赁合同.pdf")) == ["business_license", "premises_proof"]


def test_licence_content_is_recognised_by_its_title_on_page_1() -> None:
    page = "营 业 执 照\n（副 本）\n统一社会信用代码 91411000MA44ABCD1N\n名 称 许昌智联科技服务有限公司"
    assert classify_content([page]) == [("business_license", "第1页标题含“营业执照”")]


def test_licence_body_words_classify_when_the_title_was_not_read() -> None:
    page = (
        "统一社会信用代码 91411000MA44ABCD1N\n名称 许昌智联科技服务有限公司\n"
        "法定代表人 张三\n成立日期 2019年03月15日\n经营范围 信息技术咨询服务"
    )
    hits = classify_content(["", "副本 编号 000123 " * 10 + page])
    assert keys(hits) == ["business_license"]
    assert hits[0][1] == "第2页内容含“统一社会信用代码”“法定代表人”“成立日期”“经营范围”"


def test_a_credit_report_with_licence_words_is_not_taken_for_a_licence() -> None:
    page = (
        "信用中国\n公共信用信息报告\n统一社会信用代码 91411000MA44ABCD1N\n"
        "法定代表人 张三 成立日期 2019-03-15 经营范围 信息技术咨询服务"
    )
    assert keys(classify_content([page])) == ["credit_report"]


def test_audit_report_pages_are_recognised_from_body_words_on_a_later_page() -> None:
    pages = [
        "许昌智联科技服务有限公司\n二〇二五年度",
        "资产负债表\n资产总计 3,200,000.00\n注册会计师：李四",
    ]
    hits = classify_content(pages)
    assert keys(hits) == ["audit_report"]
    assert hits[0][1].startswith("第2页内容含“资产负债表”")


def test_words_beyond_the_first_pages_do_not_count() -> None:
    pages = ["正文"] * 3 + ["资产负债表 注册会计师"]
    assert classify_content(pages) == []


def test_full_width_and_spaced_titles_still_match() -> None:
    assert keys(classify_content(["ＩＣＰ 备案信息\n网站名称 某平台"])) == ["qualification_certs"]
    assert keys(classify_content(["申 报 材 料 真 实 性 声 明\n本单位承诺"])) == [
        "authenticity_declaration"
    ]


def test_name_and_content_reasons_are_both_kept() -> None:
    hits = classify("审计报告2025.pdf", ["XX有限公司2025年度审计报告"])
    assert hits == [
        ("audit_report", "文件名含“审计报告”"),
        ("audit_report", "第1页标题含“审计报告”"),
    ]


def test_report_sections_stand_in_for_management_rules_and_plans() -> None:
    headings = ["一、平台基本情况", "五、管理制度和服务“五公开”情况", "六、下一步发展规划"]
    hits = classify_sections(headings)
    assert hits == [
        ("management_rules", "申请报告章节“五、管理制度和服务“五公开”情况”"),
        ("development_plan", "申请报告章节“六、下一步发展规划”"),
    ]


def test_list_sheets_stand_in_for_their_materials() -> None:
    assert material_for_sheet("staff") == "staff_list"
    assert material_for_sheet("served_smes") == "served_sme_list"
    assert material_for_sheet("equipment") == "equipment_list"
    assert material_for_sheet("partners") is None
