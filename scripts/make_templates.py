"""Build the Word templates of the forms into templates/<jurisdiction>/<form-id>.docx.

Run from the repo root: `.venv/bin/python scripts/make_templates.py`. The .docx files
are committed (the wheel ships templates/); rerun this script after changing it.

- xuchang 附件1/2/3 reproduce the layout the 许工信〔2020〕154号 text gives in full.
- national, liaoning (附件1 推荐表, 附件2 申请报告) and heilongjiang (附件1 推荐汇总表,
  附件2 申请报告) texts name their forms without a layout; these templates are built
  from what the articles say the form must contain, and say so (core-properties
  comment and a template-only first paragraph `{#p … #}` that rendering removes).
- _common/summary.docx: one table over several dossiers, for any jurisdiction.

Fonts: every style names its East Asian font explicitly (宋体 / 仿宋_GB2312 body,
黑体 titles), theme-font references are removed, and the document language is
zh-CN, so Word, WPS and LibreOffice never fall back to a Japanese font.
Tags are docxtpl/Jinja: `{{ org_name }}`, `{%tr for p in staff %}` row loops.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates"

SONG, FANG, HEI = "宋体", "仿宋_GB2312", "黑体"
LATIN = "Times New Roman"
FIXED_TIME = datetime(2024, 1, 1)  # core properties stay stable across rebuilds

# Chinese type sizes.
ER_HAO, XIAO_ER, SAN_HAO, SI_HAO, XIAO_SI, WU_HAO, XIAO_WU = 22, 18, 16, 14, 12, 10.5, 9

ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


# ---------------------------------------------------------------- fonts and styles


def set_fonts(rpr: OxmlElement, east: str, latin: str = LATIN, hint: bool = False) -> None:
    """Explicit fonts for every script slot of a run-properties element; no theme fonts.

    `hint` makes Word and LibreOffice treat ambiguous symbols (□, ○) as East Asian
    text, so a checkbox has the size of the characters around it.
    """
    rfonts = rpr.get_or_add_rFonts()
    if hint:
        rfonts.set(qn("w:hint"), "eastAsia")
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:cs"), latin)


def set_lang(rpr: OxmlElement) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.attrib.pop(qn("w:bidi"), None)


def _is_title_style(style_id: str) -> bool:
    return style_id.startswith(
        ("Title", "Heading", "Subtitle", "TOCHeading", "FormTitle", "CoverTitle", "Attachment")
    )


def chinese_fonts(doc: Document) -> None:
    """Document defaults, every existing style and the theme language made Chinese."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, SONG)
    set_lang(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(int(XIAO_SI * 2)))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(int(XIAO_SI * 2)))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    for style in styles.findall(qn("w:style")):
        sid = style.get(qn("w:styleId")) or ""
        east = HEI if _is_title_style(sid) else SONG
        # every run-properties block, table-style parts (first row, …) included
        for rfonts in list(style.iter(qn("w:rFonts"))):
            set_fonts(rfonts.getparent(), east)
        if _is_title_style(sid):
            set_fonts(style.get_or_add_rPr(), HEI)
        for color in list(style.iter(qn("w:color"))):
            if color.getparent().tag == qn(
                "w:rPr"
            ):  # theme colours (blue headings) do not belong on a form
                color.getparent().remove(color)
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), SONG)
    normal.font.size = Pt(XIAO_SI)
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")


def add_style(
    doc: Document,
    name: str,
    east: str,
    size: float,
    *,
    bold: bool = False,
    align: str | None = None,
    indent_chars: int = 0,
    line_pt: float | None = None,
    before: float = 0,
    after: float = 0,
    base: str = "Normal",
) -> None:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    set_fonts(style.element.get_or_add_rPr(), east)
    style.font.size = Pt(size)
    style.font.bold = bold
    fmt = style.paragraph_format
    if align:
        fmt.alignment = ALIGN[align]
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if line_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)


def headings(doc: Document) -> None:
    """Heading 1/2 for the report's sections: 黑体, black, no theme spacing surprises."""
    for name, size in (("Heading 1", SAN_HAO), ("Heading 2", SI_HAO)):
        style = doc.styles[name]
        set_fonts(style.element.get_or_add_rPr(), HEI)
        style.font.size = Pt(size)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True


# ---------------------------------------------------------------- document


@dataclass
class C:
    """A table cell: text (may hold tags; '\\n' starts a new paragraph), span, alignment."""

    text: str = ""
    span: int = 1
    align: str = "center"
    bold: bool = False
    vmerge: str | None = None  # "restart" | "continue": merged with the cells above/below
    font: str | None = None  # East Asian font of the text, when not the style's
    top: bool = False  # text at the top of the cell (large cells written in by hand)


def section(text: str, span: int) -> C:
    """A part heading inside a table (一、平台基本情况): 黑体, not a synthetic bold."""
    return C(text, span, "left", font=HEI)


