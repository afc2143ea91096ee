#!/usr/bin/env python3
"""Build the sample dossiers in sample_dossiers/ (run: `make samples`).

Each sample is what an applicant really hands in: an Excel 申请表 filled in by
hand, material PDFs named however people name them (some of them scans), photos,
and a .docx 申请报告. The expectations for each sample are written by hand in
sample_dossiers/expected.yaml from the policy texts' thresholds; this script only
builds the files. The generated files are committed, so tests and fresh machines
need no CJK font; re-run this script only when changing it.

Fonts:
- text PDFs use reportlab's built-in CID font STSong-Light (not embedded, so the
  files stay small; pdfplumber extracts the text through the Adobe-GB1 CMap);
- scanned pages and photos are rendered with WenQuanYi Micro Hei from
  /usr/share/fonts/truetype/wqy/wqy-microhei.ttc (`apt-get install fonts-wqy-microhei`).

Deterministic: fixed seeds and dates, reportlab's invariant mode, fixed timestamps
inside .xlsx/.docx/.zip, so re-running does not churn git.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pingtai_cli.intake.sources.uscc import CHARSET, check_char

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_dossiers"
SCAN_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
PDF_FONT = "STSong-Light"
FIXED_DT = datetime(2026, 3, 10, 9, 0, 0)
FIXED_ZIP_TIME = (2026, 3, 10, 9, 0, 0)
SCAN_DPI = 150
AUDIT_YEAR = 2025  # the samples are checked as of 2026-03-15: 上一年度 is 2025

JURISDICTION_TITLE = {
    "national": "国家中小企业公共服务示范平台",
    "liaoning": "辽宁省中小企业公共服务示范平台",
    "heilongjiang": "黑龙江省中小企业公共服务平台",
    "xuchang": "许昌市中小企业公共服务示范平台",
    "shaoguan": "韶关市中小企业公共服务示范平台",
}

# --------------------------------------------------------------------------
# Identifiers: GB 32100-2015 统一社会信用代码 (with its GB 11714 organisation code)
# --------------------------------------------------------------------------

def org_code_check_char(body8: str) -> str:
    """The 9th character of an organisation code (GB 11714, modulus 11)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True)
    )
    r = 11 - value % 11
    return {10: "X", 11: "0"}.get(r, str(r))


def make_uscc(prefix: str, area6: str, seed: int) -> str:
    """A valid code: registration authority + category, area, organisation code, check character.
    Market entities registered since 2015 get an 'MA…' organisation code; others a numeric one."""
    rng = random.Random(seed)
    if prefix.startswith("9"):
        body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = prefix + area6 + body + org_code_check_char(body)
    return first17 + check_char(first17)  # the tool's own check character, not a copy


# --------------------------------------------------------------------------
# The applicant: every number the files show comes from here
# --------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "华",
    "建华",
    "晓东",
    "海燕",
    "志强",
    "雪",
    "鹏",
    "婷",
    "宇",
    "浩",
    "欣怡",
    "子涵",
    "俊杰",
    "文博",
    "国庆",
    "红梅",
    "立新",
    "振华",
    "玉兰",
    "春生",
    "晓明",
    "丹",
    "蕾",
    "凯",
    "斌",
    "亮",
    "琳",
    "慧",
]
QUALIFIED_EDU = ("本科", "本科", "硕士研究生", "大专", "本科", "硕士研究生")
QUALIFIED_TITLE = (
    "工程师",
    "中级经济师",
    "高级工程师",
    "中级会计师",
    "高级经济师",
    "工程师",
    "中级统计师",
)
UNQUALIFIED = (("高中", "无"), ("中专", "助理工程师"), ("中专", "无"), ("高中", "技术员"))
ROLES = (
    "平台运营",
    "信息服务",
    "技术服务",
    "培训组织",
    "财务管理",
    "综合办公室",
    "市场拓展",
    "企业诊断",
    "知识产权",
    "质量管理",
    "数据运维",
    "客户服务",
)
INDUSTRIES = (
    "机械制造",
    "电子科技",
    "食品",
    "新材料",
    "包装材料",
    "环保科技",
    "精密铸造",
    "农业科技",
    "医疗器械",
    "软件",
    "物流",
    "纺织",
    "建材",
    "汽车零部件",
    "五金制品",
    "智能装备",
    "生物科技",
)
TRADE_NAMES = [
    "恒达",
    "宏远",
    "金诚",
    "华泰",
    "鑫源",
    "瑞丰",
    "永安",
    "德利",
    "兴旺",
    "盛世",
    "博远",
    "天成",
    "佳禾",
    "和信",
    "中鼎",
    "富康",
    "隆昌",
    "利民",
    "万通",
    "祥和",
    "东升",
    "汇丰",
    "长青",
    "新越",
    "安泰",
    "嘉业",
    "顺发",
    "正达",
    "宏图",
    "锦程",
    "立信",
]
SERVICES = (
    "政策咨询",
    "数字化诊断",
    "管理培训",
    "技术咨询",
    "知识产权代理",
    "融资对接",
    "检验检测",
    "创业辅导",
    "市场推广",
    "人才招聘",
    "财税辅导",
    "质量管理体系咨询",
)
EQUIPMENT = (
    ("服务器（联想ThinkSystem SR650）", 8.6),
    ("中小企业公共服务云平台软件V2.0", 36.0),
    ("网络交换机（华为S5735）", 1.8),
    ("视频会议系统", 6.5),
    ("培训教室多媒体设备", 4.2),
    ("办公计算机", 0.55),
    ("数据存储阵列", 12.0),
    ("激光打印复印一体机", 0.9),
    ("三坐标测量机", 28.0),
    ("直读光谱分析仪", 22.5),
    ("3D打印机", 3.8),
    ("录播直播设备", 5.6),
)


@dataclass
class Org:
    """One applicant. Amounts in 万元 as the form asks; smes_by_year ends with the audit year."""

    key: str
    jurisdiction: str
    name: str
    platform: str
    uscc_prefix: str
    area6: str
    city: str
    org_type: str
    legal_rep: str
    reg_date: date
    address: str
    region: str
    capital: float
    assets: float
    area_m2: int
    staff: int
    qualified: int
    smes_by_year: dict[int, int]
    satisfaction: int | None  # None: the form holds something unreadable instead
    agencies: int
    free_share: int
    functions: list[str]
    metrics: dict[str, float]
    seed: int
    platform_type: str | None = None
    prior: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    app_date: date = date(2026, 3, 10)
    contact: str = ""
    phone: str = ""
    postal: str = ""
    website: str = ""
    icp: str = ""
    schools: tuple[str, ...] = ()
    staff_list_rows: int | None = None  # differs from `staff` only where a sample tests that
    auditor: str = ""
    landlord: str = ""
    equipment_count: int = 8

    @cached_property
    def credit_code(self) -> str:
        return make_uscc(self.uscc_prefix, self.area6, self.seed)

    @property
    def smes(self) -> int:
        return self.smes_by_year[AUDIT_YEAR]

    @property
    def email(self) -> str:
        return f"service@{self.website.removeprefix('www.')}" if self.website else ""

    def rng(self, salt: str) -> random.Random:
        return random.Random(f"{self.seed}-{salt}")

    @cached_property
    def yearly(self) -> list[dict[str, Any]]:
        """Operation rows per year, oldest first; the audit year's assets are `assets`."""
        rows = []
        years = sorted(self.smes_by_year)
        for back, year in enumerate(reversed(years)):
            assets = round(self.assets * (1 - 0.09 * back), 1)
            revenue = round(self.assets * (0.62 - 0.06 * back), 1)
            rows.append(
                {
                    "year": year,
                    "revenue": revenue,
                    "service_revenue": round(revenue * 0.74, 1),
                    "assets": assets,
                    "profit": round(revenue * 0.08, 1),
                    "tax": round(revenue * 0.05, 1),
                    "smes": self.smes_by_year[year],
                }
            )
        return sorted(rows, key=lambda r: r["year"])

    def year_row(self, year: int) -> dict[str, Any]:
        return next(r for r in self.yearly if r["year"] == year)

    @cached_property
    def staff_rows(self) -> list[dict[str, Any]]:
        """姓名/年龄/学历/毕业学校/职称/主管工作. Qualified staff hold both a 大专+ degree and a
        中级+ title, the others neither, so every reading of the clause counts the same."""
        rng = self.rng("staff")
        n = self.staff_list_rows or self.staff
        n_qualified = min(self.qualified, n) if self.staff_list_rows is None else n - 1
        names = _unique_names(rng, n, first=self.legal_rep)
        rows = []
        for i, person in enumerate(names):
            if i < n_qualified:
                edu, title = rng.choice(QUALIFIED_EDU), rng.choice(QUALIFIED_TITLE)
                school = rng.choice(self.schools)
            else:
                edu, title = rng.choice(UNQUALIFIED)
                school = (
                    f"{self.city}市第{rng.randint(1, 9)}中学"
                    if edu == "高中"
                    else f"{self.city}市职业技术学校"
                )
            role = "总经理（全面负责）" if i == 0 else ROLES[(i - 1) % len(ROLES)]
            rows.append(
                {
                    "姓名": person,
                    "年龄": rng.randint(26, 56),
                    "学历": edu,
                    "毕业学校": school,
                    "职称": title,
                    "主管工作": role,
                }
            )
        head, rest = rows[:1], rows[1:]
        rng.shuffle(rest)
        return head + rest

    @cached_property
    def served_rows(self) -> list[dict[str, Any]]:
        """One row per SME served in the audit year; 满意 exactly `satisfaction` %."""
        n = self.smes
        if self.satisfaction is None or (n * self.satisfaction) % 100:
            raise ValueError(f"{self.key}: {n} SMEs cannot give exactly {self.satisfaction}%")
        satisfied = n * self.satisfaction // 100
        rng = self.rng("served")
        companies = _unique_companies(rng, self.city, n)
        contacts = _unique_names(rng, n)
        marks = ["满意"] * satisfied + ["不满意"] * (n - satisfied)
        rng.shuffle(marks)
        return [
            {
                "服务企业名称": c,
                "联系人": p,
                "联系电话": _mobile(rng),
                "服务内容": "、".join(rng.sample(SERVICES, 2)),
                "企业满意度": m,
            }
            for c, p, m in zip(companies, contacts, marks, strict=True)
        ]

    @cached_property
    def equipment_rows(self) -> list[dict[str, Any]]:
        rng = self.rng("equipment")
        rows = []
        for name, price in EQUIPMENT[: self.equipment_count]:
            qty = 1 if price > 5 else rng.randint(2, 12)
            bought = f"{rng.randint(max(self.reg_date.year, 2019), 2025)}年{rng.randint(1, 12)}月"
            rows.append(
                {
                    "名称": name,
                    "数量": qty,
                    "购买时间": bought,
                    "购买价格": round(price * qty, 2),
                    "是否处于行业领先水平": "是" if price > 20 else "否",
                }
            )
        return rows

    @cached_property
    def partner_rows(self) -> list[dict[str, Any]]:
        kinds = (
            f"{self.schools[0]}",
            f"{self.city}市中小企业协会",
            f"{self.city}正信律师事务所",
            f"中国银行{self.city}分行",
            f"{self.city}职业技术学院",
            f"{self.city}华知知识产权代理有限公司",
            f"{self.city}检验检测认证有限公司",
            f"{self.city}科技企业孵化器",
            f"{self.city}人力资源服务有限公司",
            f"{self.city}市工商业联合会",
            f"{self.city}信诚会计师事务所",
            f"{self.city}创投基金管理有限公司",
        )
        content = (
            "人才培养与技术合作",
            "政策宣贯与会员服务",
            "法律咨询",
            "融资对接",
            "职业培训",
            "知识产权代理",
            "检验检测",
            "创业孵化",
            "人才招聘",
            "政策宣讲",
            "财税服务",
            "股权投资对接",
        )
        rng = self.rng("partners")
        return [
            {
                "合作单位名称": kinds[i],
                "合作内容": content[i],
                "签订时间": f"{rng.randint(2021, 2025)}年{rng.randint(1, 12)}月",
            }
            for i in range(self.agencies)
        ]


def _unique_names(rng: random.Random, n: int, first: str | None = None) -> list[str]:
    names: list[str] = [first] if first else []
    while len(names) < n:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in names:
            names.append(name)
    return names


