"""Builders of what tests feed pingtai: text PDFs, Word files, locked files, an in-memory dossier.

One function per kind of file, shared by every test (and the hostile corpus) instead of a copy in
each module. Whole realistic dossiers come from scripts/make_samples.py (the committed samples,
tests/samples.py); these are the small single files a test needs to vary one thing.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from pingtai_cli.core.models import Dossier, Evidence, Fact, MaterialFile


def text_pdf(pages: list[list[str]], **canvas_kw: Any) -> bytes:
    """A PDF with a real text layer in the built-in CID font STSong-Light (no font file needed):
    one page per list of lines. `canvas_kw` goes to reportlab's Canvas (pagesize, encrypt)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=canvas_kw.pop("pagesize", A4), **canvas_kw)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 24 * i, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def table_pdf(above: list[str], rows: list[tuple[str, str]]) -> bytes:
    """A one-page text PDF: `above` as lines, then a ruled two-column table of `rows` (as a
    申请报告 prints its 申请表: a title, a unit note, the form)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=12, leading=18)
    table = Table([list(r) for r in rows], colWidths=[150, 250])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([*(Paragraph(line, style) for line in above), table])
    return buf.getvalue()


def encrypted_pdf(text: str = "机密") -> bytes:
    """A one-page PDF that opens only with a password."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    return text_pdf([[text]], encrypt=StandardEncryption("secret", ownerPassword="owner"))


def docx_bytes(*paragraphs: str) -> bytes:
    """A .docx of plain paragraphs (by default the opening of a 申请报告)."""
    import docx

    document = docx.Document()
    for text in paragraphs or ("申请报告", "一、申请单位的基本情况"):
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def word_form(
    *tables: list[list[str]],
    title: str = "辽宁省中小企业公共服务示范平台申请表",
    merges: dict[int, list[tuple[int, int, int, int]]] | None = None,
) -> bytes:
    """A .docx 申请表: its title, then each table given as rows of cell texts; `merges` maps a
    table's index to the cell ranges (row, col, last row, last col) merged in it, as Word merges
    a label over two rows (the range keeps its top-left cell's text)."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for index, rows in enumerate(tables):
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                table.cell(i, j).text = text
        for r0, c0, r1, c1 in (merges or {}).get(index, []):
            keep = table.cell(r0, c0).text
            table.cell(r0, c0).merge(table.cell(r1, c1)).text = keep
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def edited_copy(
    sample: Path, folder: Path, cells: dict[str, Any], drop: tuple[str, ...] = (), sheet: int = 0
) -> Path:
    """A copy of the dossier folder `sample` at `folder`, its workbook's sheet `sheet` edited: each
    cell set to its value (None empties it), a range (`A23:A24`) merged; the files `drop` left out."""
    import shutil

    import openpyxl

    shutil.copytree(sample, folder)
    for name in drop:
        (folder / name).unlink()
    book = next(folder.glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[sheet]
    for cell, value in cells.items():
        if ":" in cell:
            ws.merge_cells(cell)
        else:
            ws[cell] = value
    wb.save(book)
    return folder


def zip_of(members: dict[str, bytes]) -> bytes:
    """A plain deflated zip of name → bytes (an Office file's parts, a zip dossier's files)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


# --------------------------------------------------------------------------- a sample, changed

SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"


def edit_workbook(book: Path, form: dict[str, Any] | None = None, yearly: dict[tuple[int, str], Any] | None = None) -> None:
    """Change a 申请表 workbook as a person would: `form` label → the value in the cell right of
    the label (资产总额 → 60万元), `yearly` (year, column header) → that cell of the yearly table
    (2025, 服务中小企业数). A label or header that is not there is a mistake in the test."""
    from openpyxl import load_workbook

    wb = load_workbook(book)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    for label, value in (form or {}).items():
        cell = next((c for c in cells if c.value == label), None)
        assert cell is not None, f"{book.name} has no label {label}"
        cell.offset(column=1).value = value
    for (year, header), value in (yearly or {}).items():
        head = next((c for c in cells if c.value == header and any(  # the table's header row: it has 年度
            x.value == "年度" for x in c.parent[c.row])), None)
        assert head is not None, f"{book.name} has no yearly column {header}"
        ws = head.parent
        row = next((r for r in range(head.row + 1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith(str(year))), None)
        assert row is not None, f"{book.name} has no row for {year}"
        ws.cell(row, head.column).value = value
    wb.save(book)


def sample_copy(dst: Path, sample: str = "liaoning_eligible", form: dict[str, Any] | None = None,
                yearly: dict[tuple[int, str], Any] | None = None, book: str = "申请表.xlsx") -> Path:
    """A copy of a committed sample dossier (scripts/make_samples.py) at `dst` whose 申请表 (`book`)
    says otherwise where told (edit_workbook)."""
    shutil.copytree(SAMPLES / sample, dst)
    if form or yearly:
        edit_workbook(dst / book, form, yearly)
    return dst


def form_rows(book: Path) -> list[list[str]]:
    """The form sheet of a 申请表 workbook as rows of cell texts, for a Word 申请表 (word_form)."""
    from openpyxl import load_workbook

    ws = load_workbook(book).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True) if any(row)]