class Form:
    """One template being built: page set-up, styles, paragraphs, tables."""

    def __init__(
        self, title: str, comment: str, *, landscape: bool = False, note: str | None = None
    ) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        margin = 2.0 if landscape else 2.5
        section.top_margin = section.bottom_margin = Cm(margin)
        section.left_margin = section.right_margin = Cm(margin)
        self.width = (29.7 if landscape else 21.0) - 2 * margin
        chinese_fonts(self.doc)
        headings(self.doc)
        add_style(self.doc, "Attachment Mark", HEI, SAN_HAO, align="left")
        add_style(self.doc, "Cover Title", HEI, 26, align="center", after=12)
        add_style(self.doc, "Form Title", HEI, XIAO_ER, align="center", before=6, after=12)
        add_style(self.doc, "Cover Line", FANG, SAN_HAO, line_pt=36)
        add_style(
            self.doc, "Body Text CN", FANG, SAN_HAO, indent_chars=2, line_pt=28, align="justify"
        )
        add_style(self.doc, "Table Text", SONG, WU_HAO, align="center")
        add_style(self.doc, "Table Small", SONG, XIAO_WU, align="center")
        add_style(self.doc, "Form Note", SONG, WU_HAO, before=3, after=3)
        props = self.doc.core_properties
        props.title = title
        props.subject = title
        props.comments = comment
        props.author = "pingtai"
        props.last_modified_by = "pingtai"
        props.keywords = "pingtai 模板"
        props.created = props.modified = FIXED_TIME
        props.revision = 1
        # The default first paragraph of python-docx's template is absent; start clean.
        if note:  # shown while editing the template; docxtpl drops `{#p … #}` paragraphs
            self.para("{#p " + note + " #}", "Form Note")

    # paragraphs
    def para(
        self,
        text: str = "",
        style: str = "Normal",
        align: str | None = None,
        underline: tuple[str, ...] = (),
    ) -> Paragraph:
        """A paragraph; the parts of `text` listed in `underline` are underlined (fill-in lines)."""
        p = self.doc.add_paragraph(style=style)
        if align:
            p.alignment = ALIGN[align]
        _add_runs(p, text, underline)
        return p

    def blank(self, n: int = 1, style: str = "Normal") -> None:
        for _ in range(n):
            self.doc.add_paragraph(style=style)

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_paragraph(text, style=f"Heading {level}")

    # tables
    def table(self, widths: list[float], text_style: str = "Table Text") -> Grid:
        if abs(sum(widths) - self.width) > 0.05:
            raise ValueError(
                f"columns add up to {sum(widths):.2f} cm, the text is {self.width:.2f} cm wide"
            )
        return Grid(self.doc, widths, text_style)

    def save(self, rel: str) -> Path:
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


def _add_runs(p: Paragraph, text: str, underline: tuple[str, ...] = ()) -> None:
    """Split `text` around the underlined parts and add one run each."""
    rest = text
    while rest:
        hits = [(rest.find(u), u) for u in underline if u and rest.find(u) >= 0]
        if not hits:
            run = p.add_run(rest)
            if "□" in rest:
                set_fonts(run._r.get_or_add_rPr(), SONG, SONG, hint=True)
            return
        pos, part = min(hits)
        if pos:
            p.add_run(rest[:pos])
        p.add_run(part).underline = True
        rest = rest[pos + len(part) :]


class Grid:
    """A bordered table with fixed column widths (Word, WPS and LibreOffice agree on them)."""

    def __init__(self, doc: Document, widths: list[float], text_style: str = "Table Text") -> None:
        self.widths = widths
        self.text_style = text_style
        self.t: Table = doc.add_table(rows=0, cols=len(widths))
        self.t.style = doc.styles["Table Grid"]
        self.t.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.t.autofit = False
        tbl_pr = self.t._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for col, w in zip(self.t._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(int(Cm(w).twips)))

    def row(self, *cells: C | str, height: float | None = None, header: bool = False) -> _Row:
        specs = [c if isinstance(c, C) else C(c) for c in cells]
        if sum(s.span for s in specs) != len(self.widths):
            raise ValueError(
                f"row spans {sum(s.span for s in specs)} of {len(self.widths)} columns"
            )
        r = self.t.add_row()
        # Take the cells once: after a vMerge is set, python-docx would map them onto the row above.
        grid_cells = list(r.cells)
        for cell, w in zip(grid_cells, self.widths, strict=True):
            cell.width = Cm(w)
        col = 0
        for spec in specs:
            cell = grid_cells[col]
            if spec.span > 1:
                cell = cell.merge(grid_cells[col + spec.span - 1])
                cell.width = Cm(sum(self.widths[col : col + spec.span]))
            _fill(cell, spec, self.text_style)
            col += spec.span
        tr_pr = r._tr.get_or_add_trPr()
        if height:
            r.height = Cm(height)
            r.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        cant_split = OxmlElement("w:cantSplit")
        tr_pr.insert(0, cant_split)
        return r

    def tag(self, tag: str) -> None:
        """A row holding only a docxtpl row tag (`{%tr … %}`); rendering removes it."""
        self.row(C(tag, span=len(self.widths), align="left"))

    def loop(
        self,
        var: str,
        item: str,
        cells: list[C | str],
        *,
        pad_to: int = 0,
        numbered: bool = False,
        height: float = 0.8,
    ) -> None:
        """One row per list item, then blank rows up to `pad_to` for hand filling.

        Blank rows continue the numbering when the first column is a 序号.
        """
        self.tag(f"{{%tr for {item} in {var} %}}")
        self.row(*cells, height=height)
        self.tag("{%tr endfor %}")
        if pad_to:
            self.tag(f"{{%tr for _ in range({pad_to} - {var}|length) %}}")
            blank: list[C | str] = []
            for i, c in enumerate(cells):
                spec = c if isinstance(c, C) else C(c)
                text = f"{{{{ {var}|length + loop.index }}}}" if numbered and i == 0 else ""
                blank.append(C(text, spec.span, spec.align, vmerge=spec.vmerge))
            self.row(*blank, height=height)
            self.tag("{%tr endfor %}")

    def merge_down(self, first_row: int, last_row: int, col: int) -> None:
        top = self.t.cell(first_row, col)
        top.merge(self.t.cell(last_row, col))