def _unique_companies(rng: random.Random, city: str, n: int) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = f"{city}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}有限公司"
        if name not in out:
            out.append(name)
    return out


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_date_padded(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def yuan(wan: float) -> float:
    return round(wan * 10000, 2)


def money(v: float) -> str:
    return f"{v:,.2f}"


def capital_in_words(wan: float) -> str:
    """500 → 伍佰万元整 (the way a licence writes 注册资本)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    units = ("仟", "佰", "拾", "")
    n = int(wan)
    out, zero = "", False
    for i, ch in enumerate(f"{n:04d}"):
        d = int(ch)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += digits[d] + units[i]
    return f"{out}万元整"


# --------------------------------------------------------------------------
# Deterministic zip containers (.xlsx, .docx, .zip)
# --------------------------------------------------------------------------


def normalize_ooxml(path: Path) -> None:
    """Rewrite an .xlsx/.docx with fixed member timestamps and fixed core properties dates."""
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    buf = io.BytesIO()
    stamp = FIXED_DT.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data
                )
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


class _GbkZipInfo(zipfile.ZipInfo):
    """A member whose name is stored as raw GBK bytes with flag bit 11 (UTF-8) off, as
    Windows' older zip tools, WinRAR and 360压缩 write them."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp936"), self.flag_bits & ~0x800


def write_gbk_zip(src: Path, dest: Path) -> None:
    """Zip the folder `src` (members at the root, sorted, fixed times) with GBK names."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(src.rglob("*")):
            rel = path.relative_to(src).as_posix() + ("/" if path.is_dir() else "")
            info = _GbkZipInfo(rel, date_time=FIXED_ZIP_TIME)
            info.create_system = 0  # MS-DOS, as Windows tools write
            info.external_attr = 0x10 if path.is_dir() else 0x20
            info.compress_type = zipfile.ZIP_STORED if path.is_dir() else zipfile.ZIP_DEFLATED
            z.writestr(info, b"" if path.is_dir() else path.read_bytes())


# --------------------------------------------------------------------------
# Text PDFs (reportlab, STSong-Light)
# --------------------------------------------------------------------------


def _register_pdf_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "body",
        fontName=PDF_FONT,
        fontSize=11,
        leading=19,
        wordWrap="CJK",
        firstLineIndent=22,
        spaceAfter=4,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=19,
            leading=30,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=12,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontSize=12,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=10,
        ),
        "h": ParagraphStyle(
            "h",
            parent=base,
            fontSize=12.5,
            leading=22,
            firstLineIndent=0,
            spaceBefore=6,
            spaceAfter=4,
        ),
        "body": base,
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0),
        "right": ParagraphStyle("right", parent=base, firstLineIndent=0, alignment=TA_RIGHT),
        "cell": ParagraphStyle(
            "cell",
            parent=base,
            fontSize=9,
            leading=12.5,
            firstLineIndent=0,
            alignment=TA_LEFT,
            spaceAfter=0,
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, firstLineIndent=0),
    }


class Doc:
    """A tiny builder over platypus so that each material reads like the paper it imitates."""

    def __init__(self) -> None:
        _register_pdf_font()
        self.s = _styles()
        self.flow: list[Any] = []

    def title(self, text: str, sub: str | None = None) -> Doc:
        from reportlab.platypus import Paragraph

        self.flow.append(Paragraph(escape(text), self.s["title"]))
        if sub:
            self.flow.append(Paragraph(escape(sub), self.s["subtitle"]))
        return self

    def h(self, text: str) -> Doc:
        from reportlab.platypus import Paragraph

        self.flow.append(Paragraph(escape(text), self.s["h"]))
        return self

    def p(self, *texts: str, style: str = "body") -> Doc:
        from reportlab.platypus import Paragraph

        for t in texts:
            self.flow.append(Paragraph(escape(t).replace("\n", "<br/>"), self.s[style]))
        return self

    def space(self, height: float = 12) -> Doc:
        from reportlab.platypus import Spacer

        self.flow.append(Spacer(1, height))
        return self

    def table(self, rows: list[list[Any]], widths: list[float], header: bool = True) -> Doc:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Table, TableStyle

        data = [[Paragraph(escape(str(c)), self.s["cell"]) for c in row] for row in rows]
        t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
        t.setStyle(TableStyle(style))
        self.flow.append(t)
        return self

    def seal(self, text: str, x: float = 118, rise: float = 22) -> Doc:
        """A red round company seal overlapping the lines just above it (x, rise in mm)."""
        self.flow.append(_seal_flowable(text, x, rise))
        return self

    def page(self) -> Doc:
        from reportlab.platypus import PageBreak

        self.flow.append(PageBreak())
        return self

    def save(self, path: Path, title: str) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        path.parent.mkdir(parents=True, exist_ok=True)
        doc = SimpleDocTemplate(
            str(path),
            pagesize=A4,
            invariant=1,
            title=title,
            author="",
            subject="",
            creator="",
            leftMargin=25 * mm,
            rightMargin=22 * mm,
            topMargin=25 * mm,
            bottomMargin=22 * mm,
        )
        doc.build(self.flow)


def _seal_flowable(text: str, x_mm: float, rise_mm: float) -> Any:
    """A zero-height flowable that stamps the seal image over the lines above it."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    radius = 21 * mm

    class SealFlowable(Flowable):  # type: ignore[misc]
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return avail_width, 4

        def draw(self) -> None:
            image = ImageReader(seal_image(text))
            self.canv.drawImage(
                image,
                x_mm * mm - radius,
                rise_mm * mm - radius,
                2 * radius,
                2 * radius,
                mask="auto",
            )

    return SealFlowable()


def seal_image(text: str, size: int = 480) -> Any:
    """A red round company seal (公章) as an RGBA image: ring, five-pointed star, the name
    around the upper arc, a little worn like a real impression. An image, as on scanned or
    e-stamped papers, so the seal's characters never enter the page's text layer."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (214, 24, 30, 230)
    c, r = size / 2, size / 2 - 6
    d.ellipse((c - r, c - r, c + r, c + r), outline=red, width=round(size * 0.035))
    star = []
    for i in range(10):
        rad = r * (0.30 if i % 2 == 0 else 0.12)
        ang = math.radians(90 + i * 36)
        star.append((c + rad * math.cos(ang), c - rad * math.sin(ang)))
    d.polygon(star, fill=red)
    font_px = round(r * 0.25)
    font = _scan_font(font_px)
    span = min(250.0, 19.0 * len(text))
    step = span / max(len(text) - 1, 1)
    for i, ch in enumerate(text):
        ang = 90 + span / 2 - i * step
        glyph = Image.new("RGBA", (font_px * 2, font_px * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_px, font_px), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(ang - 90, resample=Image.Resampling.BICUBIC)
        gx = c + r * 0.74 * math.cos(math.radians(ang)) - font_px
        gy = c - r * 0.74 * math.sin(math.radians(ang)) - font_px
        img.alpha_composite(glyph, (round(gx), round(gy)))
    rng = random.Random(text)
    worn = ImageDraw.Draw(img)
    for _ in range(size * 3):
        x, y = rng.randrange(size), rng.randrange(size)
        worn.point((x, y), fill=(0, 0, 0, 0))
    return img


# --------------------------------------------------------------------------
# Scanned pages and photos (Pillow, WenQuanYi Micro Hei)
# --------------------------------------------------------------------------


class ScanPage:
    """An A4 page drawn at 150 dpi in grey, then tilted and speckled like a scanner's output."""

    W, H = 1240, 1754

    def __init__(self) -> None:
        from PIL import Image, ImageDraw

        self.img = Image.new("L", (self.W, self.H), 250)
        self.draw = ImageDraw.Draw(self.img)

    @staticmethod
    def px(mm_value: float) -> int:
        return round(mm_value * SCAN_DPI / 25.4)

    @staticmethod
    def font(size_pt: float) -> Any:
        return _scan_font(round(size_pt * SCAN_DPI / 72))

    def text(self, x: float, y: float, s: str, size: float = 11, fill: int = 25) -> None:
        self.draw.text((self.px(x), self.px(y)), s, font=self.font(size), fill=fill)

    def center(self, y: float, s: str, size: float = 11) -> None:
        f = self.font(size)
        w = self.draw.textlength(s, font=f)
        self.draw.text(((self.W - w) / 2, self.px(y)), s, font=f, fill=20)

    def lines(
        self, x: float, y: float, texts: list[str], size: float = 11, gap: float = 7.5
    ) -> float:
        for t in texts:
            self.text(x, y, t, size)
            y += gap
        return y

    def wrapped(
        self,
        x: float,
        y: float,
        s: str,
        width_mm: float,
        size: float = 11,
        gap: float = 7.5,
        indent: bool = True,
    ) -> float:
        f = self.font(size)
        limit = self.px(width_mm)
        line = "　　" if indent else ""
        for ch in s:
            if self.draw.textlength(line + ch, font=f) > limit:
                self.text(x, y, line, size)
                y += gap
                line = ""
            line += ch
        if line:
            self.text(x, y, line, size)
            y += gap
        return y

    def rect(self, x: float, y: float, w: float, h: float, width: int = 2) -> None:
        self.draw.rectangle(
            (self.px(x), self.px(y), self.px(x + w), self.px(y + h)), outline=40, width=width
        )

    def circle(self, cx: float, cy: float, r: float, width: int = 4, fill: int = 110) -> None:
        box = (self.px(cx - r), self.px(cy - r), self.px(cx + r), self.px(cy + r))
        self.draw.ellipse(box, outline=fill, width=width)

    def table(
        self,
        x: float,
        y: float,
        widths: list[float],
        rows: list[list[str]],
        row_h: float = 8.5,
        size: float = 9.5,
    ) -> float:
        total = sum(widths)
        for i, row in enumerate(rows):
            top = y + i * row_h
            self.draw.line(
                (self.px(x), self.px(top), self.px(x + total), self.px(top)), fill=40, width=2
            )
            cx = x
            for w, cell in zip(widths, row, strict=True):
                self.text(cx + 1.5, top + (row_h - size * 0.42) / 2, str(cell), size)
                cx += w
        bottom = y + len(rows) * row_h
        self.draw.line(
            (self.px(x), self.px(bottom), self.px(x + total), self.px(bottom)), fill=40, width=2
        )
        cx = x
        for w in [0, *widths]:
            cx += w
            self.draw.line(
                (self.px(cx), self.px(y), self.px(cx), self.px(bottom)), fill=40, width=2
            )
        return bottom

    def scanned(self, seed: int) -> Any:
        """Tilt, blur and speckle the page (deterministic for a seed)."""
        from PIL import Image, ImageDraw, ImageFilter

        rng = random.Random(seed)
        img = self.img.rotate(
            rng.uniform(-0.8, 0.8), resample=Image.Resampling.BICUBIC, fillcolor=250
        )
        draw = ImageDraw.Draw(img)
        for _ in range(900):
            x, y = rng.randrange(self.W), rng.randrange(self.H)
            r = rng.choice((0, 0, 0, 1))
            draw.ellipse((x, y, x + r, y + r), fill=rng.randint(90, 190))
        shade = rng.randint(185, 215)
        draw.rectangle((0, 0, self.W, 6), fill=shade)  # scanner lid edge
        draw.rectangle((self.W - 5, 0, self.W, self.H), fill=shade)
        return img.filter(ImageFilter.GaussianBlur(0.55))


_FONT_CACHE: dict[int, Any] = {}


def _scan_font(size_px: int) -> Any:
    from PIL import ImageFont

    if size_px not in _FONT_CACHE:
        _FONT_CACHE[size_px] = ImageFont.truetype(str(SCAN_FONT), size_px, index=0)
    return _FONT_CACHE[size_px]


def image_only_pdf(path: Path, pages: list[Any], quality: int = 55) -> None:
    """Embed page images (JPEG, passed through unchanged) in a PDF with no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setCreator("")
    c.setProducer("Canon MF Scan Utility")
    for img in pages:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality, optimize=True)
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()


def service_photo(path: Path, banner: str, screen: str, seed: int) -> None:
    """A phone photo of a service event: a red banner, a screen, rows of attendees."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    w, h = 1024, 683
    img = Image.new("RGB", (w, h), (214, 206, 190))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 430, w, h), fill=(150, 120, 95))  # floor
    d.rectangle((60, 40, w - 60, 118), fill=(190, 22, 30))  # banner
    f = _scan_font(34)
    tw = d.textlength(banner, font=f)
    d.text(((w - tw) / 2, 58), banner, font=f, fill=(255, 236, 120))
    d.rectangle((300, 140, 724, 380), fill=(235, 240, 246), outline=(60, 60, 60), width=4)
    f2 = _scan_font(30)
    for i, line in enumerate(screen.split("\n")):
        lw = d.textlength(line, font=f2)
        d.text(((w - lw) / 2, 190 + i * 52), line, font=f2, fill=(20, 60, 140))
    d.rectangle((120, 330, 230, 470), fill=(120, 80, 50))  # lectern
    d.ellipse((150, 250, 200, 300), fill=(60, 45, 35))
    for row in range(3):
        y = 470 + row * 70
        for col in range(11):
            x = 40 + col * 90 + (row % 2) * 40 + rng.randint(-8, 8)
            body = rng.choice(
                ((40, 40, 60), (70, 70, 80), (200, 200, 205), (40, 60, 110), (120, 30, 40))
            )
            d.rounded_rectangle((x, y + 30, x + 62, y + 110), radius=18, fill=body)
            d.ellipse(
                (x + 12, y, x + 50, y + 40),
                fill=rng.choice(((30, 25, 20), (45, 35, 30), (60, 50, 40))),
            )
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=70, optimize=True)


# --------------------------------------------------------------------------
# Excel workbooks (openpyxl)
# --------------------------------------------------------------------------

DEFAULT_LABEL = {
    "org_name": "单位名称",
    "platform_name": "平台名称",
    "credit_code": "统一社会信用代码",
    "org_type": "单位性质",
    "registration_date": "成立日期",
    "legal_representative": "法定代表人",
    "registered_address": "注册地址",
    "region": "所在地区",
    "postal_code": "邮政编码",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "email": "电子邮箱",
    "website": "网址及备案号",
    "registered_capital": "注册资本",
    "total_assets": "资产总额",
    "service_area": "服务场地面积",
    "staff_total": "从业人数",
    "staff_qualified": "大专及以上学历和中级及以上技术职称的专业人员",
    "smes_served": "年服务中小企业数",
    "satisfaction_rate": "用户满意度",
    "agencies_aggregated": "集聚服务机构数",
    "free_service_share": "公益性服务或低收费服务占比",
    "platform_type": "平台类型",
    "functions_declared": "申报服务功能",
    "prior_recognitions": "已获认定",
    "info_offline_smes": "信息服务线下年服务企业数",
    "info_activities": "信息服务年活动次数",
    "tech_activities": "技术服务年活动次数",
    "startup_events": "创业项目洽谈推介年活动次数",
    "training_person_times": "年培训人次",
    "financing_activities": "投融资对接等年活动次数",
    "financing_amount": "帮助中小企业融资总额",
    "guarantee_amount": "年新增担保额",
    "is_renewal": "是否再次申报",
    "comprehensive_center": "是否当地政府或工信部门成立、认定或指定的中小企业服务中心",
    "western_region": "是否属于西部大开发政策区域",
    "underdeveloped_region": "是否属于公共服务平台建设水平较低地区",
    "remote_or_poor_county": "是否属于边远地区或贫困县",
    "social_org_sponsor": "是否由社团法人主办",
    "financial_license": "是否持有金融牌照",
    "local_tax_paid": "是否在当地依法纳税",
    "application_date": "填报日期",
}
METRIC_UNIT = {
    "info_offline_smes": "家",
    "info_activities": "次",
    "tech_activities": "次",
    "startup_events": "次",
    "training_person_times": "人次",
    "financing_activities": "次",
    "financing_amount": "亿元",
    "guarantee_amount": "亿元",
}
FORM_ORDER = (
    "org_name",
    "platform_name",
    "credit_code",
    "org_type",
    "registration_date",
    "legal_representative",
    "registered_address",
    "region",
    "postal_code",
    "contact_person",
    "contact_phone",
    "email",
    "website",
    "registered_capital",
    "total_assets",
    "service_area",
    "staff_total",
    "staff_qualified",
    "smes_served",
    "satisfaction_rate",
    "agencies_aggregated",
    "free_service_share",
    "platform_type",
    "functions_declared",
)
WIDE = {
    "registered_address",
    "prior_recognitions",
    "functions_declared",
    "website",
    "org_name",
    "platform_name",
    "comprehensive_center",
}
FUNCTION_NAME = {
    "信息": "信息服务",
    "技术": "技术服务",
    "创业": "创业服务",
    "培训": "培训服务",
    "融资": "融资服务",
    "综合": "综合服务",
}


def default_value(org: Org, key: str) -> Any:
    """How most applicants write the value: with its unit, dates in Chinese."""
    simple = {
        "org_name": org.name,
        "platform_name": org.platform,
        "credit_code": org.credit_code,
        "org_type": org.org_type,
        "registration_date": cn_date(org.reg_date),
        "legal_representative": org.legal_rep,
        "registered_address": org.address,
        "region": org.region,
        "postal_code": org.postal,
        "contact_person": org.contact,
        "contact_phone": org.phone,
        "email": org.email,
        "website": f"{org.website}（{org.icp}）" if org.website else "无",
        "registered_capital": f"{org.capital:g}万元",
        "total_assets": f"{org.assets:g}万元",
        "service_area": f"{org.area_m2}平方米",
        "staff_total": f"{org.staff}人",
        "staff_qualified": f"{org.qualified}人",
        "smes_served": f"{org.smes}家",
        "satisfaction_rate": f"{org.satisfaction}%" if org.satisfaction else "",
        "agencies_aggregated": f"{org.agencies}家",
        "free_service_share": f"{org.free_share}%",
        "platform_type": org.platform_type,
        "functions_declared": "、".join(FUNCTION_NAME[f] for f in org.functions),
        "prior_recognitions": "\n".join(org.prior) if org.prior else "无",
        "application_date": cn_date(org.app_date),
    }
    if key in simple:
        return simple[key]
    if key in org.metrics:
        return f"{org.metrics[key]:g}{METRIC_UNIT[key]}"
    return org.flags[key]


def form_pairs(
    org: Org,
    labels: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    omit: tuple[str, ...] = (),
) -> list[tuple[str, str, Any]]:
    """(key, label, value) in the order of a form: identity, size, performance, functions, flags."""
    labels, values = labels or {}, values or {}
    keys = [k for k in FORM_ORDER if k != "platform_type" or org.platform_type]
    keys += list(org.metrics) + ["prior_recognitions", *org.flags, "application_date"]
    return [
        (k, labels.get(k, DEFAULT_LABEL[k]), values[k] if k in values else default_value(org, k))
        for k in keys
        if k not in omit
    ]


def _thin_border() -> Any:
    from openpyxl.styles import Border, Side

    side = Side(style="thin", color="000000")
    return Border(left=side, right=side, top=side, bottom=side)


def _cell(
    ws: Any,
    ref: str,
    value: Any,
    bold: bool = False,
    fill: str | None = None,
    wrap: bool = True,
    center: bool = False,
) -> Any:
    from openpyxl.styles import Alignment, Font, PatternFill

    c = ws[ref]
    c.value = value
    c.font = Font(name="宋体", size=11, bold=bold)
    c.alignment = Alignment(
        wrap_text=wrap, vertical="center", horizontal="center" if center else None
    )
    c.border = _thin_border()
    if fill:
        c.fill = PatternFill("solid", fgColor=fill)
    if isinstance(value, datetime | date):
        c.number_format = "yyyy-mm-dd"
    return c


