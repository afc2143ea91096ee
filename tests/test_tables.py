"""The 申请表 in every container through one label reader; one fact, several sources."""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

import pytest

from builders import text_pdf, word_form
from pingtai_cli.api import read_dossier
from pingtai_cli.intake.dossier import process_file
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.tables import Box, boxes_grid
from test_pdf import LICENCE

SAMPLES = Path(__file__).resolve().parents[1] / "sample_dossiers"


def _form_docx(rows: list[tuple[str, str]], merged_label: bool = False) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("辽宁省中小企业公共服务示范平台申请表")
    table = document.add_table(rows=0, cols=3)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        if merged_label:  # the label spans two grid columns, as Word forms often do
            cells[0].merge(cells[1])
        else:
            cells[1].text = ""
        cells[2].text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_a_word_form_is_read_by_label_with_merged_cells_and_typed_evidence() -> None:
    data = _form_docx([("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额（万元）", "320"), ("从业人数", "15人")], True)
    material = process_file("申请表.docx", data, Limits())
    form = material.form
    assert form is not None
    assert form.facts["total_assets"].value == pytest.approx(320.0)
    assert form.facts["staff_total"].value == 15
    ev = form.facts["org_name"].evidence
    assert ev is not None and ev.sheet == "表1" and ev.cell == "C1" and ev.how == "typed"


def test_pdf_words_without_rules_are_laid_into_rows_and_cells() -> None:
    grid = boxes_grid("第1页", [
        Box("单位", 50, 100, 74, 112), Box("名称", 76, 100, 100, 112), Box("某某有限公司", 300, 101, 380, 113),
        Box("从业人数", 50, 130, 100, 142), Box("15", 300, 131, 312, 143),
    ])
    assert grid.rows == [["单位名称", "某某有限公司"], ["从业人数", "15"]]


def test_a_dossier_with_only_word_and_pdf_files_reads_its_form_from_the_docx() -> None:
    d = read_dossier(SAMPLES / "liaoning_word_only", use_cache=False)
    assert d.workbook is None
    assert "workbook.missing" not in {f.id for f in d.findings}
    assert "sources.form_in_document" in {f.id for f in d.findings}
    assert d.facts["total_assets"].value == pytest.approx(260.0)
    assert d.facts["total_assets"].evidence.file == "申请表.docx"  # type: ignore[union-attr]
    # the 申请报告's table states the same 资产总额: one fact, two sources
    assert [e.file for e in d.facts["total_assets"].sources] == ["申请表.docx", "申请报告.docx"]
    assert len(d.lists["staff"]) == 14 and [r["year"] for r in d.yearly] == [2023, 2024, 2025]


def test_a_pdf_form_is_read_through_its_ruled_tables() -> None:
    d = read_dossier(SAMPLES / "liaoning_pdf_form", use_cache=False)
    fact = d.facts["smes_served"]
    assert fact.value == 130
    assert fact.evidence.file == "申请表（盖章版）.pdf" and fact.evidence.how == "text"  # type: ignore[union-attr]
    assert (fact.evidence.sheet or "").startswith("第1页表")  # type: ignore[union-attr]
    # lists continued across pages (the header repeated on each) are read whole
    assert len(d.lists["staff"]) == 14 and len(d.lists["served_smes"]) == 130