def _fill(cell, spec: C, style: str) -> None:
    cell.vertical_alignment = (
        WD_CELL_VERTICAL_ALIGNMENT.TOP if spec.top else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    )
    lines = spec.text.split("\n")
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.style = style
        p.alignment = ALIGN[spec.align]
        if line:
            run = p.add_run(line)
            run.bold = spec.bold or None
            if spec.font:
                set_fonts(run._r.get_or_add_rPr(), spec.font)
            elif "□" in line:
                set_fonts(run._r.get_or_add_rPr(), SONG, SONG, hint=True)
    if spec.vmerge:
        tc_pr = cell._tc.get_or_add_tcPr()
        vm = OxmlElement("w:vMerge")
        if spec.vmerge == "restart":
            vm.set(qn("w:val"), "restart")
        tc_pr.append(vm)


# ---------------------------------------------------------------- shared parts


def cover(
    f: Form,
    attachment: str,
    title_lines: list[str],
    lines: list[tuple[str, str]],
    maker: str | None,
) -> None:
    """附件N, the title, fill-in lines (label, value-with-tags) and the issuer's 制 line."""
    f.para(attachment, "Attachment Mark")
    f.blank(4)
    for line in title_lines:
        f.para(line, "Cover Title")
    f.blank(5)
    for label, value in lines:
        p = f.para(label + value, "Cover Line", underline=(value,) if value else ())
        p.paragraph_format.left_indent = Cm(1.5)
    f.blank(8)
    if maker:
        f.para(maker, "Cover Line", align="center")
    f.page_break()


SURVEY_METHODS = "□上门拜访　　□电话询问　　□网络互动\n□书面征求　　□其他"


def survey_table(f: Form, title: str) -> Grid:
    """The 测评 table of the xuchang 推荐表: methods, ≥ 10 sampled enterprises, three ratings."""
    # 联系电话 as wide as an 11-digit mobile number in one line (2.7 cm broke it after 9 digits)
    g = f.table([3.3, 2.2, 1.4, 3.4, 1.9, 1.9, 1.9])
    g.row(C(title, 7, font=HEI), height=0.9)
    g.row(C("测评方法", 2), C(SURVEY_METHODS, 5, align="left"), height=1.2)
    first = len(g.t.rows)
    g.row(
        "抽样企业名称",
        "被访人员姓名",
        "职务",
        "联系电话",
        C("对所受服务的总体评价", 3),
        height=0.7,
        header=True,
    )
    g.row("", "", "", "", "很满意", "基本满意", "不满意", height=0.7, header=True)
    for col in range(4):
        g.merge_down(first, first + 1, col)
    # fill-forms draws the sample from the served-SME list (`survey`, seed stated); the ratings
    # are the bureau's to tick when it calls or visits, so they stay blank.
    g.loop(
        "survey",
        "s",
        [C("{{ s.name }}", align="left"), "{{ s.contact }}", "", "{{ s.phone }}", "", "", ""],
        pad_to=10,
        height=0.9,
    )
    return g


YEARLY_HEAD = (
    "年度",
    "营业收入",
    "其中：\n服务收入",
    "资产总额",
    "利润总额",
    "上缴税金",
    "服务中小\n企业数",
)
YEARLY_CELLS = [
    "{{ y.year }}",
    "{{ y.revenue }}",
    "{{ y.service_revenue }}",
    "{{ y.total_assets }}",
    "{{ y.profit }}",
    "{{ y.tax }}",
    "{{ y.smes_served }}",
]


def yearly_table(f: Form, title: str) -> None:
    g = f.table([2.0, 2.4, 2.4, 2.4, 2.2, 2.2, 2.4])
    g.row(section(title, 7), height=0.8)
    g.row(*YEARLY_HEAD, height=0.9, header=True)
    g.loop("yearly", "y", YEARLY_CELLS, pad_to=2, height=0.8)


def staff_table(f: Form, pad_to: int) -> None:
    g = f.table([2.2, 1.4, 2.4, 3.6, 2.6, 3.8])
    g.row("姓名", "年龄", "学历", "毕业学校", "职称", "主管工作", height=0.8, header=True)
    g.loop(
        "staff",
        "s",
        [
            "{{ s.name }}",
            "{{ s.age }}",
            "{{ s.education }}",
            "{{ s.school }}",
            "{{ s.title }}",
            "{{ s.duty }}",
        ],
        pad_to=pad_to,
    )


def equipment_table(f: Form, pad_to: int) -> None:
    g = f.table([1.2, 4.0, 1.6, 3.4, 2.4, 3.4])
    g.row(
        "序号",
        "名称",
        "数量",
        "购买时间",
        "购买价格",
        "是否处于行业\n领先水平",
        height=0.9,
        header=True,
    )
    g.loop(
        "equipment",
        "e",
        [
            "{{ e.no }}",
            C("{{ e.name }}", align="left"),
            "{{ e.quantity }}",
            "{{ e.purchase_date }}",
            "{{ e.price }}",
            "{{ e.leading }}",
        ],
        pad_to=pad_to,
        numbered=True,
    )


def served_table(f: Form, pad_to: int) -> None:
    g = f.table([1.2, 4.2, 1.6, 2.8, 3.2, 1.5, 1.5])
    first = len(g.t.rows)
    g.row(
        "序号",
        "服务企业名称",
        "联系人",
        "联系电话",
        "服务内容简述",
        C("企业满意度", 2),
        height=0.7,
        header=True,
    )
    g.row("", "", "", "", "", "满意", "不满意", height=0.7, header=True)
    for col in range(5):
        g.merge_down(first, first + 1, col)
    g.loop(
        "served_smes",
        "m",
        [
            "{{ m.no }}",
            C("{{ m.name }}", align="left"),
            "{{ m.contact }}",
            "{{ m.phone }}",
            C("{{ m.content }}", align="left"),
            "{{ m.satisfied }}",
            "{{ m.dissatisfied }}",
        ],
        pad_to=pad_to,
        numbered=True,
    )