def write_form_sheet(ws: Any, title: str, pairs: list[tuple[str, str, Any]]) -> None:
    """The usual 申请表: label|value|label|value rows; long values take the whole row."""
    from openpyxl.styles import Alignment, Font

    ws.merge_cells("A1:D1")
    ws["A1"] = title
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    for col, width in zip("ABCD", (30, 36, 30, 30), strict=True):
        ws.column_dimensions[col].width = width
    row, slot = 3, 0
    for key, label, value in pairs:
        if key in WIDE:
            if slot:
                row, slot = row + 1, 0
            _cell(ws, f"A{row}", label, fill="F2F2F2")
            _cell(ws, f"B{row}", value)
            ws.merge_cells(f"B{row}:D{row}")
            if isinstance(value, str) and "\n" in value:
                ws.row_dimensions[row].height = 16 * (value.count("\n") + 1)
            row += 1
            continue
        lcol, vcol = ("A", "B") if slot == 0 else ("C", "D")
        _cell(ws, f"{lcol}{row}", label, fill="F2F2F2")
        _cell(ws, f"{vcol}{row}", value)
        slot ^= 1
        if slot == 0:
            row += 1


YEARLY_HEADERS = {
    "year": "年度",
    "revenue": "营业收入",
    "service_revenue": "服务收入",
    "assets": "资产总额",
    "profit": "利润总额",
    "tax": "上缴税金",
    "smes": "服务中小企业数",
}


def write_yearly(
    ws: Any,
    org: Org,
    top: int = 1,
    order: tuple[str, ...] = tuple(YEARLY_HEADERS),
    year_fmt: str = "{}",
    newest_first: bool = False,
    caption: str | None = None,
) -> int:
    """The yearly operation table (§1.2) from row `top`; returns the next free row."""
    from openpyxl.utils import get_column_letter

    if caption:
        _cell(ws, f"A{top}", caption, bold=True)
        ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=len(order))
        top += 1
    for i, key in enumerate(order, start=1):
        _cell(
            ws,
            f"{get_column_letter(i)}{top}",
            YEARLY_HEADERS[key],
            bold=True,
            fill="DDEBF7",
            center=True,
        )
        ws.column_dimensions[get_column_letter(i)].width = max(
            ws.column_dimensions[get_column_letter(i)].width or 0, 14
        )
    rows = sorted(org.yearly, key=lambda r: r["year"], reverse=newest_first)
    for r, data in enumerate(rows, start=top + 1):
        for i, key in enumerate(order, start=1):
            value = year_fmt.format(data["year"]) if key == "year" else data[key]
            if key == "year" and year_fmt == "{}":
                value = data["year"]
            _cell(ws, f"{get_column_letter(i)}{r}", value, center=key == "year")
    return top + len(rows) + 1


def write_list(
    ws: Any,
    caption: str | None,
    headers: list[str],
    rows: list[dict[str, Any]],
    numbered: bool = True,
    top: int = 1,
) -> None:
    """A list sheet (§1.3): optional caption row, then the header row, then one row per item."""
    from openpyxl.utils import get_column_letter

    cols = (["序号"] if numbered else []) + headers
    if caption:
        _cell(ws, f"A{top}", caption, bold=True)
        ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=len(cols))
        top += 1
    for i, h in enumerate(cols, start=1):
        _cell(ws, f"{get_column_letter(i)}{top}", h, bold=True, fill="DDEBF7", center=True)
        ws.column_dimensions[get_column_letter(i)].width = 8 if h == "序号" else 18
    for n, row in enumerate(rows, start=1):
        values = ([n] if numbered else []) + [row[h] for h in headers]
        for i, v in enumerate(values, start=1):
            _cell(ws, f"{get_column_letter(i)}{top + n}", v)


STAFF_HEADERS = ["姓名", "年龄", "学历", "毕业学校", "职称", "主管工作"]
SERVED_HEADERS = ["服务企业名称", "联系人", "联系电话", "服务内容", "企业满意度"]
EQUIPMENT_HEADERS = ["名称", "数量", "购买时间", "购买价格", "是否处于行业领先水平"]
PARTNER_HEADERS = ["合作单位名称", "合作内容", "签订时间"]


def save_workbook(wb: Any, path: Path) -> None:
    wb.properties.creator = "Administrator"
    wb.properties.lastModifiedBy = "Administrator"
    wb.properties.created = FIXED_DT
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    normalize_ooxml(path)


def standard_workbook(
    path: Path,
    org: Org,
    pairs: list[tuple[str, str, Any]],
    sheets: dict[str, str] | None = None,
    lists: tuple[str, ...] = ("staff", "served", "equipment", "partners"),
) -> None:
    """Form sheet + yearly sheet + list sheets, the layout most applicants use."""
    from openpyxl import Workbook

    names = {
        "form": "基本信息",
        "yearly": "运营情况",
        "staff": "人员名单",
        "served": "服务企业名单",
        "equipment": "设备清单",
        "partners": "合作单位",
        **(sheets or {}),
    }
    wb = Workbook()
    ws = wb.active
    ws.title = names["form"]
    write_form_sheet(ws, f"{JURISDICTION_TITLE[org.jurisdiction]}申请表", pairs)
    write_yearly(wb.create_sheet(names["yearly"]), org, caption="平台运营管理（单位：万元）")
    captions = {
        "staff": ("主要管理人员和专业技术人员名单", STAFF_HEADERS, "staff_rows"),
        "served": ("服务的中小企业名单及服务评价表", SERVED_HEADERS, "served_rows"),
        "equipment": (
            "主要服务设备、仪器及软件清单（价格单位：万元）",
            EQUIPMENT_HEADERS,
            "equipment_rows",
        ),
        "partners": ("合作资源（签订合作协议的单位）", PARTNER_HEADERS, "partner_rows"),
    }
    for kind in lists:
        caption, headers, attr = captions[kind]
        write_list(wb.create_sheet(names[kind]), caption, headers, getattr(org, attr))
    save_workbook(wb, path)


# --------------------------------------------------------------------------
# The 申请报告 (.docx)
# --------------------------------------------------------------------------

XUCHANG_SECTIONS = (
    "一、许昌市中小企业公共服务示范平台申请表",
    "二、主要服务设备、仪器及软件清单",
    "三、主要管理人员和专业技术人员名单及职称情况一览表",
    "四、服务的中小企业名单及服务评价表（30家以上）",
    "五、有关情况说明",
)
XUCHANG_SUBSECTIONS = (
    "（一）申请单位的基本情况",
    "（二）服务对象所在区域的行业状况，在区域经济发展中的地位和作用，中小企业发展情况和公共服务需求情况",
    "（三）管理运营情况",
    "（四）近年来的服务情况",
    "（五）主要服务业绩及对区域经济和中小企业健康发展的贡献",
    "（六）下一步发展设想",
)
GENERIC_SECTIONS = (
    "一、申请单位基本情况",
    "二、服务功能与服务能力",
    "三、近年来服务情况及服务业绩",
    "四、管理运营情况",
    "五、示范带动作用",
    "六、下一步发展设想",
)


def _docx_base() -> Any:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    return doc


def _docx_heading(doc: Any, text: str, use_styles: bool) -> None:
    if use_styles:
        doc.add_heading(text, level=1 if text[0] in "一二三四五六七八九" else 2)
    else:
        run = doc.add_paragraph().add_run(text)
        run.bold = True


def _docx_table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    for cell, h in zip(t.rows[0].cells, headers, strict=True):
        cell.text = h
    for row in rows:
        for cell, v in zip(t.add_row().cells, row, strict=True):
            cell.text = str(v)


def _save_docx(doc: Any, org: Org, path: Path) -> None:
    props = doc.core_properties
    props.author = org.contact
    props.last_modified_by = org.contact
    props.created = FIXED_DT
    props.modified = FIXED_DT
    props.revision = 3
    props.title = f"{JURISDICTION_TITLE[org.jurisdiction]}申请报告"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    normalize_ooxml(path)


def satisfaction_phrase(org: Org) -> str:
    return f"用户满意度{org.satisfaction}%" if org.satisfaction is not None else "用户满意度很高"


def narrative(org: Org) -> dict[str, str]:
    """The prose of a 申请报告, consistent with the form's numbers."""
    prev = org.smes_by_year.get(AUDIT_YEAR - 1)
    functions = "、".join(FUNCTION_NAME[f] for f in org.functions)
    growth = f"较上年的{prev}家增长{round((org.smes - prev) / prev * 100, 1)}%" if prev else ""
    return {
        "basic": (
            f"{org.name}成立于{cn_date(org.reg_date)}，注册资本{org.capital:g}万元，住所位于{org.address}。"
            f"单位以“{org.platform}”为载体，面向{org.city}及周边地区中小企业提供{functions}等公共服务。"
            f"截至{AUDIT_YEAR}年末，单位资产总额{org.assets:g}万元，服务场地{org.area_m2}平方米，"
            f"从业人员{org.staff}人，其中大专及以上学历和中级及以上技术职称的专业人员{org.qualified}人。"
        ),
        "region": (
            f"{org.city}现有中小企业一万余家，以{INDUSTRIES[org.seed % 7]}、{INDUSTRIES[org.seed % 5 + 7]}等行业为主，"
            "普遍存在政策获取难、技术改造资金不足、专业人才短缺等问题，对政策咨询、数字化转型、人才培训等公共服务需求旺盛。"
        ),
        "management": (
            "单位建立了服务质量管理、服务收费管理、客户回访、档案管理、财务管理等制度，"
            "实行服务内容、服务流程、服务标准、服务收费、服务时间“五公开”；对小型微型企业服务收费给予优惠，"
            f"{AUDIT_YEAR}年公益性服务或低收费服务占总服务量的{org.free_share}%。"
        ),
        "services": (
            f"{AUDIT_YEAR}年共服务中小企业{org.smes}家{('，' + growth) if growth else ''}，"
            f"{satisfaction_phrase(org)}；与{org.agencies}家服务机构签订合作协议，形成协同服务网络。"
        ),
        "results": (
            "通过政策宣讲、诊断咨询、对接活动等方式，帮助企业争取各级扶持资金、提升管理水平，"
            "典型案例包括帮助多家企业完成数字化改造、申报专精特新中小企业等。"
        ),
        "plan": (
            "下一步将完善线上服务系统，扩充专家库和服务机构资源，年服务企业数量力争增长15%以上，"
            "进一步提升公益性服务比例和服务满意度。"
        ),
    }


def xuchang_report_docx(path: Path, org: Org) -> None:
    """The xuchang 附件2 structure: 一、…五、 with （一）…（六） under 五、."""
    doc = _docx_base()
    doc.add_paragraph("许昌市中小企业公共服务示范平台").alignment = 1
    doc.add_paragraph("申请报告").alignment = 1
    doc.add_paragraph(f"申请单位名称：{org.name}（盖章）")
    doc.add_paragraph(f"填 报 日 期 ：{cn_date(org.app_date)}")
    doc.add_page_break()
    text = narrative(org)
    _docx_heading(doc, XUCHANG_SECTIONS[0], use_styles=True)
    _docx_table(
        doc,
        ["项目", "内容"],
        [
            ["示范平台运营单位名称", org.name],
            ["统一社会信用代码", org.credit_code],
            ["注册日期", cn_date(org.reg_date)],
            ["单位性质", org.org_type],
            ["注册地址", org.address],
            ["注册资本", f"{org.capital:g}万元"],
            ["上年末总资产", f"{org.assets:g}万元"],
            ["服务场地面积", f"{org.area_m2}平方米"],
            ["从业人数", f"{org.staff}人"],
            ["其中：大专及以上学历和中级及以上技术职称的专业人员", f"{org.qualified}人"],
        ],
    )
    doc.add_paragraph("平台运营管理（单位：万元）")
    _docx_table(
        doc, list(YEARLY_HEADERS.values()), [[r[k] for k in YEARLY_HEADERS] for r in org.yearly]
    )
    _docx_heading(doc, XUCHANG_SECTIONS[1], use_styles=True)
    _docx_table(
        doc,
        ["序号", *EQUIPMENT_HEADERS],
        [[i, *r.values()] for i, r in enumerate(org.equipment_rows, 1)],
    )
    _docx_heading(doc, XUCHANG_SECTIONS[2], use_styles=True)
    _docx_table(doc, STAFF_HEADERS, [list(r.values()) for r in org.staff_rows])
    doc.add_paragraph("备注：不少于10人")
    _docx_heading(doc, XUCHANG_SECTIONS[3], use_styles=True)
    _docx_table(
        doc,
        ["序号", *SERVED_HEADERS],
        [[i, *r.values()] for i, r in enumerate(org.served_rows[:36], 1)],
    )
    doc.add_paragraph(f"上一年度共服务企业{org.smes}家（完整名单见申请表附表）")
    _docx_heading(doc, XUCHANG_SECTIONS[4], use_styles=True)
    for heading, key in zip(
        XUCHANG_SUBSECTIONS,
        ("basic", "region", "management", "services", "results", "plan"),
        strict=True,
    ):
        _docx_heading(doc, heading, use_styles=True)
        doc.add_paragraph(text[key])
    _save_docx(doc, org, path)


def generic_report_docx(path: Path, org: Org, use_styles: bool, assets: bool = True) -> None:
    """A 申请报告 with 一、…六、 sections, as national/liaoning/heilongjiang/shaoguan applicants write.

    `assets=False` leaves 资产总额 out of its table (the audit report is then the only source)."""
    doc = _docx_base()
    doc.add_paragraph(JURISDICTION_TITLE[org.jurisdiction]).alignment = 1
    doc.add_paragraph("申 请 报 告").alignment = 1
    doc.add_paragraph(f"申请单位：{org.name}")
    doc.add_paragraph(f"平台名称：{org.platform}")
    doc.add_paragraph(f"日    期：{cn_date(org.app_date)}")
    doc.add_page_break()
    text = narrative(org)
    for heading, key in zip(
        GENERIC_SECTIONS,
        ("basic", "region", "services", "management", "results", "plan"),
        strict=True,
    ):
        _docx_heading(doc, heading, use_styles)
        doc.add_paragraph(text[key])
        if key == "basic":
            _docx_table(
                doc,
                ["项目", "内容"],
                [
                    ["统一社会信用代码", org.credit_code],
                    ["法定代表人", org.legal_rep],
                    *([["资产总额（万元）", f"{org.assets:g}"]] if assets else []),
                    ["从业人数", str(org.staff)],
                ],
            )
        if key == "services":
            _docx_table(
                doc,
                list(YEARLY_HEADERS.values()),
                [[r[k] for k in YEARLY_HEADERS] for r in org.yearly],
            )
    _save_docx(doc, org, path)


# --------------------------------------------------------------------------
# Materials: what each paper says
# --------------------------------------------------------------------------