def test_a_workbook_and_a_word_form_that_disagree_give_a_finding_naming_both(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(SAMPLES / "liaoning_eligible", folder)
    rows = [("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额（万元）", "230"), ("从业人数", "15")]
    (folder / "申请表（Word版）.docx").write_bytes(_form_docx(rows))
    d = read_dossier(folder, use_cache=False)
    assert d.facts["total_assets"].value == pytest.approx(320.0)  # the workbook's value is used
    differ = [f for f in d.findings if f.id == "sources.differ" and f.field == "total_assets"]
    assert len(differ) == 1
    message = differ[0].message
    assert "申请表.xlsx" in message and "申请表（Word版）.docx 表1" in message and "采用前者" in message
    assert not [f for f in d.findings if f.id == "sources.differ" and f.field == "staff_total"]


def test_document_facts_stand_in_for_what_the_form_lacks(tmp_path: Path) -> None:
    d = read_dossier(SAMPLES / "liaoning_audit_yuan", use_cache=False)
    fact = d.facts["total_assets"]
    assert fact.value == pytest.approx(1250.0) and fact.evidence.file == "2025年度审计报告.pdf"  # type: ignore[union-attr]
    folder = tmp_path / "lic"
    folder.mkdir()
    (folder / "营业执照.pdf").write_bytes(text_pdf([["营业执照", *LICENCE]]))
    d = read_dossier(folder, use_cache=False)
    assert d.facts["org_type"].value == "企业法人"  # 类型 有限责任公司
    assert str(d.facts["registration_date"].value) == "2019-03-15"
    assert "sources.from_document" in {f.id for f in d.findings}


@pytest.mark.slow
def test_a_scanned_form_is_laid_into_the_grid_from_its_ocr_lines() -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument((SAMPLES / "liaoning_pdf_form" / "申请表（盖章版）.pdf").read_bytes())
    page = pdf[0].render(scale=150 / 72).to_pil().convert("L").convert("RGB")
    buf = io.BytesIO()
    page.save(buf, format="PDF", resolution=150)
    material = process_file("申请表扫描件.pdf", buf.getvalue(), Limits())
    form = material.form
    assert form is not None
    code = form.facts["credit_code"]
    assert code.value == "91210302MARQ9U9J35" and code.evidence.how == "ocr"  # type: ignore[union-attr]
    assert form.facts["staff_total"].value == 14
    assert code.uncertain  # a reading for a reviewer to confirm


def test_a_form_and_a_licence_of_different_kinds_of_body_give_a_finding_naming_both(tmp_path: Path) -> None:
    for written, differs in (("事业单位", True), ("有限责任公司（自然人投资或控股）", False)):
        folder = tmp_path / written
        folder.mkdir()
        (folder / "营业执照.pdf").write_bytes(text_pdf([["营业执照", *LICENCE]]))
        (folder / "申请表.docx").write_bytes(_form_docx([("单位名称", "许昌智联科技服务有限公司"), ("单位性质", written), ("资产总额（万元）", "230"), ("从业人数", "15")]))
        d = read_dossier(folder, use_cache=False)
        assert d.facts["org_type"].value == written  # the form's value stands
        differ = [f for f in d.findings if f.id == "sources.differ" and f.field == "org_type"]
        assert len(differ) == differs
        if differs:
            message = differ[0].message
            assert "申请表.docx 表1" in message and "营业执照.pdf 第1页" in message
            assert "事业单位" in message and "企业法人" in message and "采用前者" in message


# ------------------------------------------------ a unit note written above a report's table

FORM = [("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额", "3,200,000.00"), ("从业人数", "15人")]


def _report_docx(blocks: list[str | list[tuple[str, str]]]) -> bytes:
    """A 申请报告: paragraphs (str) and tables (rows of label, value) in the order given."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=0, cols=2)
        for label, value in block:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _assets(name: str, data: bytes) -> tuple[float, str | None]:
    form = process_file(name, data, Limits()).form
    assert form is not None
    fact = form.facts["total_assets"]
    return fact.value, fact.evidence.how  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("above", "rows", "read"),
    [
        (["二、申请表", "金额单位：元"], FORM, 320.0),
        (["平台基本情况表（金额单位：人民币万元）"], [*FORM[:1], ("资产总额", "320"), *FORM[2:]], 320.0),
        (["（单位：元）"], [("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额：3200000", ""), ("从业人数", "15")], 320.0),
    ],
)
def test_a_unit_note_above_a_word_reports_table_is_the_unit_of_its_bare_amounts(
    above: list[str], rows: list[tuple[str, str]], read: float
) -> None:
    data = _report_docx(["申请报告", "一、申请单位的基本情况", *above, rows])
    assert _assets("申请报告.docx", data) == (pytest.approx(read), "typed")


def test_a_unit_note_above_another_table_or_inside_body_text_settles_nothing() -> None:
    # the note belongs to the table under it; a sentence that mentions 单位：元 is no note
    other = [("年度", "营业收入"), ("2025", "5,000,000")]
    for blocks in (
        ["金额单位：元", other, "二、申请表", FORM],
        ["三、服务收费标准（单位：元/次）", FORM],  # a price's unit
        ["本单位近三年的财务数据均经会计师事务所审计，资产负债表以人民币列示（单位：元），利润表、现金流量表另附于后，均与申请表一致。", FORM],
        ["金额单位：元", "（单位：万元）", FORM],  # two notes that disagree
    ):
        assert _assets("申请报告.docx", _report_docx(["申请报告", *blocks])) == (3200000.0, "unit_inferred")


def test_a_unit_note_above_a_pdf_reports_ruled_table_is_the_unit_of_its_bare_amounts() -> None:
    from builders import table_pdf

    data = table_pdf(["二、申请表", "金额单位：元"], FORM)
    assert _assets("申请报告.pdf", data) == (pytest.approx(320.0), "text")
    assert _assets("申请报告.pdf", table_pdf(["二、申请表"], FORM)) == (3200000.0, "unit_inferred")  # read as written, for review


def test_a_form_nested_in_the_cell_of_a_framing_table_is_read() -> None:
    """A 申请表 pasted into a table cell under a title row: python-docx gives only the outer table."""
    import docx

    document = docx.Document()
    outer = document.add_table(rows=2, cols=1)
    outer.cell(0, 0).text = "辽宁省中小企业公共服务示范平台申请表"
    rows = [("单位名称", "沈阳智联中小企业服务有限公司"), ("资产总额", "320万元"), ("从业人数", "15人")]
    inner = outer.cell(1, 0).add_table(rows=len(rows), cols=2)
    for i, (label, value) in enumerate(rows):
        inner.cell(i, 0).text, inner.cell(i, 1).text = label, value
    buf = io.BytesIO()
    document.save(buf)
    form = process_file("b1.docx", buf.getvalue(), Limits()).form
    assert form is not None
    assert form.facts["total_assets"].value == pytest.approx(320.0)
    assert form.facts["staff_total"].value == 15
    ev = form.facts["org_name"].evidence
    assert ev is not None and ev.sheet == "表2" and ev.cell == "B1"


FORM_ROWS = [["单位名称", "沈阳智联中小企业服务有限公司"], ["资产总额", "260万元"], ["从业人数", "15人"],
             ["年服务中小企业数", "130家"], ["用户满意度", "90%"]]


def _with(rows: list[list[str]], label: str, value: str) -> list[list[str]]:
    return [[k, value if k == label else v] for k, v in rows]


def test_a_served_count_taken_from_the_yearly_table_cites_its_own_cell(tmp_path: Path) -> None:
    """The form's 年服务中小企业数 unreadable: the 2025 row's count stands in, and the evidence is
    that count's cell (G4, “130”), not the row's year cell (A4) with “2025年” as what was written."""
    from datetime import date

    from pingtai_cli import check_dossier

    yearly = [["年度", "营业收入", "服务收入", "资产总额", "利润总额", "上缴税金", "服务中小企业数"],
              ["2023", "130.0", "96.2", "213.2", "10.4", "6.5", "90"],
              ["2024", "145.6", "107.7", "236.6", "11.6", "7.3", "108"],
              ["2025", "161.2", "119.3", "260.0", "12.9", "8.1", "130"]]
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "申请表.docx").write_bytes(word_form(_with(FORM_ROWS, "年服务中小企业数", "不足130家"), yearly))
    fact = check_dossier(tmp_path / "d", "liaoning", as_of=date(2026, 3, 15)).to_dict()["facts"]["smes_served"]
    assert fact["value"] == 130
    assert fact["evidence"]["sheet"] == "表2" and fact["evidence"]["cell"] == "G4", fact
    assert fact["raw"] == "130"


def test_column_labels_over_rows_of_years_take_the_latest_years_figures() -> None:
    """| 项目 | 从业人数 | 资产总额 | over | 2024年 | 9人 | … | and | 2025年 | 14人 | … |: the cell under
    the label is 2024's, and 9人 failed 第十二条（六） (≥10人) though the applicant has 14 now."""
    rows = [["单位名称", "沈阳智联中小企业服务有限公司", "", ""],
            ["项目", "从业人数", "资产总额", "年服务中小企业数"],
            ["2024年", "9人", "236.6万元", "108家"],
            ["2025年", "14人", "260万元", "130家"]]
    form = process_file("b1.docx", word_form(rows), Limits()).form
    assert form is not None
    assert form.facts["staff_total"].value == 14
    assert form.facts["total_assets"].value == pytest.approx(260.0)
    assert form.facts["smes_served"].value == 130
    assert form.facts["staff_total"].evidence.cell == "B4"  # type: ignore[union-attr]


def test_a_year_in_two_yearly_tables_takes_what_the_first_leaves_blank_from_the_second() -> None:
    """A 近两年主要指标 table (年度 | 资产总额) before the 运营情况 table: the second's 服务中小企业数
    were dropped (“2024 年出现了不止一次，采用先出现的一行”), and the growth went missing."""
    data = word_form(
        FORM_ROWS,
        [["年度", "资产总额（万元）"], ["2024年", "236.6"], ["2025年", "260"]],
        [["年度", "营业收入", "资产总额", "服务中小企业数"], ["2024", "145.6", "236.6", "108"], ["2025", "161.2", "260.0", "130"]],
    )
    result = process_file("b1.docx", data, Limits()).form
    assert result is not None
    assert [(r["year"], r["smes_served"]) for r in result.yearly] == [(2024, 108), (2025, 130)]
    assert "read.yearly_duplicate_year" not in {f.id for f in result.findings}


# ------------------------------------------------ a 申请报告 that writes its form as paragraphs


def _report_form(lines: list[str | list[tuple[str, str]]]) -> dict[str, tuple[object, str]]:
    form = process_file("申请报告.docx", _report_docx(lines), Limits()).form
    return {} if form is None else {k: (f.value, f.evidence.sheet) for k, f in form.facts.items()}  # type: ignore[union-attr]


def test_a_word_report_that_writes_its_form_as_label_value_paragraphs_is_read_citing_the_paragraph() -> None:
    # 第N段 counts the paragraphs that have text, as a reader counts them (the empty one is skipped)
    facts = _report_form(
        ["辽宁省中小企业公共服务示范平台申请报告", "", "申报单位名称：沈阳智联中小企业服务有限公司",
         "成立日期：2018年6月8日", "资产总额：３２０万元", "从业人数：15人"]
    )
    assert facts["org_name"] == ("沈阳智联中小企业服务有限公司", "正文第2段")
    assert facts["registration_date"] == (datetime.date(2018, 6, 8), "正文第3段")
    assert facts["total_assets"] == (pytest.approx(320.0), "正文第4段")
    assert facts["staff_total"] == (15, "正文第5段")


def test_a_reports_table_wins_over_its_paragraphs_and_a_disagreement_is_named() -> None:
    data = _report_docx(["申请报告", [*FORM[:1], ("资产总额", "320万元"), *FORM[2:]], "资产总额：500万元"])
    form = process_file("申请报告.docx", data, Limits()).form
    assert form is not None
    assert (form.facts["total_assets"].value, form.facts["total_assets"].evidence.sheet) == (320.0, "表1")  # type: ignore[union-attr]
    [conflict] = [f for f in form.findings if f.id == "read.conflicting_values"]
    assert "表1!B2" in conflict.message and "正文第2段" in conflict.message


def test_narrative_sentences_of_a_report_are_no_form() -> None:
    # a sentence with several numbers, or a growth rate, is not a label and its value
    assert _report_form(
        ["申请报告", "2025年共服务中小企业70家，较上年的62家增长12.9%，用户满意度90%；与4家服务机构签订合作协议。",
         "单位现有员工35人，资产总额较上年增长20%。", "下一步力争年服务中小企业200家以上。"]
    ) == {}


_OWN_FORM = ["单位名称：大连港湾中小企业服务有限公司", "统一社会信用代码：91210202MA66BQL40C", "成立日期：2017年4月21日"]


def test_a_reports_quotation_of_the_conditions_is_not_the_applicants_figures() -> None:
    # a 申请报告 that first quotes 第十二条 (资产总额：不低于100万元 …) and then states its own 60万元
    # and 8人: the quotation is the text's requirement, read as the applicant's figure it made a
    # dossier whose own assets fall short pass the 资产总额 condition at 100万元
    data = _report_docx(
        ["申请报告", "二、申报条件（《辽宁省中小企业公共服务示范平台认定管理办法》第十二条）",
         "（一）基本条件", "1. 资产总额：不低于100万元", "2. 从业人数：不少于10人", "（二）服务条件",
         "3. 年服务中小企业数：80家以上", "三、本单位基本情况", *_OWN_FORM, "资产总额：60万元", "从业人数：8人"]
    )
    form = process_file("申请报告.docx", data, Limits()).form
    assert form is not None
    facts = {k: (f.value, f.evidence.sheet) for k, f in form.facts.items()}  # type: ignore[union-attr]
    assert facts["total_assets"] == (pytest.approx(60.0), "正文第12段")
    assert facts["staff_total"] == (8, "正文第13段")
    assert "smes_served" not in facts
    # the quoted line is no label waiting for its value in the next paragraph (三、本单位基本情况)
    assert [f.message for f in form.findings if f.id == "read.bad_value"] == []


def test_a_reports_bare_requirement_line_gives_way_to_its_own_figure() -> None:
    # no heading says it is the text's condition, but `不低于100万元` bounds, `60万元` states
    facts = _report_form(["申请报告", *_OWN_FORM, "资产总额：不低于100万元", "资产总额：60万元"])
    assert facts["total_assets"] == (pytest.approx(60.0), "正文第6段")


def test_a_dossier_whose_form_is_its_reports_paragraphs_says_so_not_a_table(tmp_path: Path) -> None:
    # the reviewer is told where the data came from: a table they would look for in vain
    shutil.copytree(SAMPLES / "liaoning_word_only", tmp_path / "d")
    (tmp_path / "d" / "申请表.docx").unlink()
    (tmp_path / "d" / "申请报告.docx").write_bytes(
        _report_docx(["辽宁省中小企业公共服务示范平台申请报告", *_OWN_FORM, "资产总额：260万元", "从业人数：14人"])
    )
    d = read_dossier(tmp_path / "d", use_cache=False)
    [said] = [f.message for f in d.findings if f.id == "sources.form_in_document"]
    assert said == "卷宗中没有Excel申请表，申报数据读自申请报告.docx正文中“项目：内容”的各段"
    assert d.facts["total_assets"].evidence.sheet == "正文第5段"  # type: ignore[union-attr]


def test_a_reports_paragraphs_under_a_list_title_are_no_list_rows() -> None:
    # 合作单位 / 服务的中小企业名单 as a paragraph is a title (of a table, or of narrative), and the
    # paragraphs after it are no rows of that list: 年服务中小企业数：60家 was taken for a fifth partner
    # and never read as the figure it states
    data = _report_docx(
        ["申请报告", *_OWN_FORM, "资产总额：260万元", "合作单位", "年服务中小企业数：60家",
         "服务的中小企业名单及服务评价表", "2025年共服务中小企业130家，较上年的108家增长20.4%。", "详见附件。"]
    )
    form = process_file("申请报告.docx", data, Limits()).form
    assert form is not None
    assert form.lists == {}
    assert (form.facts["smes_served"].value, form.facts["smes_served"].evidence.sheet) == (60, "正文第7段")  # type: ignore[union-attr]


@pytest.mark.parametrize("label", ["上年度服务中小企业数", "上一年度服务中小企业数", "年服务中小企业数量"])
def test_the_served_count_is_read_under_the_ways_a_report_names_last_years_count(label: str) -> None:
    lines = ["申请报告", "申报单位名称：沈阳智联中小企业服务有限公司", "成立日期：2018年6月8日", f"{label}：130家"]
    assert _report_form(lines)["smes_served"] == (130, "正文第4段")


def test_a_count_that_is_not_a_years_is_not_the_served_count() -> None:
    # 累计 (since founding) and a bare 服务中小企业数 say no year: not 年服务中小企业数
    for label in ("累计服务中小企业数", "服务中小企业数"):
        lines = ["申请报告", "申报单位名称：沈阳智联中小企业服务有限公司", "成立日期：2018年6月8日", f"{label}：900家"]
        assert "smes_served" not in _report_form(lines)


def _pdf_report_form(pages: list[list[str]]) -> dict[str, tuple[object, str]]:
    form = process_file("申请报告.pdf", text_pdf(pages), Limits()).form
    return {} if form is None else {k: (f.value, f.evidence.sheet) for k, f in form.facts.items()}  # type: ignore[union-attr]


_CONDITIONS = ["二、申报条件", "根据《辽宁省中小企业公共服务示范平台认定管理办法》，申报单位应具备以下条件：",
               "资产总额：不低于100万元", "从业人数：不少于10人", "年服务中小企业数：80家以上", "用户满意度：80%以上"]


def test_a_pdf_reports_quotation_of_the_conditions_is_not_the_applicants_figures() -> None:
    # the .docx rule, for a report printed to PDF (its lines on a text layer, no ruled table): under
    # 二、申报条件 the lower bounds are the text's. They were read as the applicant's: 资产总额 100,
    # 从业人数 10 and 满意度 80 passed LN-B05/B06 for a report stating no figure of its own, and
    # quoted before the applicant's own 60万元 they won (read.conflicting_values, 采用前者)
    only = _pdf_report_form([["辽宁省中小企业公共服务示范平台申请报告", *_OWN_FORM, *_CONDITIONS]])
    assert not {"total_assets", "staff_total", "smes_served", "satisfaction_rate"} & set(only)
    assert only["org_name"][0] == "大连港湾中小企业服务有限公司"
    first = _pdf_report_form([["申请报告", *_CONDITIONS, "三、本单位基本情况", *_OWN_FORM, "资产总额：60万元", "从业人数：8人"]])
    assert first["total_assets"][0] == pytest.approx(60.0) and first["staff_total"][0] == 8
    # the quotation runs on to the next page of the report
    over = _pdf_report_form([["申请报告", *_OWN_FORM, *_CONDITIONS[:3]], [*_CONDITIONS[3:], "三、服务情况", "2025年共服务中小企业130家。"]])
    assert not {"total_assets", "staff_total", "smes_served", "satisfaction_rate"} & set(over)


def test_a_pdf_report_that_writes_its_form_as_label_value_lines_is_read() -> None:
    facts = _pdf_report_form([["辽宁省中小企业公共服务示范平台申请报告", "一、申请单位的基本情况", *_OWN_FORM,
                               "资产总额：320万元", "从业人数：15人", "2025年共服务中小企业70家，较上年的62家增长12.9%。"]])
    assert facts["total_assets"][0] == pytest.approx(320.0) and facts["staff_total"][0] == 15
    assert "smes_served" not in facts  # a narrative sentence is no label and its value


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_conditions_a_report_introduces_with_a_sentence_are_not_the_applicants_figures(kind: str) -> None:
    # no heading this time: `申报单位应具备下列条件：` introduces the quoted floors. They were read as
    # the applicant's own lower bounds (资产总额 ≥100万元, 从业人数 ≥10人, 满意度 ≥80%), which meet the
    # thresholds exactly: LN-B03/B05/B06 passed on the 办法's words
    lines = ["申请报告", *_OWN_FORM, "根据《办法》第十二条，申报单位应具备下列条件：", "资产总额：不低于100万元",
             "从业人数：不少于10人", "用户满意度：80%以上", "三、本单位基本情况", "资产总额：60万元"]
    facts = _report_form(lines) if kind == "docx" else _pdf_report_form([lines])
    assert "staff_total" not in facts and "satisfaction_rate" not in facts
    assert facts["total_assets"][0] == pytest.approx(60.0)