def partner_rows(g: Grid, label_span: int = 1) -> None:
    """合作资源: a label merged down the whole list, then one row per partner (≥ 5)."""
    g.row(
        C("合作资源", label_span, vmerge="restart"),
        "签订合作协议的单位",
        "主要服务内容",
        height=0.8,
    )
    g.loop(
        "partners",
        "p",
        [
            C("", label_span, vmerge="continue"),
            # the agreement's date (partners.agreement_date, the 签订时间 column) when the list gives one
            C("{{ p.name }}{% if p.agreement_date %}（{{ p.agreement_date }}签订）{% endif %}", align="left"),
            C("{{ p.content }}", align="left"),
        ],
        pad_to=5,
    )


def writing_space(f: Form, paragraphs: int = 8) -> None:
    f.blank(paragraphs, "Body Text CN")


def signature(f: Form, unit_label: str = "申报单位（盖章）：") -> None:
    """The declaration's signing lines, set to the right as in the xuchang 附件3."""
    for text, under in (
        (unit_label + "{{ org_name }}", ("{{ org_name }}",)),
        ("法定代表人（签字）：__________", ()),
        ("日　　期：{{ application_date }}", ()),
    ):
        p = f.para(text, "Cover Line", underline=under)
        p.paragraph_format.left_indent = Cm(4.5)


# ---------------------------------------------------------------- xuchang (layout given in the text)

XC_DOC = "《许昌市中小企业公共服务示范平台认定管理办法》（许工信〔2020〕154号）"
XC_PLATFORM = "许昌市中小企业公共服务示范平台"
XC_MAKER = "许昌市工业和信息化局制"


def xuchang_recommendation() -> Path:
    f = Form(f"{XC_PLATFORM}推荐表", f"本模板依据{XC_DOC}附件1的版式编制。")
    cover(
        f,
        "附件1",
        [XC_PLATFORM, "推　荐　表"],
        [
            ("示范平台运营单位名称：", "{{ org_name }}"),
            ("推荐县（市、区）：", "{{ recommending_unit }}"),
            ("填报日期：", "______年____月____日"),
        ],
        XC_MAKER,
    )
    g = survey_table(f, "推荐单位组织测评情况（随机抽取，不少于10家）")
    g.row(C("对区域中小企业\n发展的影响和作用", 2), C("", 5, align="left", top=True), height=4.5)
    g.row(
        C(
            "县（市、区）工业和信息化主管部门推荐意见：\n\n\n\n\n\n\n（章）\n年　　月　　日",
            7,
            align="left",
            top=True,
        ),
        height=6.0,
    )
    _right_align_tail(g, 2)
    return f.save("xuchang/recommendation_form.docx")


def _right_align_tail(g: Grid, n: int) -> None:
    """The last `n` paragraphs of the last cell (（章）, the date) sit at the right."""
    cell = g.t.rows[-1].cells[0]
    for p in cell.paragraphs[-n:]:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Cm(1.5)


XC_REPORT_PARTS = [
    "一、许昌市中小企业公共服务示范平台申请表",
    "二、主要服务设备、仪器及软件清单",
    "三、主要管理人员和专业技术人员名单及职称情况一览表",
    "四、服务的中小企业名单及服务评价表（30家以上）",
    "五、有关情况说明",
]
XC_EXPLANATIONS = [
    "（一）申请单位的基本情况（包括：创立发展沿革、发展目标以及目前的基本情况）；",
    "（二）服务对象所在区域的行业状况，在区域经济发展中的地位和作用，中小企业发展情况和公共服务需求情况；",
    "（三）管理运营情况（包括：主要管理制度、人员激励、能力提升、可持续发展等）；",
    "（四）近年来的服务情况（包括：主要服务内容、服务对象、服务规模、方式、收费等）；",
    "（五）主要服务业绩及对区域经济和中小企业健康发展的贡献（包括：自测情况或典型案例）；",
    "（六）下一步发展设想。",
]


def xuchang_report() -> Path:
    f = Form(f"{XC_PLATFORM}申请报告", f"本模板依据{XC_DOC}附件2的版式编制。")
    cover(
        f,
        "附件2",
        [XC_PLATFORM, "申　请　报　告"],
        [("申请单位名称：", "{{ org_name }}"), ("填 报 日 期 ：", "{{ application_date }}")],
        XC_MAKER,
    )
    # the cover's 申请单位名称 line ends with （盖章）
    _append_to_cover_line(f, "申请单位名称：", "（盖章）")
    f.para("申请报告的主要内容", "Form Title")
    for part in XC_REPORT_PARTS:
        f.para(part, "Body Text CN")
    for item in XC_EXPLANATIONS:
        f.para(item, "Body Text CN")
    f.page_break()

    f.para(f"{XC_PLATFORM}申请表", "Form Title")
    application_form(f)
    f.page_break()
    f.para("主要服务设备、仪器及软件清单", "Form Title")
    equipment_table(f, pad_to=20)
    f.page_break()
    f.para("管理人员和专业技术人员名单及职称情况一览表", "Form Title")
    staff_table(f, pad_to=18)
    f.para("备注：不少于10人", "Form Note")
    f.page_break()
    f.para("服务的中小企业名单及服务评价表", "Form Title")
    served_table(f, pad_to=30)
    f.para(
        "上一年度共服务企业　{{ smes_served }}　家", "Cover Line", underline=("{{ smes_served }}",)
    )
    f.page_break()
    f.para("有关情况说明", "Form Title")
    for item in XC_EXPLANATIONS:
        f.heading(item.rstrip("；。"), 2)
        writing_space(f)
    return f.save("xuchang/application_report.docx")


def _append_to_cover_line(f: Form, starts: str, tail: str) -> None:
    for p in f.doc.paragraphs:
        if p.text.startswith(starts):
            p.add_run(tail)
            return