def business_scope(org: Org) -> str:
    return (
        "企业管理咨询；信息技术咨询服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；"
        "会议及展览服务；组织文化艺术交流活动；职业技能培训（不含需取得许可的培训）；"
        "人力资源服务（不含职业中介活动、劳务派遣服务）。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    )


def company_type(org: Org) -> str:
    return (
        "股份有限公司（非上市、自然人投资或控股）"
        if "股份" in org.name
        else "有限责任公司（自然人投资或控股）"
    )


def license_pdf(path: Path, org: Org) -> None:
    """营业执照（副本） as a text PDF (a copy saved from the e-licence)."""
    d = Doc()
    d.p(f"统一社会信用代码  {org.credit_code}", style="plain")
    d.p("副本编号：1-1", style="right")
    d.title("营 业 执 照", "（副  本）")
    d.table(
        [
            ["名称", org.name],
            ["类型", company_type(org)],
            ["法定代表人", org.legal_rep],
            ["经营范围", business_scope(org)],
            ["注册资本", capital_in_words(org.capital)],
            ["成立日期", cn_date_padded(org.reg_date)],
            ["营业期限", f"{cn_date_padded(org.reg_date)} 至 长期"],
            ["住所", org.address],
        ],
        [32, 128],
        header=False,
    )
    d.space(24)
    d.p(f"登记机关  {org.city}市市场监督管理局", style="right")
    d.p(cn_date_padded(org.reg_date), style="right")
    d.space(30)
    d.p("国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", style="small")
    d.p(
        "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。",
        style="small",
    )
    d.p("国家市场监督管理总局监制", style="small")
    d.save(path, "营业执照")


def public_institution_certificate_pdf(path: Path, org: Org, sponsor: str) -> None:
    """事业单位法人证书（副本）, which a government-run service centre holds instead of a licence."""
    d = Doc()
    d.title("事业单位法人证书", "（副  本）")
    d.p(f"统一社会信用代码：{org.credit_code}", style="plain")
    d.table(
        [
            ["名称", org.name],
            [
                "宗旨和业务范围",
                "为中小企业提供服务。政策咨询、创业辅导、人才培训、融资对接、信息服务、统筹协调区内服务机构。",
            ],
            ["住所", org.address],
            ["法定代表人", org.legal_rep],
            ["开办资金", f"￥{org.capital:g}万元"],
            ["经费来源", "财政补助"],
            ["举办单位", sponsor],
        ],
        [34, 126],
        header=False,
    )
    d.space(10)
    d.p(
        f"有效期：自{cn_date_padded(date(2024, 5, 6))}至{cn_date_padded(date(2029, 5, 6))}",
        style="plain",
    )
    d.p(f"登记管理机关：{org.city}市{org.region[-3:]}事业单位登记管理局", style="right")
    d.p("国家事业单位登记管理局监制", style="small")
    d.save(path, "事业单位法人证书")


def license_scan_pages(org: Org) -> list[Any]:
    """营业执照（副本） photocopied and scanned: one grey page, no text layer."""
    pg = ScanPage()
    pg.rect(12, 12, 186, 273, width=5)
    pg.rect(16, 16, 178, 265, width=2)
    pg.text(26, 28, "统一社会信用代码", 11)
    pg.text(26, 36, org.credit_code, 13)
    pg.text(150, 30, "（副 本）", 13)
    pg.text(150, 39, "副本编号：1-1", 10)
    pg.center(55, "营  业  执  照", 34)
    y = 90.0
    fields = [
        ("名      称", org.name),
        ("类      型", company_type(org)),
        ("法定代表人", org.legal_rep),
        ("注册资本", capital_in_words(org.capital)),
        ("成立日期", cn_date_padded(org.reg_date)),
        ("营业期限", f"{cn_date_padded(org.reg_date)} 至 长期"),
        ("住      所", org.address),
    ]
    for label, value in fields:
        pg.text(28, y, label, 12)
        pg.text(62, y, value, 12)
        y += 11
    pg.text(28, y, "经营范围", 12)
    y = pg.wrapped(62, y, business_scope(org), 118, size=10.5, gap=6.5, indent=False)
    pg.circle(160, 240, 19, width=5, fill=120)
    pg.text(132, 238, f"登记机关  {org.city}市市场监督管理局", 11)
    pg.text(150, 250, cn_date_padded(org.reg_date), 11)
    pg.text(26, 268, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 8.5)
    pg.text(
        26,
        273,
        "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。",
        8.5,
    )
    return [pg.scanned(org.seed + 1)]


def balance_sheet(org: Org) -> tuple[list[list[str]], float]:
    """资产负债表 rows (元) whose 资产总计 is the form's 资产总额; returns (rows, total)."""
    end, start = yuan(org.assets), yuan(org.year_row(AUDIT_YEAR - 1)["assets"])

    def split(total: float, shares: tuple[float, ...]) -> list[float]:
        parts = [round(total * s, 2) for s in shares[:-1]]
        return [*parts, round(total - sum(parts), 2)]

    a_end = split(end, (0.36, 0.19, 0.05, 0.03, 0.02, 0.25, 0.07, 0.03))
    a_start = split(start, (0.33, 0.21, 0.04, 0.03, 0.02, 0.27, 0.07, 0.03))
    names = (
        "货币资金",
        "应收账款",
        "预付款项",
        "其他应收款",
        "存货",
        "固定资产",
        "无形资产",
        "长期待摊费用",
    )
    rows = [["资产", "期末余额", "上年年末余额"]]
    for i, n in enumerate(names):
        rows.append([n, money(a_end[i]), money(a_start[i])])
        if i == 4:
            rows.append(["流动资产合计", money(sum(a_end[:5])), money(sum(a_start[:5]))])
    rows.append(["非流动资产合计", money(sum(a_end[5:])), money(sum(a_start[5:]))])
    rows.append(["资产总计", money(end), money(start)])
    l_end, l_start = (
        split(end * 0.3, (0.45, 0.25, 0.1, 0.2)),
        split(start * 0.32, (0.45, 0.25, 0.1, 0.2)),
    )
    for i, n in enumerate(("应付账款", "应付职工薪酬", "应交税费", "其他应付款")):
        rows.append([n, money(l_end[i]), money(l_start[i])])
    rows.append(["负债合计", money(sum(l_end)), money(sum(l_start))])
    e_end, e_start = round(end - sum(l_end), 2), round(start - sum(l_start), 2)
    rows.append(["所有者权益合计", money(e_end), money(e_start)])
    rows.append(["负债和所有者权益总计", money(end), money(start)])
    return rows, end


def income_rows(org: Org) -> list[list[str]]:
    """利润表 rows (元): 营业收入 − 营业成本 − 税金及附加 = 利润总额; 所得税 5% of profit."""
    cur, prev = org.year_row(AUDIT_YEAR), org.year_row(AUDIT_YEAR - 1)

    def column(r: dict[str, Any]) -> list[float]:
        revenue, tax, profit = yuan(r["revenue"]), yuan(r["tax"]), yuan(r["profit"])
        income_tax = round(profit * 0.05, 2)
        return [
            revenue,
            yuan(r["service_revenue"]),
            round(revenue - tax - profit, 2),
            tax,
            profit,
            income_tax,
            round(profit - income_tax, 2),
        ]

    labels = (
        "一、营业收入",
        "其中：服务收入",
        "减：营业成本",
        "税金及附加",
        "二、利润总额",
        "减：所得税费用",
        "三、净利润",
    )
    rows = [["项目", "本期金额", "上期金额"]]
    for label, a, b in zip(labels, column(cur), column(prev), strict=True):
        rows.append([label, money(a), money(b)])
    return rows


def audit_texts(org: Org, report_no: str) -> dict[str, str]:
    return {
        "opinion": (
            f"我们审计了{org.name}（以下简称“贵公司”）财务报表，包括{AUDIT_YEAR}年12月31日的资产负债表，"
            f"{AUDIT_YEAR}年度的利润表、现金流量表、所有者权益变动表以及相关财务报表附注。"
        ),
        "view": (
            "我们认为，后附的财务报表在所有重大方面按照企业会计准则的规定编制，公允反映了贵公司"
            f"{AUDIT_YEAR}年12月31日的财务状况以及{AUDIT_YEAR}年度的经营成果和现金流量。"
        ),
        "service": (
            f"服务收支情况：{AUDIT_YEAR}年度贵公司实现服务收入{money(yuan(org.year_row(AUDIT_YEAR)['service_revenue']))}元，"
            f"占营业收入的74%；公益性及低收费服务占总服务量的{org.free_share}%。"
        ),
        "no": report_no,
    }


def audit_pdf(path: Path, org: Org, row_numbers: bool = False) -> None:
    """上一年度审计报告 (with 服务收支情况) as a text PDF: cover, opinion, 资产负债表, 利润表.

    `row_numbers`: the balance sheet as many auditors print it, with a 行次 column and the
    `单位：元` line on its own, so that the amount must be read in its unit context.
    """
    report_no = f"{org.auditor[:2]}审字〔{AUDIT_YEAR + 1}〕第{org.seed % 900 + 100:04d}号"
    t = audit_texts(org, report_no)
    d = Doc()
    d.space(120).title(org.name, f"{AUDIT_YEAR}年度").title("审 计 报 告").space(160)
    d.p(org.auditor, style="subtitle").p(report_no, style="subtitle").page()
    d.title("审计报告", report_no)
    d.p(f"{org.name}全体股东：", style="plain").h("一、审计意见").p(t["opinion"], t["view"])
    d.h("二、形成审计意见的基础").p(
        "我们按照中国注册会计师审计准则的规定执行了审计工作。我们相信，"
        "我们获取的审计证据是充分、适当的，为发表审计意见提供了基础。"
    )
    d.h("三、服务收支情况专项说明").p(t["service"])
    d.space(20).p(f"{org.auditor}        中国注册会计师：{org.contact[:1]}某某", style="right")
    d.p(cn_date(date(AUDIT_YEAR + 1, 3, 2)), style="right").page()
    rows, _ = balance_sheet(org)
    d.title("资产负债表", f"{AUDIT_YEAR}年12月31日")
    if row_numbers:
        d.p(f"编制单位：{org.name}", style="plain").p("单位：元", style="right")
        rows = [[rows[0][0], "行次", *rows[0][1:]]] + [
            [r[0], str(i), *r[1:]] for i, r in enumerate(rows[1:], 1)
        ]
        d.table(rows, [54, 14, 44, 44]).page()
    else:
        d.p(f"编制单位：{org.name}                          单位：元", style="plain")
        d.table(rows, [62, 46, 46]).page()
    d.title("利润表", f"{AUDIT_YEAR}年度")
    d.p(f"编制单位：{org.name}                          单位：元", style="plain")
    d.table(income_rows(org), [62, 46, 46])
    d.save(path, f"{AUDIT_YEAR}年度审计报告")


def audit_scan_pages(org: Org) -> list[Any]:
    """The same audit report photocopied and scanned: four pages, only the third is the balance sheet."""
    report_no = f"{org.auditor[:2]}审字〔{AUDIT_YEAR + 1}〕第{org.seed % 900 + 100:04d}号"
    t = audit_texts(org, report_no)
    cover = ScanPage()
    cover.center(80, org.name, 20)
    cover.center(95, f"{AUDIT_YEAR}年度", 16)
    cover.center(120, "审  计  报  告", 28)
    cover.center(220, org.auditor, 14)
    cover.center(232, report_no, 12)
    opinion = ScanPage()
    opinion.center(25, "审 计 报 告", 18)
    opinion.center(36, report_no, 11)
    y = opinion.lines(22, 50, [f"{org.name}全体股东：", "一、审计意见"], 11.5, 9)
    y = opinion.wrapped(22, y, t["opinion"], 166, 11)
    y = opinion.wrapped(22, y, t["view"], 166, 11)
    y = opinion.lines(22, y + 4, ["二、服务收支情况专项说明"], 11.5)
    y = opinion.wrapped(22, y, t["service"], 166, 11)
    opinion.text(110, y + 30, org.auditor, 11)
    opinion.text(130, y + 40, cn_date(date(AUDIT_YEAR + 1, 3, 2)), 11)
    sheet = ScanPage()
    sheet.center(22, "资 产 负 债 表", 18)
    sheet.center(33, f"{AUDIT_YEAR}年12月31日", 11)
    sheet.text(22, 42, f"编制单位：{org.name}", 10)
    sheet.text(160, 42, "单位：元", 10)
    rows, _ = balance_sheet(org)
    sheet.table(22, 50, [64, 50, 50], rows, row_h=9.2, size=10)
    income = ScanPage()
    income.center(22, "利  润  表", 18)
    income.center(33, f"{AUDIT_YEAR}年度", 11)
    income.text(22, 42, f"编制单位：{org.name}", 10)
    income.text(160, 42, "单位：元", 10)
    income.table(22, 50, [64, 50, 50], income_rows(org), row_h=9.5, size=10)
    return [p.scanned(org.seed + 10 + i) for i, p in enumerate((cover, opinion, sheet, income))]


def lease_texts(org: Org) -> list[str]:
    return [
        f"出租方（甲方）：{org.landlord}",
        f"承租方（乙方）：{org.name}",
        "根据《中华人民共和国民法典》及有关规定，甲乙双方在平等、自愿、协商一致的基础上，就乙方租赁甲方房屋事宜订立本合同。",
        f"第一条 甲方将位于{org.address}的房屋出租给乙方作为办公及服务场所使用，租赁面积{org.area_m2}平方米。",
        f"第二条 租赁期限自{AUDIT_YEAR - 1}年1月1日起至{AUDIT_YEAR + 2}年12月31日止，共四年。",
        f"第三条 年租金为人民币{round(org.area_m2 * 0.036, 2):g}万元，按季度支付，每季度首月10日前支付。",
        "第四条 租赁期间，乙方负责房屋的日常维护，不得擅自改变房屋结构和用途。",
        "第五条 本合同一式两份，甲乙双方各执一份，自双方签字盖章之日起生效。",
    ]


def lease_pdf(path: Path, org: Org) -> None:
    d = Doc().title("房屋租赁合同")
    for line in lease_texts(org):
        d.p(line, style="plain" if "方（" in line else "body")
    d.space(30)
    d.p(f"甲方（盖章）：{org.landlord}            乙方（盖章）：{org.name}", style="plain")
    d.p(f"签订日期：{cn_date(date(AUDIT_YEAR - 2, 12, 20))}", style="plain")
    d.save(path, "房屋租赁合同")


def lease_scan_pages(org: Org) -> list[Any]:
    pg = ScanPage()
    pg.center(25, "房 屋 租 赁 合 同", 20)
    y = 45.0
    for line in lease_texts(org):
        y = pg.wrapped(22, y, line, 166, 11.5, gap=8, indent="方（" not in line) + 2
    pg.text(22, y + 20, f"甲方（盖章）：{org.landlord}", 11)
    pg.text(22, y + 32, f"乙方（盖章）：{org.name}", 11)
    pg.text(22, y + 44, f"签订日期：{cn_date(date(AUDIT_YEAR - 2, 12, 20))}", 11)
    return [pg.scanned(org.seed + 30)]


def property_certificate_pdf(path: Path, org: Org) -> None:
    """不动产权证书 (房产证): the applicant owns its premises."""
    d = Doc().title("不动产权证书")
    d.p(f"辽（{AUDIT_YEAR - 6}）大连市不动产权第0{org.seed % 90000 + 10000}号", style="plain")
    d.table(
        [
            ["权利人", org.name],
            ["共有情况", "单独所有"],
            ["坐落", org.address],
            ["不动产单元号", f"{org.area6}004005GB00021F0001{org.seed % 9000 + 1000}"],
            ["权利类型", "国有建设用地使用权/房屋所有权"],
            ["权利性质", "出让/市场化商品房"],
            ["用途", "商务金融用地/办公"],
            ["面积", f"共有宗地面积3215.60㎡/房屋建筑面积{org.area_m2}㎡"],
            ["使用期限", "2008年05月12日起2048年05月11日止"],
        ],
        [34, 126],
        header=False,
    )
    d.space(20).p(f"登簿机构：{org.city}市自然资源局", style="right")
    d.save(path, "不动产权证书")


def premises_use_certificate_pdf(path: Path, org: Org, owner: str) -> None:
    d = Doc().title("场地使用证明")
    d.p(
        f"兹证明，位于{org.address}的办公用房（建筑面积{org.area_m2}平方米）产权属{owner}，"
        f"现无偿提供给{org.name}作为服务场所使用，使用期限自2021年1月1日至2030年12月31日。",
        "特此证明。",
    )
    d.space(40).p(owner, style="right").p(cn_date(date(2026, 2, 27)), style="right")
    d.save(path, "场地使用证明")


def service_evidence_pdf(
    path: Path, org: Org, event: str, event_date: date, issuer: str | None = None
) -> None:
    """开展服务的证明材料: an activity notice and the year's service summary."""
    issuer = issuer or org.name
    d = Doc().title(f"关于举办{event}的通知")
    d.p("各有关企业：", style="plain")
    d.p(
        f"为帮助中小企业及时了解和用好惠企政策，{issuer}定于{cn_date(event_date)}举办{event}，现将有关事项通知如下："
    )
    d.p(
        f"一、时间地点：{cn_date(event_date)}上午9:00，{org.address}一楼会议室。",
        "二、参加对象：辖区中小企业负责人及财务、技术负责人。",
        "三、活动内容：惠企政策解读、数字化转型案例分享、融资产品推介、现场答疑。",
        f"四、报名方式：请于活动前两日联系{org.contact}，电话{org.phone}。",
        style="plain",
    )
    d.space(20).p(issuer, style="right").p(
        cn_date(event_date - timedelta(days=10)), style="right"
    ).page()
    d.title(f"{org.name}{AUDIT_YEAR}年度服务工作总结")
    m = org.metrics
    lines = [
        f"{AUDIT_YEAR}年，我单位依托{org.platform}，全年共服务中小企业{org.smes}家，{satisfaction_phrase(org)}。"
    ]
    if "info_activities" in m:
        lines.append(
            f"信息服务：线下服务企业{m.get('info_offline_smes', 0):g}家，组织政策宣讲、供需对接等活动{m['info_activities']:g}次。"
        )
    if "tech_activities" in m:
        lines.append(
            f"技术服务：开展技术洽谈、产品检测、知识产权等服务活动{m['tech_activities']:g}次。"
        )
    if "training_person_times" in m:
        lines.append(
            f"培训服务：举办经营管理、数字化转型等培训，全年培训{m['training_person_times']:g}人次。"
        )
    if "startup_events" in m:
        lines.append(f"创业服务：开展创业项目洽谈、推介活动{m['startup_events']:g}次。")
    if "综合" in org.functions:
        lines.append(
            "综合服务：统筹协调区内服务机构，为中小微企业提供政策咨询、创业创新、人才培养、投融资等服务。"
        )
    lines.append(f"公益性服务或低收费服务占总服务量的{org.free_share}%。")
    d.p(*lines)
    d.space(20).p(org.name, style="right").p(cn_date(date(AUDIT_YEAR + 1, 1, 15)), style="right")
    d.save(path, "服务证明材料")


def recognition_pdf(path: Path, org: Org, issuer: str, doc_no: str, title: str, year: int) -> None:
    """已获认定文件: the notice listing the applicant as a recognised platform."""
    d = Doc().title(issuer).p(doc_no, style="subtitle").title(title)
    d.p("各有关单位：", style="plain")
    d.p(
        f"经单位申报、推荐、专家评审和公示，现将{year}年认定名单予以公布。请被认定单位进一步完善服务功能，"
        "提升服务能力，切实发挥示范带动作用。认定有效期三年。"
    )
    d.space(10).p("附件：认定名单", style="plain")
    d.table(
        [
            ["序号", "运营单位名称", "平台名称"],
            ["1", f"{org.city}恒信企业服务有限公司", f"{org.city}恒信服务平台"],
            ["2", org.name, org.platform],
            ["3", f"{org.city}创新创业服务中心", f"{org.city}创业服务平台"],
        ],
        [14, 78, 68],
    )
    d.space(20).p(issuer, style="right").p(cn_date(date(year, 11, 20)), style="right")
    d.save(path, title)


def qualification_pdf(path: Path, org: Org, certificate: str, detail: str) -> None:
    """从业资格（资质）/网站备案/许可证 copies."""
    d = Doc().title("网站备案信息")
    d.table(
        [
            ["主办单位名称", org.name],
            ["主办单位性质", "企业" if "企业" in org.org_type else "事业单位"],
            ["网站备案号", org.icp],
            ["网站名称", org.platform],
            ["网站首页网址", org.website],
            ["审核日期", cn_date(date(org.reg_date.year + 1, 3, 18))],
        ],
        [40, 120],
        header=False,
    )
    d.p(
        "（以上信息查询自工业和信息化部政务服务平台 ICP/IP地址/域名信息备案管理系统）",
        style="small",
    ).page()
    d.title(certificate)
    d.p(detail)
    d.space(20).p(f"证书编号：{org.area6}{org.seed % 9000 + 1000}", style="right")
    d.save(path, "资质证明")


def declaration_pdf(path: Path, org: Org, stamped: bool) -> None:
    """申报材料真实性声明 (xuchang 附件3 wording), with or without the red company seal."""
    d = Doc().space(30).title("申报材料真实性声明").space(20)
    d.p(
        f"本单位知悉并保证所提供的{JURISDICTION_TITLE[org.jurisdiction]}申报资料和相关证明文件的真实性、"
        "完整性和准确性，并承担因资料虚假而产生的后果。"
    )
    d.space(60)
    d.p(f"申报单位（盖章）：{org.name}", style="right")
    d.p(f"法定代表人（签字）：{org.legal_rep}", style="right")
    d.p(f"日    期：{cn_date(org.app_date)}", style="right")
    if stamped:
        d.seal(org.name, x=120, rise=26)
    d.save(path, "申报材料真实性声明")


def credit_report_pdf(path: Path, org: Org, generated: date) -> None:
    """信用中国 信用信息报告 + 国家企业信用信息公示系统 query results, stamped (xuchang 第十二条（三）)."""
    d = Doc().title("信用信息报告", "（“信用中国”网站 www.creditchina.gov.cn）")
    d.p(f"报告编号：XYBG{generated:%Y%m%d}{org.seed % 900000 + 100000}", style="plain")
    d.p(f"报告生成时间：{cn_date_padded(generated)}", style="plain")
    d.table(
        [
            ["主体名称", org.name],
            ["统一社会信用代码", org.credit_code],
            ["法定代表人", org.legal_rep],
            ["成立日期", cn_date_padded(org.reg_date)],
            ["登记机关", f"{org.city}市市场监督管理局"],
        ],
        [40, 120],
        header=False,
    )
    d.space(8)
    d.table(
        [
            ["信息类别", "记录条数"],
            ["行政管理信息", "2"],
            ["严重失信主体名单", "0"],
            ["经营异常名录", "0"],
            ["信用承诺", "3"],
            ["行政处罚", "0"],
        ],
        [80, 80],
    )
    d.p("本报告内容来源于“信用中国”网站归集的信用信息，仅供参考。", style="small").page()
    d.title("国家企业信用信息公示系统查询结果")
    d.p(f"查询对象：{org.name}    查询日期：{generated:%Y-%m-%d}", style="plain")
    d.table(
        [
            ["查询项目", "查询结果"],
            ["行政处罚信息", "暂无行政处罚信息"],
            ["列入经营异常名录信息", "暂无列入经营异常名录信息"],
            ["严重违法失信企业名单（黑名单）信息", "暂无严重违法失信信息"],
        ],
        [80, 80],
    )
    d.space(40).p(f"打印单位（盖章）：{org.name}", style="right").p(
        cn_date(generated), style="right"
    )
    d.seal(org.name, x=125, rise=22)
    d.save(path, "信用信息报告")


def list_pdf(
    path: Path,
    title: str,
    headers: list[str],
    rows: list[dict[str, Any]],
    widths: list[float],
    footer: str | None = None,
) -> None:
    d = Doc().title(title)
    d.table(
        [["序号", *headers], *[[i, *[r[h] for h in headers]] for i, r in enumerate(rows, 1)]],
        widths,
    )
    if footer:
        d.space(6).p(footer, style="plain")
    d.save(path, title)


def management_rules_pdf(path: Path, org: Org) -> None:
    d = Doc().title(f"{org.name}管理制度汇编")
    for i, (name, text) in enumerate(
        (
            (
                "服务质量管理制度",
                "建立服务受理、办理、回访全流程台账，服务完成后3个工作日内回访，满意度纳入考核。",
            ),
            (
                "服务收费管理制度",
                "服务收费执行公开的收费标准；对小型微型企业收费下浮不低于20%，公益性服务免费。",
            ),
            ("财务管理制度", "实行服务收支单独核算，年度财务报告经会计师事务所审计。"),
            (
                "人员管理与激励制度",
                "专业人员持证上岗，每年参加不少于40学时的业务培训，绩效与服务评价挂钩。",
            ),
        ),
        start=1,
    ):
        d.h(f"第{'一二三四'[i - 1]}部分 {name}").p(text)
    d.page().title("服务“五公开”")
    d.table(
        [
            ["公开事项", "内容"],
            ["服务内容", "、".join(FUNCTION_NAME[f] for f in org.functions)],
            ["服务流程", "需求受理→方案制定→服务实施→回访评价"],
            ["服务标准", "按平台服务规范及行业标准执行"],
            ["服务收费", "公益性服务免费；其他服务按公示标准收费，小微企业优惠"],
            ["服务时间", "工作日8:30-17:30，线上平台7×24小时"],
        ],
        [40, 120],
    )
    d.save(path, "管理制度")


def development_plan_pdf(path: Path, org: Org) -> None:
    d = Doc().title(f"{org.platform}{AUDIT_YEAR + 1}年度运营计划及三年发展规划")
    d.h("一、发展目标").p(
        f"到{AUDIT_YEAR + 3}年，年服务中小企业达到{int(org.smes * 1.5)}家，"
        "用户满意度保持在90%以上，集聚服务机构数量翻一番。"
    )
    d.h(f"二、{AUDIT_YEAR + 1}年度服务目标").p(
        f"全年服务中小企业{int(org.smes * 1.15)}家以上，"
        "组织政策宣讲、技术对接、培训等活动不少于12次。"
    )
    d.h("三、保障措施").p("完善管理制度，充实专业人才队伍，加大线上服务系统投入。")
    d.save(path, "发展规划")


def other_supporting_pdf(path: Path, org: Org, title: str, paragraphs: list[str]) -> None:
    d = Doc().title(title)
    d.p(*paragraphs)
    d.space(30).p(org.name, style="right").p(cn_date(org.app_date), style="right")
    d.save(path, title)


# --------------------------------------------------------------------------
# The samples
# --------------------------------------------------------------------------

LIAONING_SCHOOLS = (
    "辽宁大学",
    "东北大学",
    "沈阳工业大学",
    "大连理工大学",
    "沈阳建筑大学",
    "辽宁工程技术大学",
)
HLJ_SCHOOLS = (
    "哈尔滨工业大学",
    "黑龙江大学",
    "东北林业大学",
    "哈尔滨理工大学",
    "齐齐哈尔大学",
    "东北农业大学",
)
HENAN_SCHOOLS = (
    "郑州大学",
    "河南大学",
    "许昌学院",
    "河南工业大学",
    "河南农业大学",
    "华北水利水电大学",
)
GD_SCHOOLS = ("韶关学院", "华南理工大学", "广东工业大学", "广州大学", "暨南大学", "华南农业大学")
ZJ_SCHOOLS = (
    "浙江大学",
    "浙江工业大学",
    "杭州电子科技大学",
    "浙江财经大学",
    "中国计量大学",
    "宁波大学",
)


def liaoning_eligible(root: Path) -> None:
    """Meets every liaoning basic condition and the information function; all 8 materials."""
    org = Org(
        key="liaoning_eligible",
        jurisdiction="liaoning",
        name="沈阳智联中小企业服务有限公司",
        platform="沈阳智联中小企业公共服务平台",
        uscc_prefix="91",
        area6="210102",
        city="沈阳",
        org_type="企业法人",
        legal_rep="刘建国",
        reg_date=date(2018, 6, 8),
        address="辽宁省沈阳市和平区南京南街228号智联大厦5层",
        region="辽宁省沈阳市和平区",
        capital=500,
        assets=320,
        area_m2=680,
        staff=15,
        qualified=12,
        smes_by_year={2023: 96, 2024: 108, 2025: 125},
        satisfaction=92,
        agencies=3,
        free_share=25,
        functions=["信息", "培训"],
        metrics={"info_offline_smes": 122, "info_activities": 12, "training_person_times": 1200},
        prior=["2022年 沈阳市中小企业公共服务示范平台"],
        flags={"underdeveloped_region": "否", "is_renewal": "否"},
        app_date=date(2026, 3, 10),
        contact="王丽",
        phone="024-23456781",
        postal="110001",
        website="www.syzhilian.com.cn",
        icp="辽ICP备18006123号-1",
        schools=LIAONING_SCHOOLS,
        seed=101,
        auditor="沈阳正明会计师事务所有限责任公司",
        landlord="沈阳和平置业有限公司",
    )
    standard_workbook(root / "申请表.xlsx", org, form_pairs(org))
    generic_report_docx(root / "01申请报告.docx", org, use_styles=True)
    license_pdf(root / "02营业执照副本.pdf", org)
    audit_pdf(root / "审计报告2025.pdf", org)
    lease_pdf(root / "附件4-租赁合同.pdf", org)
    service_evidence_pdf(
        root / "05服务开展证明材料.pdf",
        org,
        "2025年中小企业数字化转型公益培训会",
        date(2025, 6, 12),
    )
    service_photo(
        root / "新建文件夹" / "照片1.jpg",
        "沈阳市中小企业数字化转型公益培训会",
        "中小企业数字化转型\n政策解读与案例分享\n2025年6月12日",
        org.seed,
    )
    recognition_pdf(
        root / "06市级示范平台认定文件.pdf",
        org,
        "沈阳市工业和信息化局",
        "沈工信发〔2022〕86号",
        "关于公布2022年沈阳市中小企业公共服务示范平台名单的通知",
        2022,
    )
    qualification_pdf(
        root / "07网站备案及资质证明.pdf",
        org,
        "培训机构备案证明",
        f"{org.name}已在沈阳市和平区工业和信息化局完成中小企业培训服务机构备案，备案有效期至2027年12月31日。",
    )
    other_supporting_pdf(
        root / "08其他证明材料.pdf",
        org,
        "公益性服务及获奖情况说明",
        [
            f"{AUDIT_YEAR}年我单位提供公益性服务或低收费服务占总服务量的{org.free_share}%，对小型微型企业服务收费下浮20%。",
            "2024年我单位被沈阳市中小企业协会评为“优秀服务机构”。",
        ],
    )
    declaration_pdf(root / "08申报材料真实性声明.pdf", org, stamped=True)


def national_low_assets(root: Path) -> None:
    """National dossier whose 资产总额 is 120万元 (< 300 national, >= 100 liaoning)."""
    org = Org(
        key="national_low_assets",
        jurisdiction="national",
        name="大连海创科技服务有限公司",
        platform="大连海创中小企业技术服务平台",
        uscc_prefix="91",
        area6="210202",
        city="大连",
        org_type="企业法人",
        legal_rep="孙海峰",
        reg_date=date(2016, 9, 20),
        address="辽宁省大连市中山区人民路68号海创中心12层",
        region="辽宁省大连市中山区",
        capital=1000,
        assets=120,
        area_m2=900,
        staff=24,
        qualified=21,
        smes_by_year={2023: 152, 2024: 166, 2025: 180},
        satisfaction=90,
        agencies=8,
        free_share=30,
        functions=["技术"],
        metrics={"tech_activities": 12},
        prior=["2023年 辽宁省中小企业公共服务示范平台"],
        flags={"western_region": "否", "is_renewal": "否"},
        app_date=date(2026, 3, 6),
        contact="赵敏",
        phone="0411-82345678",
        postal="116001",
        website="www.dlhaichuang.cn",
        icp="辽ICP备17012345号-2",
        schools=LIAONING_SCHOOLS,
        seed=202,
        auditor="大连恒信会计师事务所有限公司",
        equipment_count=12,
    )
    pairs = form_pairs(
        org,
        labels={
            "org_name": "申请单位名称",
            "registration_date": "注册日期",
            "staff_total": "从事为中小企业服务的人员",
            "application_date": "申报日期",
        },
        values={
            "registration_date": datetime(2016, 9, 20),
            "total_assets": "1,200,000元",
            "smes_served": "１８０家",
            "satisfaction_rate": 0.9,
            "staff_total": "24人",
            "application_date": "2026/3/6",
        },
    )
    standard_workbook(
        root / "国家示范平台申报数据表.xlsx",
        org,
        pairs,
        sheets={"form": "申报表", "yearly": "近三年经营", "staff": "人员", "served": "服务企业"},
    )
    generic_report_docx(root / "附件2 申请报告.docx", org, use_styles=False)
    license_pdf(root / "1.营业执照.pdf", org)
    audit_pdf(root / "2.2025年度审计报告.pdf", org)
    property_certificate_pdf(root / "3.不动产权证书.pdf", org)
    service_evidence_pdf(
        root / "4.服务证明（通知、总结）.pdf",
        org,
        "2025年中小企业产品检测与质量诊断专场",
        date(2025, 9, 18),
    )
    recognition_pdf(
        root / "5.省级示范平台认定文件.pdf",
        org,
        "辽宁省工业和信息化厅",
        "辽工信中小〔2023〕112号",
        "关于公布2023年辽宁省中小企业公共服务示范平台名单的通知",
        2023,
    )
    qualification_pdf(
        root / "6.资质证书.pdf",
        org,
        "检验检测机构资质认定证书",
        f"经审查，{org.name}已具备国家有关法律、行政法规规定的基本条件和能力，现予批准，可以向社会出具具有证明作用的数据和结果。",
    )
    other_supporting_pdf(
        root / "7.其他材料.pdf",
        org,
        "公益性服务情况说明",
        [
            f"{AUDIT_YEAR}年公益性服务或低收费服务占总服务量的{org.free_share}%。",
            f"平台集聚检测、设计、知识产权等服务机构{org.agencies}家。",
        ],
    )
    declaration_pdf(root / "8.真实性声明.pdf", org, stamped=True)


def heilongjiang_scan_license(root: Path) -> None:
    """Heilongjiang, eligible; the business licence exists only as the scan `scan0001.pdf`."""
    org = Org(
        key="heilongjiang_scan_license",
        jurisdiction="heilongjiang",
        name="哈尔滨龙科企业管理咨询有限公司",
        platform="龙科中小企业培训服务平台",
        uscc_prefix="91",
        area6="230103",
        city="哈尔滨",
        org_type="企业法人",
        legal_rep="马振华",
        reg_date=date(2020, 5, 20),
        address="黑龙江省哈尔滨市南岗区学府路191号创业大厦8层",
        region="黑龙江省哈尔滨市南岗区",
        capital=200,
        assets=85,
        area_m2=420,
        staff=11,
        qualified=9,
        smes_by_year={2023: 58, 2024: 66, 2025: 75},
        satisfaction=88,
        agencies=4,
        free_share=12,
        functions=["培训"],
        metrics={"training_person_times": 680},
        flags={"remote_or_poor_county": "否", "social_org_sponsor": "否"},
        app_date=date(2026, 3, 9),
        contact="李娜",
        phone="0451-86671234",
        postal="150080",
        website="www.hrblongke.com",
        icp="黑ICP备20003456号-1",
        schools=HLJ_SCHOOLS,
        seed=303,
        auditor="黑龙江中诚会计师事务所有限公司",
        landlord="哈尔滨创业大厦物业管理有限公司",
    )
    pairs = form_pairs(org, values={"registration_date": "2020/5/20", "total_assets": "0.0085亿元"})
    standard_workbook(root / "黑龙江省平台申报表.xlsx", org, pairs)
    generic_report_docx(root / "申请报告（定稿）.docx", org, use_styles=False)
    image_only_pdf(root / "scan0001.pdf", license_scan_pages(org))
    audit_pdf(root / "审计报告.pdf", org)
    lease_pdf(root / "租房合同.pdf", org)
    service_evidence_pdf(
        root / "服务活动通知及总结.pdf",
        org,
        "2025年中小企业经营管理能力提升培训班",
        date(2025, 7, 8),
    )
    qualification_pdf(
        root / "培训备案及网站备案.pdf",
        org,
        "培训服务机构备案证明",
        f"{org.name}已在哈尔滨市南岗区工业和信息化局备案为中小企业培训服务机构，具备线上、线下培训能力。",
    )
    other_supporting_pdf(
        root / "公益性服务佐证.pdf",
        org,
        "公益性服务或低收费服务情况说明",
        [
            f"{AUDIT_YEAR}年我单位开展公益性培训及低收费服务占总服务量的{org.free_share}%，"
            f"累计培训{org.metrics['training_person_times']:g}人次。",
        ],
    )
    declaration_pdf(root / "声明.pdf", org, stamped=True)


def xuchang_comprehensive(root: Path) -> None:
    """Xuchang 综合性 platform meeting 2 functions, all 14 materials, the odd workbook layout,
    9 service staff (>= 8 of 第七条（三）, < 10 of the 附件2 staff-table note)."""
    org = Org(
        key="xuchang_comprehensive",
        jurisdiction="xuchang",
        name="许昌中原智汇企业服务有限公司",
        platform="许昌智汇中小企业综合服务平台",
        uscc_prefix="91",
        area6="411002",
        city="许昌",
        org_type="企业法人",
        legal_rep="陈志强",
        reg_date=date(2017, 9, 12),
        address="河南省许昌市魏都区八一路与建安大道交叉口智汇大厦6层",
        region="河南省许昌市魏都区",
        capital=500,
        assets=180,
        area_m2=460,
        staff=9,
        qualified=8,
        smes_by_year={2023: 72, 2024: 81, 2025: 90},
        satisfaction=90,
        agencies=6,
        free_share=25,
        platform_type="综合性",
        functions=["信息", "技术", "培训"],
        metrics={
            "info_offline_smes": 75,
            "info_activities": 8,
            "tech_activities": 3,
            "training_person_times": 720,
        },
        prior=["2024年 魏都区中小企业公共服务示范平台"],
        flags={"is_renewal": "否"},
        app_date=date(2026, 3, 9),
        contact="王海燕",
        phone="0374-2961234",
        postal="461000",
        website="www.xczhihui.com",
        icp="豫ICP备17028765号-1",
        schools=HENAN_SCHOOLS,
        seed=404,
        auditor="河南许信会计师事务所有限公司",
        landlord="许昌市魏都区国有资产经营有限公司",
    )
    xuchang_odd_workbook(root / "许昌平台申报表（终版）.xlsx", org)
    xuchang_report_docx(root / "附件2 申请报告.docx", org)
    license_pdf(root / "02营业执照.pdf", org)
    credit_report_pdf(root / "03信用中国信用报告及公示系统查询结果.pdf", org, date(2026, 3, 5))
    lease_pdf(root / "04租赁合同.pdf", org)
    qualification_pdf(
        root / "05资质证书及网站备案.pdf",
        org,
        "人力资源服务许可证",
        f"{org.name}经许昌市人力资源和社会保障局审核，准予从事人力资源供求信息的收集和发布、就业和创业指导、人力资源培训等业务。",
    )
    audit_pdf(root / "06审计报告2025.pdf", org)
    list_pdf(
        root / "07设备清单.pdf",
        "主要服务设备、仪器及软件清单",
        EQUIPMENT_HEADERS,
        org.equipment_rows,
        [12, 56, 16, 26, 24, 26],
    )
    management_rules_pdf(root / "08管理制度及服务五公开.pdf", org)
    list_pdf(
        root / "09人员名单.pdf",
        "主要管理人员和专业技术人员名单及职称情况一览表",
        STAFF_HEADERS,
        org.staff_rows,
        [12, 20, 14, 20, 34, 26, 34],
    )
    list_pdf(
        root / "10服务企业名单及评价.pdf",
        "服务的中小企业名单及服务评价表",
        SERVED_HEADERS,
        org.served_rows,
        [12, 56, 18, 28, 30, 18],
        footer=f"上一年度共服务企业{org.smes}家",
    )
    development_plan_pdf(root / "11 2026年度运营计划.pdf", org)
    service_evidence_pdf(
        root / "12服务证明" / "关于举办2025年中小企业政策宣讲会的通知.pdf",
        org,
        "2025年许昌市中小企业惠企政策宣讲会",
        date(2025, 6, 12),
    )
    service_photo(
        root / "12服务证明" / "IMG_20250612_093015.jpg",
        "许昌市中小企业惠企政策宣讲会",
        "惠企政策宣讲\n数字化转型服务对接\n2025.06.12",
        org.seed,
    )
    other_supporting_pdf(
        root / "13其他证明材料.pdf",
        org,
        "其他证明材料",
        [
            f"合作协议：与{org.partner_rows[0]['合作单位名称']}等{org.agencies}家服务机构签订合作协议（协议复印件附后）。",
            f"{AUDIT_YEAR}年公益性服务或低收费服务占总服务量的{org.free_share}%。",
        ],
    )
    declaration_pdf(root / "14附件3 真实性声明.pdf", org, stamped=True)


def xuchang_odd_workbook(path: Path, org: Org) -> None:
    """A form laid out unlike `init`'s: labels above values, `label：value` cells, merged cells,
    spaced labels, units in labels; a shuffled yearly table with `2025年` years, odd sheet names."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "填报页（勿删）"
    for col in "ABCDEFGH":
        ws.column_dimensions[col].width = 15
    ws.merge_cells("A1:H1")
    ws["A1"] = "许昌市中小企业公共服务示范平台申请表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")

    def put(ref: str, value: Any, merge: str | None = None, label: bool = False) -> None:
        _cell(ws, ref, value, fill="FFF2CC" if label else None)
        if merge:
            ws.merge_cells(f"{ref}:{merge}")

    put("A2", f"填报日期：{cn_date(org.app_date)}", "H2")
    put("A3", f"统一社会信用代码：{org.credit_code}", "D3")
    put("E3", f"成立日期：{cn_date(org.reg_date)}", "H3")
    # labels above their values, the cell right of each label left empty
    for col, label, value in (
        ("A", "示范平台运营单位名称", org.name),
        ("C", "平台名称", org.platform),
        ("E", "单位性质", org.org_type),
        ("G", "所属地区", org.region),
    ):
        put(f"{col}4", label, label=True)
        put(f"{col}5", value)
    put("A6", "注 册 地 址", "B6", label=True)
    put("C6", org.address, "H6")
    rows = [
        ("注 册 资 本", f"{org.capital:g}万元", "上年末总资产（万元）", org.assets),
        ("服务场地面积（平方米）", str(org.area_m2), "从 业 人 数", str(org.staff)),
        (
            "大专及以上学历和中级及以上技术职称的专业人员人数",
            f"{org.qualified}人",
            "用户满意度",
            f"{org.satisfaction}%",
        ),
        ("年服务中小企业数", f"{org.smes}家", "集聚服务机构数", f"{org.agencies}家"),
        ("公益性服务或低收费服务占比", f"{org.free_share}%", "平台类型", org.platform_type),
    ]
    r = 7
    for l1, v1, l2, v2 in rows:
        put(f"A{r}", l1, f"B{r}", label=True)
        put(f"C{r}", v1, f"D{r}")
        put(f"E{r}", l2, f"F{r}", label=True)
        put(f"G{r}", v2, f"H{r}")
        ws.row_dimensions[r].height = 30
        r += 1
    put(f"A{r}", "申报服务功能", f"B{r}", label=True)
    put(f"C{r}", "信息服务功能、技术服务功能、培训服务功能", f"H{r}")
    r += 1
    put(f"A{r}", "已获认定", f"B{r}", label=True)
    put(f"C{r}", "\n".join(org.prior), f"H{r}")
    r += 1
    put(f"A{r}", "是否再次申报", f"B{r}", label=True)
    put(f"C{r}", "否", f"D{r}")
    r += 2
    put(f"A{r}", "服务功能指标（上一年度）", f"H{r}")
    r += 1
    m = org.metrics
    for l1, v1, l2, v2 in (
        (
            "信息服务线下年服务企业数",
            f"{m['info_offline_smes']:g}家",
            "信息服务年活动次数",
            f"{m['info_activities']:g}次",
        ),
        (
            "技术服务年活动次数",
            f"{m['tech_activities']:g}次",
            "年培训人次",
            f"{m['training_person_times']:g}人次",
        ),
    ):
        put(f"A{r}", l1, f"B{r}", label=True)
        put(f"C{r}", v1, f"D{r}")
        put(f"E{r}", l2, f"F{r}", label=True)
        put(f"G{r}", v2, f"H{r}")
        r += 1
    r += 1
    put(f"A{r}", f"法定代表人：{org.legal_rep}", f"D{r}")
    put(f"E{r}", f"联系人：{org.contact}", f"H{r}")
    r += 1
    put(f"A{r}", f"联系电话：{org.phone}", f"D{r}")
    put(f"E{r}", f"电子邮箱：{org.email}", f"H{r}")

    yearly = wb.create_sheet("Sheet3")
    yearly["A1"] = "近三年运营情况"
    yearly["A2"] = "单位：万元"
    write_yearly(
        yearly,
        org,
        top=3,
        order=("year", "smes", "profit", "revenue", "assets", "tax", "service_revenue"),
        year_fmt="{}年",
        newest_first=True,
    )
    write_list(
        wb.create_sheet("附表3"),
        "管理人员和专业技术人员名单及职称情况一览表",
        STAFF_HEADERS,
        org.staff_rows,
    )
    write_list(wb.create_sheet("4"), None, SERVED_HEADERS, org.served_rows, numbered=False)
    write_list(
        wb.create_sheet("设备 软件"),
        "主要服务设备、仪器及软件清单",
        EQUIPMENT_HEADERS,
        org.equipment_rows,
    )
    write_list(wb.create_sheet("合作资源"), "签订合作协议的单位", PARTNER_HEADERS, org.partner_rows)
    notes = wb.create_sheet("填表说明")
    notes.merge_cells("A1:H12")
    notes["A1"] = (
        "填表说明：\n1. 上年末总资产以2025年度审计报告为准。\n2. 从业人数指从事为中小企业服务的人员。\n"
        "3. 服务企业名单不少于30家。\n4. 本表一式三份。"
    )
    notes["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    save_workbook(wb, path)


def xuchang_unstamped(root: Path) -> None:
    """Xuchang 专业性, fine except the 真实性声明 carries no seal; list materials only as sheets."""
    org = Org(
        key="xuchang_unstamped",
        jurisdiction="xuchang",
        name="长葛市鑫诚检测技术服务有限公司",
        platform="长葛鑫诚中小企业技术服务平台",
        uscc_prefix="91",
        area6="411082",
        city="长葛",
        org_type="企业法人",
        legal_rep="郭立新",
        reg_date=date(2021, 4, 16),
        address="河南省长葛市长社路东段218号",
        region="河南省许昌市长葛市",
        capital=300,
        assets=96.5,
        area_m2=520,
        staff=10,
        qualified=9,
        smes_by_year={2023: 45, 2024: 52, 2025: 60},
        satisfaction=85,
        agencies=5,
        free_share=20,
        platform_type="专业性",
        functions=["技术"],
        metrics={"tech_activities": 7},
        flags={"is_renewal": "否"},
        app_date=date(2026, 3, 11),
        contact="高静",
        phone="0374-6123456",
        postal="461500",
        website="www.cgxincheng.cn",
        icp="豫ICP备21012345号-1",
        schools=HENAN_SCHOOLS,
        seed=505,
        auditor="河南长信会计师事务所有限公司",
        landlord="长葛市金桥工业园管理有限公司",
        equipment_count=11,
    )
    pairs = form_pairs(
        org,
        labels={"org_name": "运营单位名称", "registration_date": "注册登记日期"},
        values={
            "registration_date": "2021-04-16",
            "total_assets": "96.5万元",
            "application_date": "2026-03-11",
        },
    )
    standard_workbook(
        root / "申报表.xlsx",
        org,
        pairs,
        sheets={
            "staff": "主要管理人员和专业技术人员名单",
            "served": "服务企业名单及评价",
            "equipment": "设备仪器软件清单",
        },
    )
    xuchang_report_docx(root / "申请报告.docx", org)
    license_pdf(root / "营业执照副本.pdf", org)
    credit_report_pdf(root / "信用报告202603.pdf", org, date(2026, 3, 10))
    image_only_pdf(root / "扫描件-租赁合同.pdf", lease_scan_pages(org))
    qualification_pdf(
        root / "CMA资质认定证书.pdf",
        org,
        "检验检测机构资质认定证书",
        f"经审查，{org.name}已具备国家有关法律、行政法规规定的基本条件和能力，现予批准，可以向社会出具具有证明作用的数据和结果。",
    )
    audit_pdf(root / "审计报告.pdf", org)
    management_rules_pdf(root / "管理制度.pdf", org)
    development_plan_pdf(root / "年度运营计划.pdf", org)
    service_evidence_pdf(
        root / "服务活动证明.pdf", org, "2025年长葛市中小企业产品质量提升对接会", date(2025, 8, 21)
    )
    other_supporting_pdf(
        root / "其他材料.pdf",
        org,
        "其他证明材料",
        [
            f"平台与{org.agencies}家检测、设计、知识产权服务机构签订合作协议，{AUDIT_YEAR}年公益性服务占比{org.free_share}%。",
        ],
    )
    declaration_pdf(root / "真实性声明.pdf", org, stamped=False)


def xuchang_excluded(root: Path) -> None:
    """Already a 河南省中小企业公共服务示范平台: 第十九条 excludes it from the city recognition."""
    org = Org(
        key="xuchang_excluded",
        jurisdiction="xuchang",
        name="襄城县金桥创业服务有限公司",
        platform="襄城县金桥创业服务平台",
        uscc_prefix="91",
        area6="411025",
        city="许昌",
        org_type="企业法人",
        legal_rep="杨春生",
        reg_date=date(2015, 7, 1),
        address="河南省许昌市襄城县紫云大道中段88号",
        region="河南省许昌市襄城县",
        capital=300,
        assets=210,
        area_m2=1200,
        staff=12,
        qualified=11,
        smes_by_year={2023: 55, 2024: 62, 2025: 70},
        satisfaction=90,
        agencies=7,
        free_share=22,
        platform_type="专业性",
        functions=["创业"],
        metrics={"startup_events": 9},
        prior=["2023年 河南省中小企业公共服务示范平台"],
        flags={"is_renewal": "否"},
        app_date=date(2026, 3, 12),
        contact="周晓明",
        phone="0374-3312345",
        postal="461700",
        website="www.xcjinqiao.com",
        icp="豫ICP备15023456号-1",
        schools=HENAN_SCHOOLS,
        seed=606,
        auditor="许昌正元会计师事务所有限公司",
        landlord="襄城县产业集聚区投资有限公司",
    )
    xuchang_form_workbook(root / "许昌市示范平台申请表.xlsx", org)
    xuchang_report_docx(root / "申请报告.docx", org)
    license_pdf(root / "附件1营业执照.pdf", org)
    credit_report_pdf(root / "附件2信用信息报告.pdf", org, date(2026, 3, 4))
    lease_pdf(root / "附件3房产租赁合同.pdf", org)
    qualification_pdf(
        root / "附件4资质.pdf",
        org,
        "众创空间备案证明",
        f"{org.name}运营的众创空间已在许昌市科学技术局备案，提供创业场地、创业辅导和项目推介服务。",
    )
    audit_pdf(root / "附件5审计报告.pdf", org)
    list_pdf(
        root / "附件6设备清单.pdf",
        "主要服务设施、软件或仪器设备清单",
        EQUIPMENT_HEADERS,
        org.equipment_rows,
        [12, 56, 16, 26, 24, 26],
    )
    management_rules_pdf(root / "附件7管理制度.pdf", org)
    list_pdf(
        root / "附件8人员名单.pdf",
        "主要管理人员和专业技术人员名单",
        STAFF_HEADERS,
        org.staff_rows,
        [12, 20, 14, 20, 34, 26, 34],
    )
    list_pdf(
        root / "附件9服务企业名单.pdf",
        "签订服务协议的中小企业名单和服务成效评价",
        SERVED_HEADERS,
        org.served_rows,
        [12, 56, 18, 28, 30, 18],
        footer=f"上一年度共服务企业{org.smes}家",
    )
    development_plan_pdf(root / "附件10发展规划.pdf", org)
    service_evidence_pdf(
        root / "附件11服务证明.pdf", org, "2025年襄城县创业项目路演推介会", date(2025, 10, 16)
    )
    other_supporting_pdf(
        root / "附件12其他证明材料.pdf",
        org,
        "其他证明材料",
        [
            f"{AUDIT_YEAR}年开展创业项目洽谈、推介活动{org.metrics['startup_events']:g}次，孵化企业23家。",
        ],
    )
    recognition_pdf(
        root / "附件14河南省示范平台认定文件.pdf",
        org,
        "河南省工业和信息化厅",
        "豫工信企业〔2023〕201号",
        "关于公布2023年河南省中小企业公共服务示范平台名单的通知",
        2023,
    )
    declaration_pdf(root / "附件13真实性声明.pdf", org, stamped=True)


def xuchang_form_workbook(path: Path, org: Org) -> None:
    """The 附件2 申请表 as printed: the yearly table sits inside the form sheet, under labels."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "申请表"
    for col in "ABCDEFGH":
        ws.column_dimensions[col].width = 16
    ws.merge_cells("A1:H1")
    ws["A1"] = "许昌市中小企业公共服务示范平台申请表"
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    _cell(ws, "A2", "一、平台基本情况", bold=True)
    ws.merge_cells("A2:H2")
    for ref, value, merge in (
        ("A3", "示范平台运营单位名称", None),
        ("B3", org.name, "D3"),
        ("E3", "统一社会信用代码", None),
        ("F3", org.credit_code, "H3"),
        ("A4", "注册日期", None),
        ("B4", datetime(org.reg_date.year, org.reg_date.month, org.reg_date.day), "D4"),
        ("E4", "单位性质", None),
        ("F4", org.org_type, "H4"),
        ("A5", "注册地址", None),
        ("B5", org.address, "D5"),
        ("E5", "邮政编码", None),
        ("F5", org.postal, "H5"),
        ("A6", "联系人", None),
        ("B6", org.contact, None),
        ("C6", "联系电话", None),
        ("D6", org.phone, None),
        ("E6", "传真", None),
        ("G6", "手机", None),
        ("H6", "13903741234", None),
        ("A7", "网址及备案号", None),
        ("B7", f"{org.website} {org.icp}", "D7"),
        ("E7", "电子邮件", None),
        ("F7", org.email, "H7"),
        ("A8", "所在地区", None),
        ("B8", org.region, "D8"),
        ("E8", "注册资本", None),
        ("F8", f"{org.capital:g}万元", "H8"),
        ("A9", "上年末总资产", None),
        ("B9", f"{org.assets:g}万元", None),
        ("C9", "仪器、设备数量 12 台（套），购买价格 86.4 万元，占总资产 41.1 ％", "H9"),
        ("A10", "服务场地面积", None),
        ("B10", f"{org.area_m2}平方米", None),
        ("C10", f"其中：自有 0 平方米，租用 {org.area_m2} 平方米", "H10"),
        ("A11", "从业人数", None),
        ("B11", f"{org.staff}人", None),
        ("C11", "其中：大专及以上学历和中级及以上技术职称的专业人员", "E11"),
        ("F11", f"{org.qualified}人", None),
        ("G11", "占总人数", None),
        ("H11", f"{round(org.qualified / org.staff * 100, 1)}%", None),
    ):
        _cell(ws, ref, value)
        if merge:
            ws.merge_cells(f"{ref}:{merge}")
    ws.row_dimensions[11].height = 32
    nxt = write_yearly(ws, org, top=12, caption="二、平台运营管理（单位：万元）")
    _cell(ws, f"A{nxt}", "三、服务能力及业绩", bold=True)
    ws.merge_cells(f"A{nxt}:H{nxt}")
    r = nxt + 1
    for l1, v1, l2, v2 in (
        ("获得专业服务资质情况", "众创空间备案（许昌市科学技术局）", "平台类型", org.platform_type),
        (
            "申报服务功能",
            "创业服务",
            "创业项目洽谈推介年活动次数",
            f"{org.metrics['startup_events']:g}次",
        ),
        ("上一年度共服务企业", f"{org.smes}家", "用户满意度", f"{org.satisfaction}%"),
        ("集聚服务机构数", f"{org.agencies}家", "公益性服务或低收费服务占比", f"{org.free_share}%"),
        ("已获认定", "\n".join(org.prior), "是否再次申报", "否"),
    ):
        _cell(ws, f"A{r}", l1)
        _cell(ws, f"B{r}", v1)
        ws.merge_cells(f"B{r}:D{r}")
        _cell(ws, f"E{r}", l2)
        _cell(ws, f"F{r}", v2)
        ws.merge_cells(f"F{r}:H{r}")
        r += 1
    _cell(ws, f"A{r}", "四、政府支持情况", bold=True)
    ws.merge_cells(f"A{r}:H{r}")
    _cell(ws, f"A{r + 1}", "得到政府扶持的情况")
    _cell(ws, f"B{r + 1}", "2024年获许昌市中小企业发展专项资金支持30万元。")
    ws.merge_cells(f"B{r + 1}:H{r + 1}")
    _cell(ws, f"A{r + 2}", "填报日期")
    _cell(ws, f"B{r + 2}", cn_date(org.app_date))
    write_list(
        wb.create_sheet("设备清单"),
        "主要服务设备、仪器及软件清单",
        EQUIPMENT_HEADERS,
        org.equipment_rows,
    )
    write_list(
        wb.create_sheet("人员名单"),
        "管理人员和专业技术人员名单及职称情况一览表",
        STAFF_HEADERS,
        org.staff_rows,
    )
    write_list(
        wb.create_sheet("服务企业"),
        "服务的中小企业名单及服务评价表",
        SERVED_HEADERS,
        org.served_rows,
    )
    write_list(wb.create_sheet("合作资源"), "合作资源", PARTNER_HEADERS, org.partner_rows)
    save_workbook(wb, path)


def shaoguan_org_small() -> Org:
    return Org(
        key="shaoguan_small_premises",
        jurisdiction="shaoguan",
        name="韶关市粤北工业设计服务有限公司",
        platform="粤北工业设计公共服务平台",
        uscc_prefix="91",
        area6="440204",
        city="韶关",
        org_type="企业法人",
        legal_rep="黄伟",
        reg_date=date(2019, 11, 3),
        address="广东省韶关市浈江区工业东路16号设计中心3层",
        region="广东省韶关市浈江区",
        capital=200,
        assets=150,
        area_m2=120,
        staff=8,
        qualified=5,
        smes_by_year={2023: 41, 2024: 50, 2025: 60},
        satisfaction=85,
        agencies=4,
        free_share=18,
        functions=["技术"],
        metrics={"tech_activities": 4},
        flags={"is_renewal": "否", "comprehensive_center": "否", "financial_license": "无"},
        app_date=date(2026, 3, 10),
        contact="林芳",
        phone="0751-8123456",
        postal="512000",
        website="www.ybdesign.cn",
        icp="粤ICP备19087654号-1",
        schools=GD_SCHOOLS,
        seed=707,
        auditor="韶关粤信会计师事务所（普通合伙）",
        landlord="韶关市浈江区工业园物业管理有限公司",
    )


def shaoguan_small_premises(root: Path) -> None:
    """Shaoguan, a ZIP with GBK member names; 办公场所面积 120 平方米 (< 150 of 第七条（三））."""
    org = shaoguan_org_small()
    pairs = form_pairs(
        org,
        labels={
            "org_name": "申请单位名称",
            "service_area": "办公场所面积",
            "staff_total": "专职从业人数",
            "registration_date": "注册登记日期",
        },
    )
    standard_workbook(root / "申请表.xlsx", org, pairs)
    generic_report_docx(root / "申请报告.docx", org, use_styles=True)
    license_pdf(root / "营业执照.pdf", org)
    audit_pdf(root / "2025年度审计报告.pdf", org)
    lease_pdf(root / "办公场所租赁合同.pdf", org)
    service_evidence_pdf(
        root / "服务证明材料.pdf", org, "2025年韶关市中小企业工业设计对接会", date(2025, 11, 6)
    )
    service_photo(
        root / "服务照片" / "活动现场.jpg",
        "韶关市中小企业工业设计对接会",
        "工业设计赋能制造业\n供需对接会\n2025年11月6日",
        org.seed,
    )
    declaration_pdf(root / "真实性声明.pdf", org, stamped=True)


def shaoguan_comprehensive_only(root: Path) -> None:
    """Only the 综合服务 function; a government-designated service centre; 资产总额 60万元."""
    org = Org(
        key="shaoguan_comprehensive_only",
        jurisdiction="shaoguan",
        name="韶关市武江区中小企业服务中心",
        platform="武江区中小企业综合服务平台",
        uscc_prefix="12",
        area6="440203",
        city="韶关",
        org_type="事业单位法人",
        legal_rep="曾国庆",
        reg_date=date(2019, 3, 15),
        address="广东省韶关市武江区沐溪大道8号武江区政务服务中心4楼",
        region="广东省韶关市武江区",
        capital=60,
        assets=60,
        area_m2=200,
        staff=7,
        qualified=5,
        smes_by_year={2024: 68, 2025: 80},
        satisfaction=95,
        agencies=9,
        free_share=40,
        functions=["综合"],
        metrics={},
        prior=["2019年 韶关市武江区工业和信息化局指定为武江区中小企业服务中心"],
        flags={"comprehensive_center": "√", "is_renewal": "×"},
        app_date=date(2026, 3, 9),
        contact="谢玉兰",
        phone="0751-8876543",
        postal="512026",
        website="www.wjsme.gov.cn",
        icp="粤ICP备19054321号-1",
        schools=GD_SCHOOLS,
        seed=808,
        auditor="韶关粤信会计师事务所（普通合伙）",
        equipment_count=6,
    )
    pairs = form_pairs(
        org,
        labels={
            "registration_date": "注册登记日期",
            "service_area": "办公场所面积",
            "staff_total": "专职从业人数",
            "application_date": "申报日期",
        },
        values={"total_assets": "60万元"},
    )
    standard_workbook(root / "申报表.xlsx", org, pairs, sheets={"form": "Sheet1"})
    generic_report_docx(root / "申请报告.docx", org, use_styles=False)
    sponsor = "韶关市武江区工业和信息化局"
    public_institution_certificate_pdf(root / "事业单位法人证书.pdf", org, sponsor)
    audit_pdf(root / "审计报告（2025年度）.pdf", org)
    premises_use_certificate_pdf(root / "场地证明.pdf", org, "韶关市武江区机关事务管理中心")
    recognition_pdf(
        root / "指定文件.pdf",
        org,
        sponsor,
        "武工信〔2019〕15号",
        "关于指定武江区中小企业服务中心为区中小企业综合服务机构的通知",
        2019,
    )
    service_evidence_pdf(
        root / "服务证明.pdf",
        org,
        "2025年武江区“中小企业服务月”活动",
        date(2025, 6, 18),
        issuer=org.name,
    )
    declaration_pdf(root / "真实性声明.pdf", org, stamped=True)


def national_incomplete(root: Path) -> None:
    """National; no audit report and no premises proof; 用户满意度 `很高`; staff list 12 vs 25."""
    org = Org(
        key="national_incomplete",
        jurisdiction="national",
        name="杭州数联企业服务股份有限公司",
        platform="数联中小企业信息服务平台",
        uscc_prefix="91",
        area6="330106",
        city="杭州",
        org_type="企业法人",
        legal_rep="沈文博",
        reg_date=date(2014, 10, 28),
        address="浙江省杭州市西湖区文三路90号数联大厦",
        region="浙江省杭州市西湖区",
        capital=2000,
        assets=450,
        area_m2=1500,
        staff=25,
        qualified=22,
        smes_by_year={2023: 170, 2024: 188, 2025: 205},
        satisfaction=None,
        agencies=12,
        free_share=26,
        functions=["信息"],
        metrics={"info_offline_smes": 160, "info_activities": 15},
        prior=["2022年 浙江省中小企业公共服务示范平台"],
        flags={"western_region": "否", "is_renewal": "否"},
        app_date=date(2026, 3, 8),
        contact="叶子涵",
        phone="0571-88123456",
        postal="310012",
        website="www.hzshulian.com",
        icp="浙ICP备14034567号-1",
        schools=ZJ_SCHOOLS,
        seed=909,
        staff_list_rows=12,
        equipment_count=10,
    )
    pairs = form_pairs(
        org,
        labels={"org_name": "运营单位名称", "smes_served": "上一年度共服务企业"},
        values={"satisfaction_rate": "很高", "staff_total": 25, "registration_date": "2014.10.28"},
    )
    standard_workbook(root / "申报表.xlsx", org, pairs, lists=("staff", "equipment", "partners"))
    generic_report_docx(root / "申请报告.docx", org, use_styles=True)
    license_pdf(root / "营业执照副本.pdf", org)
    service_evidence_pdf(
        root / "服务证明.pdf", org, "2025年浙江省中小企业政策直通车活动", date(2025, 5, 20)
    )
    recognition_pdf(
        root / "浙江省示范平台认定文件.pdf",
        org,
        "浙江省经济和信息化厅",
        "浙经信企业〔2022〕156号",
        "关于公布2022年浙江省中小企业公共服务示范平台名单的通知",
        2022,
    )
    qualification_pdf(
        root / "资质及网站备案.pdf",
        org,
        "增值电信业务经营许可证",
        f"{org.name}经审查，准予经营信息服务业务（仅限互联网信息服务），有效期至2029年8月1日。",
    )
    other_supporting_pdf(
        root / "其他证明材料.pdf",
        org,
        "其他证明材料",
        [
            f"平台集聚服务机构{org.agencies}家，{AUDIT_YEAR}年公益性服务占比{org.free_share}%。",
        ],
    )
    declaration_pdf(root / "真实性声明.pdf", org, stamped=True)


def heilongjiang_remote_relaxed(root: Path) -> None:
    """Heilongjiang; 从业人数 8 (< 10) but 是否属于边远地区或贫困县: 是 → review; scanned audit."""
    org = Org(
        key="heilongjiang_remote_relaxed",
        jurisdiction="heilongjiang",
        name="泰来县农兴中小企业服务有限公司",
        platform="泰来县中小企业信息服务平台",
        uscc_prefix="91",
        area6="230224",
        city="齐齐哈尔",
        org_type="企业法人",
        legal_rep="于红梅",
        reg_date=date(2021, 8, 18),
        address="黑龙江省齐齐哈尔市泰来县泰来镇政府路27号",
        region="黑龙江省齐齐哈尔市泰来县",
        capital=100,
        assets=68,
        area_m2=300,
        staff=8,
        qualified=7,
        smes_by_year={2023: 42, 2024: 48, 2025: 55},
        satisfaction=80,
        agencies=3,
        free_share=15,
        functions=["信息"],
        metrics={"info_offline_smes": 52, "info_activities": 6},
        flags={"remote_or_poor_county": "是", "social_org_sponsor": "否"},
        app_date=date(2026, 3, 10),
        contact="韩雪",
        phone="0452-7212345",
        postal="162400",
        website="www.tlnongxing.cn",
        icp="黑ICP备21004567号-1",
        schools=HLJ_SCHOOLS,
        seed=1010,
        auditor="齐齐哈尔鹤城会计师事务所有限公司",
        landlord="泰来县城市建设投资有限公司",
        equipment_count=6,
    )
    pairs = form_pairs(
        org,
        labels={"org_name": "单位名称", "registration_date": "注册日期"},
        values={"total_assets": "68万元", "staff_total": "8人"},
    )
    standard_workbook(root / "申请表.xlsx", org, pairs)
    generic_report_docx(root / "申请报告.docx", org, use_styles=True)
    license_pdf(root / "01营业执照.pdf", org)
    image_only_pdf(root / "02审计报告（扫描件）.pdf", audit_scan_pages(org))
    lease_pdf(root / "03租赁合同.pdf", org)
    service_evidence_pdf(
        root / "04服务证明.pdf", org, "2025年泰来县中小企业惠企政策进园区活动", date(2025, 4, 22)
    )
    qualification_pdf(
        root / "05网站备案.pdf",
        org,
        "网站备案及信息服务承诺",
        f"{org.name}运营的{org.platform}已完成ICP备案，提供政策、市场、人才等信息服务。",
    )
    other_supporting_pdf(
        root / "06其他材料（公益服务及贫困县证明）.pdf",
        org,
        "其他证明材料",
        [
            f"{AUDIT_YEAR}年我单位公益性服务或低收费服务占总服务量的{org.free_share}%。",
            "泰来县原为国家扶贫开发工作重点县，属于边远地区，申请按《黑龙江省中小企业公共服务平台认定与管理办法》第六条适当放宽条件。",
        ],
    )
    declaration_pdf(root / "07真实性声明.pdf", org, stamped=True)


# --------------------------------------------------------------------------
# Dossiers without a workbook, and scans as they arrive (issue 12)
# --------------------------------------------------------------------------


def _form_text(value: Any) -> str:
    if isinstance(value, date):
        return cn_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _form_tables(org: Org, pairs: list[tuple[str, str, Any]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(caption, headers, rows) of a 申请表 laid out as tables, in the order of the paper form."""
    return [
        ("", ["项目", "内容"], [[label, _form_text(value)] for _, label, value in pairs]),
        (
            "平台运营管理（单位：万元）",
            list(YEARLY_HEADERS.values()),
            [[r[k] for k in YEARLY_HEADERS] for r in org.yearly],
        ),
        ("主要管理人员和专业技术人员名单", STAFF_HEADERS, [list(r.values()) for r in org.staff_rows]),
        (
            "服务的中小企业名单及服务评价表",
            ["序号", *SERVED_HEADERS],
            [[i, *r.values()] for i, r in enumerate(org.served_rows, 1)],
        ),
        (
            "主要服务设备、仪器及软件清单（价格单位：万元）",
            ["序号", *EQUIPMENT_HEADERS],
            [[i, *r.values()] for i, r in enumerate(org.equipment_rows, 1)],
        ),
        ("合作单位", PARTNER_HEADERS, [list(r.values()) for r in org.partner_rows]),
    ]


def form_docx(path: Path, org: Org, pairs: list[tuple[str, str, Any]]) -> None:
    """The 申请表 as a Word document: the form as a label/value table, then its tables."""
    doc = _docx_base()
    doc.add_paragraph(f"{JURISDICTION_TITLE[org.jurisdiction]}申请表").alignment = 1
    for caption, headers, rows in _form_tables(org, pairs):
        if caption:
            doc.add_paragraph(caption)
        _docx_table(doc, headers, rows)
    _save_docx(doc, org, path)


def form_pdf(path: Path, org: Org, pairs: list[tuple[str, str, Any]]) -> None:
    """The 申请表 exported from Word to PDF: ruled tables with a text layer."""
    d = Doc().title(f"{JURISDICTION_TITLE[org.jurisdiction]}申请表")
    widths = {2: [70, 100], 7: [18, 24, 24, 24, 24, 24, 30]}
    for caption, headers, rows in _form_tables(org, pairs):
        if caption:
            d.p(caption, style="plain")
        cols = len(headers)
        d.table([headers, *rows], widths.get(cols, [170 / cols] * cols)).space(8)
    d.save(path, "申请表")


def _variant(org: Org, **changes: Any) -> Org:
    import dataclasses

    return dataclasses.replace(org, **changes)


def _liaoning_org() -> Org:
    """The applicant of liaoning_eligible, read back from its builder's figures."""
    return Org(
        key="liaoning_word_only",
        jurisdiction="liaoning",
        name="大连港湾中小企业服务有限公司",
        platform="港湾中小企业公共服务平台",
        uscc_prefix="91",
        area6="210202",
        city="大连",
        org_type="企业法人",
        legal_rep="周建华",
        reg_date=date(2017, 4, 21),
        address="辽宁省大连市中山区人民路68号港湾大厦9层",
        region="辽宁省大连市中山区",
        capital=300,
        assets=260,
        area_m2=540,
        staff=14,
        qualified=11,
        smes_by_year={2023: 90, 2024: 108, 2025: 130},
        satisfaction=90,
        agencies=4,
        free_share=22,
        functions=["信息"],
        metrics={"info_offline_smes": 122, "info_activities": 9},
        prior=["2023年 大连市中小企业公共服务示范平台"],
        flags={"underdeveloped_region": "否", "is_renewal": "否"},
        app_date=date(2026, 3, 10),
        contact="高雪",
        phone="0411-82345678",
        postal="116001",
        website="www.dlgangwan.com.cn",
        icp="辽ICP备17004321号-1",
        schools=LIAONING_SCHOOLS,
        seed=1111,
        auditor="大连华信会计师事务所有限公司",
        landlord="大连港湾物业管理有限公司",
    )


def _liaoning_materials(root: Path, org: Org, audit_rows: bool = False) -> None:
    generic_report_docx(root / "申请报告.docx", org, use_styles=True, assets=not audit_rows)
    license_pdf(root / "营业执照副本.pdf", org)
    audit_pdf(root / "2025年度审计报告.pdf", org, row_numbers=audit_rows)
    lease_pdf(root / "租赁合同.pdf", org)
    city = org.city
    service_evidence_pdf(root / "服务证明材料.pdf", org, f"2025年{city}市中小企业政策服务月", date(2025, 6, 12))
    recognition_pdf(
        root / "市级示范平台认定文件.pdf",
        org,
        f"{city}市工业和信息化局",
        f"{city[:1]}工信发〔2023〕88号",
        f"关于公布2023年{city}市中小企业公共服务示范平台名单的通知",
        2023,
    )
    qualification_pdf(
        root / "网站备案.pdf",
        org,
        "网站备案及信息服务承诺",
        f"{org.name}运营的{org.platform}已完成ICP备案（{org.icp}），提供政策、市场、融资等信息服务。",
    )
    other_supporting_pdf(
        root / "其他证明材料.pdf",
        org,
        "公益性服务情况说明",
        [f"{AUDIT_YEAR}年公益性服务或低收费服务占总服务量的{org.free_share}%，集聚服务机构{org.agencies}家。"],
    )
    declaration_pdf(root / "申报材料真实性声明.pdf", org, stamped=True)


def liaoning_word_only(root: Path) -> None:
    """No workbook at all: the 申请表 is a Word document, every material a PDF."""
    org = _liaoning_org()
    form_docx(root / "申请表.docx", org, form_pairs(org))
    _liaoning_materials(root, org)


def liaoning_pdf_form(root: Path) -> None:
    """No workbook: the 申请表 is a PDF exported from Word (ruled tables, text layer)."""
    org = _variant(
        _liaoning_org(),
        key="liaoning_pdf_form",
        name="鞍山钢都中小企业服务有限公司",
        platform="钢都中小企业公共服务平台",
        area6="210302",
        city="鞍山",
        legal_rep="孟庆国",
        address="辽宁省鞍山市铁东区胜利南路35号",
        region="辽宁省鞍山市铁东区",
        assets=210,
        prior=["2023年 鞍山市中小企业公共服务示范平台"],
        seed=1212,
        contact="冯娟",
        website="www.asgangdu.cn",
        icp="辽ICP备17007788号-1",
    )
    form_pdf(root / "申请表（盖章版）.pdf", org, form_pairs(org))
    _liaoning_materials(root, org)


def liaoning_audit_yuan(root: Path) -> None:
    """The workbook leaves 资产总额 blank; the audit report gives it in 元 under a 单位：元 line."""
    org = _variant(
        _liaoning_org(),
        key="liaoning_audit_yuan",
        name="营口渤海中小企业服务有限公司",
        platform="渤海中小企业公共服务平台",
        area6="210802",
        city="营口",
        legal_rep="邵志刚",
        address="辽宁省营口市站前区渤海大街西18号",
        region="辽宁省营口市站前区",
        assets=1250,
        prior=["2023年 营口市中小企业公共服务示范平台"],
        seed=1313,
        contact="孔丽",
        website="www.ykbohai.cn",
        icp="辽ICP备18002233号-1",
    )
    pairs = form_pairs(org, omit=("total_assets",))
    standard_workbook(root / "申请表.xlsx", org, pairs)
    _liaoning_materials(root, org, audit_rows=True)


def heilongjiang_phone_licence(root: Path) -> None:
    """The licence only as a phone photo taken sideways (uneven light, perspective)."""
    org = Org(
        key="heilongjiang_phone_licence",
        jurisdiction="heilongjiang",
        name="大庆油城企业服务有限公司",
        platform="油城中小企业培训服务平台",
        uscc_prefix="91",
        area6="230602",
        city="大庆",
        org_type="企业法人",
        legal_rep="庞立军",
        reg_date=date(2019, 9, 6),
        address="黑龙江省大庆市萨尔图区东风路26号",
        region="黑龙江省大庆市萨尔图区",
        capital=200,
        assets=92,
        area_m2=380,
        staff=12,
        qualified=10,
        smes_by_year={2023: 56, 2024: 63, 2025: 70},
        satisfaction=90,
        agencies=4,
        free_share=14,
        functions=["培训"],
        metrics={"training_person_times": 720},
        flags={"remote_or_poor_county": "否", "social_org_sponsor": "否"},
        app_date=date(2026, 3, 9),
        contact="白雪",
        phone="0459-6281234",
        postal="163000",
        website="www.dqyoucheng.com",
        icp="黑ICP备19004567号-1",
        schools=HLJ_SCHOOLS,
        seed=1414,
        auditor="大庆石化会计师事务所有限公司",
        landlord="大庆萨尔图区物业管理有限公司",
    )
    standard_workbook(root / "申报表.xlsx", org, form_pairs(org))
    generic_report_docx(root / "申请报告.docx", org, use_styles=True)
    phone_photo(root / "IMG_20260309_101522.jpg", license_scan_pages(org)[0], org.seed)
    audit_pdf(root / "审计报告.pdf", org)
    lease_pdf(root / "租房合同.pdf", org)
    service_evidence_pdf(root / "服务活动通知及总结.pdf", org, "2025年大庆市中小企业管理提升培训班", date(2025, 8, 12))
    qualification_pdf(
        root / "培训备案.pdf",
        org,
        "培训服务机构备案证明",
        f"{org.name}已在大庆市萨尔图区工业和信息化局备案为中小企业培训服务机构。",
    )
    other_supporting_pdf(
        root / "公益性服务佐证.pdf",
        org,
        "公益性服务或低收费服务情况说明",
        [f"{AUDIT_YEAR}年我单位公益性及低收费服务占总服务量的{org.free_share}%。"],
    )
    declaration_pdf(root / "声明.pdf", org, stamped=True)


def phone_photo(path: Path, page: Any, seed: int) -> None:
    """A licence photographed on a desk: turned a quarter, a lamp at one corner, perspective."""
    import numpy as np
    from PIL import Image

    rng = random.Random(seed)
    img = page.convert("RGB")
    w, h = img.size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - 0.38 * np.hypot(x / w - 0.85, y / h - 0.1) / 1.3
    a = np.asarray(img, dtype=np.float32) * light[..., None] * np.array([1.0, 0.96, 0.86])
    img = Image.fromarray(np.clip(a, 0, 255).astype("uint8"))
    dx, dy = (0.04 + 0.02 * rng.random()) * w, 0.03 * h
    img = img.transform((w, h), Image.QUAD, (dx, dy, 0, h - dy, w, h, w - dx * 0.4, 0), resample=Image.BICUBIC, fillcolor=(96, 84, 70))
    img = img.rotate(90, expand=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="JPEG", quality=72)


FOLDER_SAMPLES = {
    "liaoning_eligible": liaoning_eligible,
    "national_low_assets": national_low_assets,
    "heilongjiang_scan_license": heilongjiang_scan_license,
    "xuchang_comprehensive": xuchang_comprehensive,
    "xuchang_unstamped": xuchang_unstamped,
    "xuchang_excluded": xuchang_excluded,
    "shaoguan_comprehensive_only": shaoguan_comprehensive_only,
    "national_incomplete": national_incomplete,
    "heilongjiang_remote_relaxed": heilongjiang_remote_relaxed,
    "liaoning_word_only": liaoning_word_only,
    "liaoning_pdf_form": liaoning_pdf_form,
    "liaoning_audit_yuan": liaoning_audit_yuan,
    "heilongjiang_phone_licence": heilongjiang_phone_licence,
}
ZIP_SAMPLES = {"shaoguan_small_premises.zip": shaoguan_small_premises}


def build(out: Path, only: set[str] | None = None) -> list[Path]:
    """Build every sample into `out`, replacing earlier builds of the same samples only."""
    out.mkdir(parents=True, exist_ok=True)
    built = []
    for name, builder in {**FOLDER_SAMPLES, **ZIP_SAMPLES}.items():
        if only and name not in only:
            continue
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if name.endswith(".zip"):
            with tempfile.TemporaryDirectory() as tmp:
                builder(Path(tmp))
                write_gbk_zip(Path(tmp), target)
        else:
            target.mkdir()
            builder(target)
        built.append(target)
    return built


def size_of(path: Path) -> int:
    return (
        path.stat().st_size
        if path.is_file()
        else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample dossiers (deterministic).")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="target folder (default: sample_dossiers/)"
    )
    parser.add_argument("--only", nargs="*", help="build only these samples")
    args = parser.parse_args(argv)
    if not SCAN_FONT.is_file():
        print(
            f"缺少扫描件字体 / missing font: {SCAN_FONT}\n"
            "请先安装 / install it first:  apt-get install fonts-wqy-microhei",
            file=sys.stderr,
        )
        return 2
    try:
        import reportlab  # noqa: F401
    except ImportError:
        print("缺少 reportlab / reportlab is missing:  pip install -e '.[test]'", file=sys.stderr)
        return 2
    built = build(args.out, set(args.only) if args.only else None)
    total = 0
    for path in built:
        size = size_of(path)
        total += size
        print(f"{path.name:32s} {size / 1024:8.0f} KiB")
    print(
        f"{'total':32s} {total / 1024:8.0f} KiB  (text PDFs: {PDF_FONT}; scans: {SCAN_FONT.name})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