def audit_pdf(org: str, year: int, total_yuan: float) -> bytes:
    """A text-layer 审计报告 of `year` whose balance sheet gives 资产总计 `total_yuan` 元 (期末)."""
    amount = f"{total_yuan:,.2f}"
    return text_pdf([
        [org, f"{year}年度", "审计报告"],
        [f"我们审计了贵公司财务报表，包括{year}年12月31日的资产负债表。", "会计师事务所（特殊普通合伙）", "中国注册会计师"],
        ["资产负债表", f"编制单位：{org}  {year}年12月31日", "单位：元", "项目  行次  期末余额  年初余额",
         f"资产总计  38  {amount}  {amount}", f"负债和所有者权益总计  76  {amount}  {amount}"],
    ])


# ---------------------------------------------------------------------------
# an in-memory dossier for the engine: every national condition met, every material present

NATIONAL_OK = {
    "org_name": "沈阳某某科技服务有限公司",
    "org_type": "企业法人",
    "registration_date": date(2018, 5, 1),
    "total_assets": 420.0,
    "smes_served": 180.0,
    "satisfaction_rate": 92.0,
    "agencies_aggregated": 6.0,
    "free_service_share": 25.0,
    "staff_total": 25.0,
    "staff_qualified": 22.0,
    "prior_recognitions": ["2023年 辽宁省中小企业公共服务示范平台"],
    "functions_declared": ["信息服务"],
    "info_offline_smes": 160.0,
    "info_activities": 10.0,
}
YEARLY = [{"year": 2023, "smes_served": 150}, {"year": 2024, "smes_served": 165}, {"year": 2025, "smes_served": 180}]
ALL_MATERIALS = [
    "application_report",
    "business_license",
    "audit_report",
    "premises_proof",
    "service_evidence",
    "recognition_docs",
    "qualification_certs",
    "authenticity_declaration",
    "other_supporting",
]


def dossier(overrides: dict | None = None, materials: list[str] | None = None, file_facts: dict | None = None) -> Dossier:
    """NATIONAL_OK's facts as typed in a 申请表, one file per material (with a seal, an audit year
    and a licence's code unless `file_facts` says what each file shows); `overrides` of None drop a fact."""
    values = {**NATIONAL_OK, **(overrides or {})}
    facts = {k: Fact(k, v, None, Evidence("申请表.xlsx", "基本信息", "B2")) for k, v in values.items() if v is not None}
    files = []
    for key in ALL_MATERIALS if materials is None else materials:
        mf = MaterialFile(f"{key}.pdf", "pdf", [key])
        for fk, fv in (file_facts or {}).get(key, {}).items():
            mf.facts[fk] = Fact(fk, fv, None, Evidence(mf.path, page=1))
        files.append(mf)
    if file_facts is None:
        for f in files:
            if f.material_keys == ["authenticity_declaration"]:
                f.facts["has_seal"] = Fact("has_seal", True)
            if f.material_keys == ["audit_report"]:
                f.facts["audit_year"] = Fact("audit_year", 2025)
            if f.material_keys == ["business_license"]:  # what a genuine licence shows
                f.facts["credit_code"] = Fact("credit_code", "91210100MA0XXXXX00")
    return Dossier("x", facts=facts, yearly=YEARLY, files=files)


def docx_table_cells(table: Any) -> list[list[str]]:
    """A python-docx table's rows as texts, a merged cell once (python-docx repeats it per column)."""
    out = []
    for row in table.rows:
        cells, prev = [], None
        for c in row.cells:
            if c._tc is not prev:
                cells.append(c.text.strip())
            prev = c._tc
        out.append(cells)
    return out


def zip_layout(data: bytes) -> list[tuple[Any, ...]]:
    """A zip (a .docx, an .xlsx) member by member: every header field but the time it was written,
    and the member's bytes; two files with the same layout are the same bytes but for that time."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [
            (
                i.filename, i.compress_type, i.comment, i.extra, i.create_system, i.create_version,
                i.extract_version, i.flag_bits, i.internal_attr, i.external_attr, i.header_offset,
                i.CRC, i.compress_size, i.file_size, zf.read(i),
            )  # fmt: skip
            for i in zf.infolist()
        ]