def application_form(f: Form) -> None:
    """The 申请表 of the xuchang 附件2: 平台基本情况, 运营管理, 服务能力及业绩, 政府支持情况."""
    g = f.table([3.4, 4.8, 3.8, 4.0])
    g.row(section("一、平台基本情况", 4), height=0.8)
    L = "left"  # noqa: N806 - short for the many label cells below
    g.row(
        C("注册日期：{{ registration_date }}", 2, L),
        C("单位性质：{{ org_type }}", 2, L),
        height=0.8,
    )
    g.row(
        C("注册地址：{{ registered_address }}", 2, L),
        C("邮政编码：{{ postal_code }}", 2, L),
        height=0.8,
    )
    g.row(
        C("联系人：{{ contact_person }}", 1, L),
        C("联系电话：{{ contact_phone }}", 1, L),
        C("传真：{{ fax }}", 1, L),
        C("手机：{{ mobile_phone }}", 1, L),
        height=0.8,
    )
    g.row(
        C("网址及备案号（已建网站的填写）：{{ website }}", 2, L),
        C("电子邮件：{{ email }}", 2, L),
        height=0.8,
    )
    g.row(C("注册资本　{{ registered_capital }}　万元", 4, L), height=0.8)
    g.row(C("其中：主要投资方名称", 2), "性质", "投资比例（％）", height=0.8)
    for _ in range(4):
        g.row(C("", 2), "", "", height=0.8)
    g.row(C("上年末总资产　{{ total_assets }}　万元", 4, L), height=0.8)
    g.row(
        C(
            "仪器、设备数量　{{ equipment_quantity_total }}　台（套），购买价格　{{ equipment_price_total }}"
            "　万元，占总资产　{{ equipment_share }}　％",
            4,
            L,
        ),
        height=0.8,
    )
    g.row(
        C(
            "服务场地面积：{{ service_area }}　平方米，其中：自有　{{ owned_area }}　平方米，"
            "租用　{{ rented_area }}　平方米",
            4,
            L,
        ),
        height=0.8,
    )
    g.row(
        C(
            "从业人数　{{ staff_total }}　人\n其中：大专及以上学历和中级及以上技术职称的专业人员"
            "　{{ staff_qualified }}　人，占总人数　{{ staff_qualified_share }}　%",
            4,
            L,
        ),
        height=1.2,
    )

    yearly_table(f, "二、平台运营管理（单位：万元）")

    g = f.table([4.0, 6.0, 6.0])
    g.row(section("三、服务能力及业绩", 3), height=0.8)
    g.row("获得专业服务\n资质情况", C("{{ qualifications }}", 2, L), height=2.5)
    g.row("主要服务产品", "服务规模（家、人/次）", "服务收入占年营业收入％", height=0.8)
    for _ in range(5):
        g.row("", "", "", height=0.8)
    partner_rows(g)
    g.row(section("四、政府支持情况", 3), height=0.8)
    g.row("得到政府扶持的情况", C("{{ government_support }}", 2, L), height=3.5)


def xuchang_declaration() -> Path:
    f = Form("申报材料真实性声明", f"本模板依据{XC_DOC}附件3的版式编制。")
    f.para("附件3", "Attachment Mark")
    f.blank(3)
    f.para("申报材料真实性声明", "Cover Title")
    f.blank(2)
    f.para(
        "本单位知悉并保证所提供的许昌市中小企业公共服务示范平台申报资料和相关证明文件的真实性、"
        "完整性和准确性，并承担因资料虚假而产生的后果。",
        "Body Text CN",
    )
    f.blank(6)
    signature(f)
    return f.save("xuchang/authenticity_declaration.docx")


# ---------------------------------------------------------------- national, liaoning, heilongjiang (no layout given)


@dataclass(frozen=True)
class Text:
    """What a text that names its forms without a layout says they must cover."""

    key: str
    document: str  # 《…》（文号）
    platform: str  # the recognition title
    recommender: str  # who fills the 推荐表 / 推荐汇总表
    recommend_article: str
    report_article: str
    basic_article: str
    functions_article: str
    feature_article: str
    basic: tuple[tuple[str, str, str], ...]  # (condition, article, the platform's facts)
    materials: tuple[str, ...]  # the materials article's items after the 申请报告 itself


def _basic(article: str, with_recognition: bool) -> tuple[tuple[str, str, str], ...]:
    rows = [
        (
            "独立法人资格、运营年限、资产总额",
            "（一）",
            "单位性质：{{ org_type }}；注册日期：{{ registration_date }}；资产总额：{{ total_assets }} 万元",
        ),
        (
            "服务业绩、用户满意度、服务企业数量稳步增长",
            "（二）",
            "年服务中小企业 {{ smes_served }} 家；用户满意度 {{ satisfaction_rate }}%；历年服务企业数见“运营情况”表",
        ),
        (
            "固定的经营服务场所、集聚服务机构",
            "（三）",
            "服务场地面积 {{ service_area }} 平方米；集聚服务机构 {{ agencies_aggregated }} 家",
        ),
    ]
    if with_recognition:
        rows.append(("已获相关认定", "（四）", "{{ prior_recognitions }}"))
    rows += [
        (
            "管理制度、收费优惠、公益性或低收费服务占比",
            "（五）" if with_recognition else "（四）",
            "公益性服务或低收费服务占总服务量 {{ free_service_share }}%",
        ),
        (
            "管理团队和人才队伍",
            "（六）" if with_recognition else "（五）",
            "从事为中小企业服务的人员 {{ staff_total }} 人，其中大专及以上学历和中级及以上技术职称专业人员"
            " {{ staff_qualified }} 人，占 {{ staff_qualified_share }}%",
        ),
    ]
    return tuple((name, article + num, facts) for name, num, facts in rows)


NA_MATERIALS = (
    "（二）法人证书或营业执照副本（复印件）",
    "（三）上一年度审计报告及服务收支情况的专项审计报告，或上一年度包含服务收支情况的审计报告",
    "（四）固定的经营服务场所证明复印件（房产证、租赁合同）",
    "（五）开展相关服务的证明材料（通知、照片、总结等）",
)
TEXTS = {
    "national": Text(
        "national",
        "《国家中小企业公共服务示范平台认定管理办法》（工信部企业〔2017〕156号）",
        "国家中小企业公共服务示范平台",
        "推荐单位（省级中小企业主管部门）",
        "第十六条",
        "第十七条",
        "第十二条",
        "第十三条",
        "第十四条",
        _basic("第十二条", True),
        NA_MATERIALS
        + (
            "（六）省级示范平台认定或国家部委、全国性行业协会的相关认定的文件",
            "（七）国家颁发的从业资格（资质）、网站备案、许可证等证明（复印件）",
            "（八）能够证明符合申报条件的其他材料和对申报材料真实性的声明（加盖申报单位公章）",
        ),
    ),
    "liaoning": Text(
        "liaoning",
        "《辽宁省中小企业公共服务示范平台认定管理办法》（辽宁省工业和信息化委员会，2018年）",
        "辽宁省中小企业公共服务示范平台",
        "推荐单位（市工业和信息化主管部门）",
        "第十六条",
        "第十七条",
        "第十二条",
        "第十三条",
        "第十四条",
        _basic("第十二条", True),
        NA_MATERIALS
        + (
            "（六）市级示范平台认定或省级以上部门、行业协会的相关认定的文件",
            "（七）省级以上部门颁发的从业资格（资质）、网站备案、许可证等证明（复印件）",
            "（八）能够证明符合申报条件的其他材料和对申报材料真实性的声明（加盖申报单位公章）",
        ),
    ),
    "heilongjiang": Text(
        "heilongjiang",
        "《黑龙江省中小企业公共服务平台认定与管理办法》（黑工信企业规〔2019〕5号）",
        "黑龙江省中小企业公共服务平台",
        "推荐单位（市（地）工信局）",
        "第九条",
        "第十条",
        "第六条",
        "第七条",
        "第八条",
        _basic("第六条", False),
        (
            "（二）法人证书或营业执照副本（复印件）",
            "（三）上一年度审计报告及服务收支情况的专项审计报告，或上一年度包含服务收支情况的审计报告",
            "（四）固定的经营服务场所佐证复印件（房产证、租赁合同）",
            "（五）开展相关服务的佐证材料（通知、照片、总结等）",
            "（六）颁发的从业资格（资质）、网站备案、许可证等佐证（复印件）",
            "（七）能够说明符合申报条件的其他材料（包括公益性服务或低收费服务要不少于总服务量的10%等佐证材料）",
            "（八）对申报材料真实性的声明（加盖申报单位公章）",
        ),
    ),
}

def _if_declared(function: str, facts: str) -> str:
    """A function the applicant did not declare prints 未申报 instead of lines to fill in."""
    return f"{{% if declared.{function} %}}{facts}{{% else %}}未申报{{% endif %}}"


FUNCTIONS = (
    (
        "信息服务",
        "（一）",
        _if_declared(
            "information",
            "线下年服务企业 {{ info_offline_smes }} 家；年组织开展相关服务活动 {{ info_activities }} 次",
        ),
    ),
    (
        "技术服务",
        "（二）",
        _if_declared(
            "technology",
            "年开展技术洽谈、产品检测与质量品牌诊断、技术推广等服务活动 {{ tech_activities }} 次",
        ),
    ),
    ("创业服务", "（三）", _if_declared("startup", "年开展创业项目洽谈、推介活动 {{ startup_events }} 次")),
    ("培训服务", "（四）", _if_declared("training", "年培训 {{ training_person_times }} 人次")),
    (
        "融资服务",
        "（五）",
        _if_declared(
            "financing",
            "年组织投融资对接等服务活动 {{ financing_activities }} 次；帮助中小企业融资总额"
            " {{ financing_amount }} 亿元\n（融资担保机构）年新增担保额 {{ guarantee_amount }} 亿元",
        ),
    ),
)


def _no_layout_note(t: Text, article: str, what: str) -> tuple[str, str]:
    """The header comment of a template built from an article's contents (no layout in the text)."""
    text = (
        f"本模板依据{t.document}{article}所列内容（{what}）编制，原文未给出版式，可按当年通知调整。"
    )
    return text, text


def basic_info_table(f: Form) -> None:
    g = f.table([3.4, 4.6, 3.4, 4.6])
    L = "left"  # noqa: N806
    g.row("平台名称", C("{{ platform_name }}", 3, L), height=0.8)
    g.row("运营单位名称", C("{{ org_name }}", 3, L), height=0.8)
    g.row(
        "统一社会信用代码",
        C("{{ credit_code }}", 1, L),
        "单位性质",
        C("{{ org_type }}", 1, L),
        height=0.8,
    )
    g.row(
        "注册日期",
        C("{{ registration_date }}", 1, L),
        "所在地区",
        C("{{ region }}", 1, L),
        height=0.8,
    )
    g.row("注册地址", C("{{ registered_address }}", 3, L), height=0.8)
    g.row(
        "法定代表人",
        C("{{ legal_representative }}", 1, L),
        "注册资本（万元）",
        C("{{ registered_capital }}", 1, L),
        height=0.8,
    )
    g.row(
        "上年末资产总额（万元）",
        C("{{ total_assets }}", 1, L),
        "服务场地面积（平方米）",
        C("{{ service_area }}", 1, L),
        height=0.8,
    )
    g.row("申报服务功能", C("{{ functions_declared }}", 3, L), height=0.8)
    g.row(
        "联系人",
        C("{{ contact_person }}", 1, L),
        "联系电话",
        C("{{ contact_phone }}", 1, L),
        height=0.8,
    )
    g.row("电子邮件", C("{{ email }}", 1, L), "网址", C("{{ website }}", 1, L), height=0.8)


def recommendation_form(t: Text) -> Path:
    note, comment = _no_layout_note(t, t.recommend_article, "运营情况、服务业绩、满意度测评")
    f = Form(f"{t.platform}推荐表", comment, note=note)
    cover(
        f,
        "附件1",
        [t.platform, "推　荐　表"],
        [
            ("平台名称：", "{{ platform_name }}"),
            ("运营单位名称：", "{{ org_name }}"),
            (t.recommender + "：", "{{ recommending_unit }}"),
            ("填报日期：", "______年____月____日"),
        ],
        None,
    )
    f.heading("一、平台基本情况")
    basic_info_table(f)
    f.heading("二、运营情况")
    yearly_table(f, "近年运营情况（单位：万元）")
    f.heading("三、服务业绩")
    g = f.table([3.4, 4.6, 3.4, 4.6])
    L = "left"  # noqa: N806
    g.row(
        "年服务中小企业数（家）",
        C("{{ smes_served }}", 1, L),
        "用户满意度（%）",
        C("{{ satisfaction_rate }}", 1, L),
        height=0.8,
    )
    g.row(
        "从事为中小企业服务的人员（人）",
        C("{{ staff_total }}", 1, L),
        "其中大专及以上学历和中级及以上技术职称专业人员（人）",
        C("{{ staff_qualified }}", 1, L),
        height=0.8,
    )
    g.row(
        "集聚服务机构数（家）",
        C("{{ agencies_aggregated }}", 1, L),
        "公益性或低收费服务占比（%）",
        C("{{ free_service_share }}", 1, L),
        height=0.8,
    )
    g.row("已获认定情况", C("{{ prior_recognitions }}", 3, L), height=0.8)
    g.row("主要服务业绩", C("", 3, L), height=4.0)
    f.heading("四、满意度测评")
    survey_table(f, "推荐单位组织测评情况（随机抽取服务企业）")
    f.heading("五、推荐意见")
    g = f.table([16.0])
    g.row(
        C(f"{t.recommender}意见：\n\n\n\n\n\n\n（盖章）\n年　　月　　日", 1, "left", top=True),
        height=6.0,
    )
    _right_align_tail(g, 2)
    return f.save(f"{t.key}/recommendation_form.docx")


def application_report(t: Text) -> Path:
    note, comment = _no_layout_note(
        t,
        f"{t.report_article}（一）",
        f"对照{t.basic_article}基本条件、{t.functions_article}服务功能、"
        f"{t.feature_article}特色优势和{t.report_article}申报材料",
    )
    f = Form(f"{t.platform}申请报告", comment, note=note)
    cover(
        f,
        "附件2",
        [t.platform, "申　请　报　告"],
        [
            ("申请单位名称：", "{{ org_name }}"),
            ("平台名称：", "{{ platform_name }}"),
            ("推荐单位：", "{{ recommending_unit }}"),
            ("填报日期：", "{{ application_date }}"),
        ],
        None,
    )
    _append_to_cover_line(f, "申请单位名称：", "（盖章）")
    f.heading("一、平台基本情况")
    basic_info_table(f)
    f.heading("二、运营情况")
    yearly_table(f, "近年运营情况（单位：万元）")
    f.heading(f"三、对照基本条件（{t.basic_article}）")
    g = f.table([4.4, 3.0, 8.6])
    g.row("条件", "依据", "本平台情况", height=0.8, header=True)
    for name, article, facts in t.basic:
        g.row(C(name, align="left"), article, C(facts, align="left"), height=1.0)
    f.heading(f"四、服务功能（{t.functions_article}）")
    f.para("申报服务功能：{{ functions_declared }}", "Form Note")
    g = f.table([2.4, 3.0, 10.6])
    g.row("功能", "依据", "本平台情况", height=0.8, header=True)
    for name, num, facts in FUNCTIONS:
        g.row(name, t.functions_article + num, C(facts, align="left"), height=1.0)
    f.heading(f"五、服务特色与示范作用（{t.feature_article}）")
    f.para(
        "（创新服务模式，集聚创新资源，推进线上线下服务结合，促进服务与需求精准对接等方面的特色优势和示范性）",
        "Form Note",
    )
    writing_space(f)
    f.heading("六、主要管理人员和专业技术人员")
    staff_table(f, pad_to=10)
    f.heading("七、服务的中小企业名单及满意度")
    served_table(f, pad_to=10)
    f.para(
        "上一年度共服务企业　{{ smes_served }}　家；用户满意度　{{ satisfaction_rate }}　%",
        "Form Note",
    )
    f.heading("八、主要服务设施、仪器设备")
    equipment_table(f, pad_to=5)
    f.heading("九、合作资源")
    g = f.table([3.0, 6.5, 6.5])
    partner_rows(g)
    f.heading(f"十、附报材料目录（{t.report_article}）")
    for item in t.materials:
        f.para("□" + item, "Form Note")
    f.blank(3)
    signature(f)
    return f.save(f"{t.key}/application_report.docx")


SUMMARY_HEAD = (
    "序号",
    "平台名称",
    "运营单位名称",
    "统一社会信用代码",
    "单位性质",
    "平台类型",
    "申报服务功能",
    "资产总额\n（万元）",
    "从业人数\n（人）",
    "年服务中小\n企业数（家）",
    "用户满意度\n（%）",
    "联系人及电话",
    "结论",
)
SUMMARY_CELLS = [
    "{{ d.no }}",
    C("{{ d.platform_name }}", align="left"),
    C("{{ d.org_name }}", align="left"),
    "{{ d.credit_code }}",
    "{{ d.org_type }}",
    "{{ d.platform_type }}",
    "{{ d.functions_declared }}",
    "{{ d.total_assets }}",
    "{{ d.staff_total }}",
    "{{ d.smes_served }}",
    "{{ d.satisfaction_rate }}",
    "{{ d.contact_person }}\n{{ d.contact_phone }}",
    "{{ d.verdict_word }}",
]
# 统一社会信用代码 as wide as its 18 characters in one line (3.4 cm broke it after 13)
SUMMARY_WIDTHS = [0.8, 2.1, 2.3, 4.6, 1.7, 1.2, 1.8, 1.7, 1.6, 2.0, 1.6, 2.4, 1.9]


def summary_table(f: Form) -> None:
    g = f.table(SUMMARY_WIDTHS, "Table Small")
    g.row(*SUMMARY_HEAD, height=1.2, header=True)
    g.loop("dossiers", "d", SUMMARY_CELLS, pad_to=5, numbered=True, height=1.0)


def heilongjiang_summary() -> Path:
    t = TEXTS["heilongjiang"]
    note, comment = _no_layout_note(
        t, "第九条", "市（地）工信局推荐的平台汇总；栏目取自第六条、第七条的认定条件"
    )
    f = Form(f"{t.platform}推荐汇总表", comment, landscape=True, note=note)
    f.para("附件1", "Attachment Mark")
    f.para(f"{t.platform}推荐汇总表", "Form Title")
    f.para(
        "推荐单位（市（地）工信局，盖章）：______________________　　　　填报日期：______年____月____日",
        "Form Note",
    )
    summary_table(f)
    f.para("{{ dossier_tally }}。", "Form Note")
    return f.save("heilongjiang/recommendation_summary.docx")


def common_summary() -> Path:
    comment = "pingtai 通用汇总表：多个申报平台的主要数据，一行一个平台；不是认定办法规定的表格。"
    f = Form("申报平台汇总表", comment, landscape=True, note=comment)
    f.para("{{ recognition_title }}申报汇总表", "Form Title")
    f.para("依据：{{ document_title }}　　{{ dossier_tally }}", "Form Note")
    summary_table(f)
    return f.save("_common/summary.docx")


def review_opinion() -> Path:
    """The reviewer's 审核意见 for one dossier: each condition with its result and evidence, the
    附报材料目录 ticked from the material check, what must still be confirmed, signature lines."""
    comment = "pingtai 审核意见表：由检查结果填写，供审核人员核对、签字；不是认定办法规定的表格。"
    f = Form("审核意见表", comment, note=comment)
    f.para("{{ recognition_title }}审核意见表", "Form Title")
    g = f.table([3.0, 6.0, 2.6, 4.4])
    g.row("申报单位", C("{{ org_name }}", 3, align="left"), height=0.8)
    g.row("统一社会信用代码", C("{{ credit_code }}", align="left"), "检查日", "{{ review_as_of }}", height=0.8)
    g.row("依据", C("{{ document_title }}", 3, align="left"), height=0.8)
    g.row("卷宗", C("{{ dossier_name }}", 3, align="left"), height=0.8)
    g.row("检查结论", C("{{ verdict_word }}", 3, align="left", font=HEI), height=0.8)
    g.row(C("{{ verdict_reasons }}", 4, align="left"), height=0.8)
    f.para("一、认定条件逐项检查", "Heading 2")
    c = f.table([0.8, 2.4, 5.2, 1.6, 6.0], "Table Small")
    c.row("序号", "条款", "条件", "结果", "依据与证据", height=0.7, header=True)
    c.loop(
        "review_conditions",
        "r",
        ["{{ r.no }}", "{{ r.article }}", C("{{ r.name }}", align="left"), "{{ r.result }}", C("{{ r.evidence }}", align="left")],
    )
    f.para("二、附报材料目录（按材料检查结果勾选）", "Heading 2")
    m = f.table([0.8, 1.2, 6.4, 2.2, 5.4], "Table Small")
    m.row("序号", "已附", "材料", "条款", "文件或问题", height=0.7, header=True)
    m.loop(
        "material_checklist",
        "m",
        ["{{ m.no }}", "{{ m.tick }}", C("{{ m.name }}", align="left"), "{{ m.article }}", C("{{ m.detail }}", align="left")],
    )
    f.para("三、需审核人员确认的事项", "Heading 2")
    k = f.table([0.8, 15.2], "Table Small")
    k.row("序号", "事项", height=0.7, header=True)
    k.loop("to_confirm", "x", ["{{ x.no }}", C("{{ x.text }}", align="left")], pad_to=3, numbered=True)
    f.para("{{ survey_note }}", "Form Note")
    f.para("四、审核意见", "Heading 2")
    writing_space(f, 5)
    for text in (
        "审核人（签字）：__________　　日期：______年____月____日",
        "复核人（签字）：__________　　日期：______年____月____日",
    ):
        f.para(text, "Cover Line")  # one line each: indented, the date broke onto a second
    return f.save("_common/review_opinion.docx")


def main() -> int:
    made = [xuchang_recommendation(), xuchang_report(), xuchang_declaration()]
    for t in TEXTS.values():
        if t.key != "heilongjiang":
            made.append(recommendation_form(t))
        made.append(application_report(t))
    made += [heilongjiang_summary(), common_summary(), review_opinion()]
    for p in made:
        print(p.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
