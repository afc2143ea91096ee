"""Builders of the hostile corpus: every file an applicant could send to hurt the tool.

Everything is generated (no binary fixtures), small on disk and fast to make:
bombs are built from a repeated deflate block rather than by compressing
gigabytes, a 2,000-page PDF shares one content stream, the million-row sheet
is streamed into its zip. `build_corpus(root)` lays out an intake folder of
dossiers plus a few paths used on their own; `Corpus` says where each is.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from builders import docx_bytes, encrypted_pdf, zip_of

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dossiers"
GOOD_WORKBOOK = SAMPLES / "liaoning_eligible" / "申请表.xlsx"
GOOD_ORG = "沈阳智联中小企业服务有限公司"  # org_name in the good workbook (checked by a test)
GIB = 2**30
MIB = 2**20

# Text an applicant may type into the form, meant to run in whatever opens the report.
HOSTILE_TEXTS = {
    "org_name": '=HYPERLINK("http://x","y")',
    "platform_name": "<script>alert(1)</script>{{ 7*7 }}{% for x in y %}",
    "registered_address": "+1",
    "region": "-1+2",
    "contact_person": "@SUM(A1)",
    # control characters as OOXML writes them (_xHHHH_), an ANSI escape, an RTL override
    "legal_representative": "甲_x0000_乙_x0007_丙_x001B_[31m丁\u202eevil.exe\n=1+1",
    "website": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "email": "x" * MIB,  # a 1 MB string
}
HOSTILE_LABELS = {
    "org_name": "单位名称",
    "platform_name": "平台名称",
    "registered_address": "注册地址",
    "region": "所在地区",
    "contact_person": "联系人",
    "legal_representative": "法定代表人",
    "website": "网址",
    "email": "电子邮件",
}
ODD_NAMES = [
    "=cmd|' /C calc'!A0.pdf",
    "-rf --help.pdf",
    "line\nbreak营业执照.pdf",
    "rtl\u202efdp.exe",
    "tab\there.pdf",
    "<b>审计报告</b>&amp;.pdf",
    "{{ 7*7 }}.pdf",
    "名" * 80 + ".pdf",  # 80 × 3 bytes + 4: 244 bytes, near the 255-byte limit
    "a" * 251 + ".pdf",  # exactly 255 bytes
]


# ---------------------------------------------------------------------------
# raw zip writing (names as bytes, forged sizes, shared data, zip64-free)


@dataclass
class RawMember:
    """One zip member written exactly as given: `data` is already compressed for method 8."""

    name: bytes
    data: bytes
    crc: int
    usize: int  # declared uncompressed size
    method: int = 8
    utf8_flag: bool = False
    offset: int | None = None  # share the local header of an earlier member (overlapping bomb)


def raw_zip(members: Iterable[RawMember]) -> bytes:
    """A zip written byte by byte, so that names, flags and sizes may lie."""
    body = bytearray()
    central = bytearray()
    count = 0
    for m in members:
        flags = 0x800 if m.utf8_flag else 0
        if m.offset is None:
            m.offset = len(body)
            body += struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                flags,
                m.method,
                0,
                0x21,
                m.crc,
                len(m.data),
                m.usize,
                len(m.name),
                0,
            )
            body += m.name + m.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.data),
            m.usize,
            len(m.name),
            0,
            0,
            0,
            0,
            0,
            m.offset,
        )
        central += m.name
        count += 1
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), len(body), 0)
    return bytes(body + central + end)


def stored(name: bytes, data: bytes, *, utf8: bool = False) -> RawMember:
    return RawMember(name, data, zlib.crc32(data), len(data), method=0, utf8_flag=utf8)


def deflated(name: bytes, data: bytes, *, utf8: bool = False) -> RawMember:
    co = zlib.compressobj(6, zlib.DEFLATED, -15)
    packed = co.compress(data) + co.flush()
    return RawMember(name, packed, zlib.crc32(data), len(data), utf8_flag=utf8)


def zeros_member(name: bytes, size_mib: int, *, declared: int | None = None) -> RawMember:
    """A member inflating to `size_mib` MiB of zeros (~1 KB compressed per MiB), made in ms.

    After a full flush the compressor starts afresh, so one compressed MiB
    repeats. The CRC is left 0 (computing it costs a second per GiB): a reader
    that inflated such a member whole would fail only at its very end, after
    the time and memory these tests are about.
    """
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = co.compress(bytes(MIB)) + co.flush(zlib.Z_FULL_FLUSH)
    size = size_mib * MIB
    return RawMember(name, block * size_mib + b"\x03\x00", 0, declared if declared else size)


def overlapping_bomb(count: int, size_mib: int, prefix: str = "炸弹") -> list[RawMember]:
    """Many directory entries sharing one compressed stream (no recursion needed)."""
    first = zeros_member(f"{prefix}0.pdf".encode(), size_mib)
    members = [first]
    for i in range(1, count):
        members.append(
            RawMember(f"{prefix}{i}.pdf".encode(), first.data, first.crc, first.usize, offset=0)
        )
    return members


def replace_members(office: bytes, replaced: dict[str, bytes]) -> bytes:
    """An Office zip with some parts replaced (or added)."""
    src = zipfile.ZipFile(io.BytesIO(office))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            if info.filename not in replaced:
                archive.writestr(info.filename, src.read(info))
        for name, data in replaced.items():
            archive.writestr(name, data)
    return out.getvalue()


# ---------------------------------------------------------------------------
# PDFs written by hand (cheap pages, broken cross-reference tables)


def hand_pdf(pages: int, text: str = "page") -> bytes:
    """A valid PDF of `pages` pages sharing one content stream (2,000 pages ≈ 150 KB)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    kids = []
    for i in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
        kids.append(b"%d 0 R" % (5 + i))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
    return _pdf_bytes(objects)


def _pdf_bytes(objects: list[bytes], *, xref_garbage: bool = False) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % (off * 7 + 13 if xref_garbage else off)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref + 999 if xref_garbage else xref,
    )
    return bytes(out)


def broken_xref_pdf() -> bytes:
    """Every xref offset and the startxref pointer are wrong (readers must repair or refuse)."""
    stream = b"BT /F1 24 Tf 72 720 Td (Yingye Zhizhao) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [5 0 R] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>",
    ]
    return _pdf_bytes(objects, xref_garbage=True)


# ---------------------------------------------------------------------------
# images, Word and Excel files


def forged_png(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG whose header claims width × height pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(bytes(3 * 64 + 64))  # a few rows of real data, the rest missing
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


LAUGHS_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)
XXE_DTD = '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_dtd(dtd: str, entity: str) -> bytes:
    document = (
        f"{dtd}<w:document {W_NS}><w:body><w:p><w:r><w:t>申请报告&{entity};</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    return replace_members(docx_bytes(), {"word/document.xml": document.encode()})


def docx_bomb() -> bytes:
    """A .docx whose document part inflates to 1 GiB (declared truthfully)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    members = [deflated(i.filename.encode(), src.read(i)) for i in src.infolist()]
    members = [m for m in members if m.name != b"word/document.xml"]
    members.append(zeros_member(b"word/document.xml", 1024))
    return raw_zip(members)


def set_cell(sheet, ref: str, value) -> None:  # type: ignore[no-untyped-def]
    """A cell that holds exactly `value`: text starting with '=' stays text, not a formula."""
    cell = sheet[ref]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def form_workbook(facts: dict[str, object], *, formulas: dict[str, str] | None = None) -> bytes:
    """A one-sheet 申请表: labels in A, values in B; `formulas` are label → formula text."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "申请表"
    row = 1
    for label, value in facts.items():
        set_cell(sheet, f"A{row}", label)
        set_cell(sheet, f"B{row}", value)
        row += 1
    for label, formula in (formulas or {}).items():
        set_cell(sheet, f"A{row}", label)
        sheet[f"B{row}"] = formula  # openpyxl writes a formula without a cached value
        row += 1
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def million_row_workbook(rows: int = 1_000_000) -> bytes:
    """A form whose sheet also has `rows` used rows and a value in XFD1048576 (≈ 3 MB)."""
    base = form_workbook({"单位名称": "百万行测试有限公司", "从业人数": 30})
    src = zipfile.ZipFile(io.BytesIO(base))
    sheet_name = "xl/worksheets/sheet1.xml"
    original = src.read(sheet_name).decode()
    head, rest = original.split("<sheetData>", 1)
    data, tail = rest.split("</sheetData>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in src.infolist():
            if info.filename != sheet_name:
                archive.writestr(info.filename, src.read(info))
        with archive.open(sheet_name, "w", force_zip64=True) as fh:
            fh.write((head.split("<dimension")[0] + "<sheetData>" + data).encode())
            for chunk in _row_chunks(10, rows):
                fh.write(chunk)
            fh.write(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
            fh.write(("</sheetData>" + tail).encode())
    return out.getvalue()


def _row_chunks(first: int, count: int, per_chunk: int = 50_000) -> Iterator[bytes]:
    for start in range(first, first + count, per_chunk):
        end = min(start + per_chunk, first + count)
        yield b"".join(
            b'<row r="%d"><c r="C%d"><v>%d</v></c></row>' % (r, r, r) for r in range(start, end)
        )


def xlsm_with_macros() -> bytes:
    """A macro-enabled workbook: vbaProject.bin inside (never run, never needed)."""
    base = form_workbook({"单位名称": "宏测试有限公司", "从业人数": 12})
    return replace_members(
        base, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)}
    )


def xlsx_with_dtd(part: str, dtd: str, entity: str) -> bytes:
    """A workbook whose `part` carries a DTD; the entity stands where a value would be."""
    base = form_workbook({"单位名称": "实体测试有限公司"})
    src = zipfile.ZipFile(io.BytesIO(base))
    xml = src.read(part).decode()
    xml = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    if part.endswith("sheet1.xml"):
        xml = xml.replace(
            "</sheetData>",
            f'<row r="40"><c r="B40" t="inlineStr"><is><t>&{entity};</t></is></c></row></sheetData>',
        )
    return replace_members(base, {part: (dtd + xml).encode()})


def xlsx_bomb() -> bytes:
    """A workbook whose shared-strings part inflates to 1 GiB (declared truthfully)."""
    src = zipfile.ZipFile(io.BytesIO(form_workbook({"单位名称": "炸弹测试有限公司"})))
    members = [deflated(i.filename.encode(), src.read(i)) for i in src.infolist()]
    members = [m for m in members if m.name != b"xl/sharedStrings.xml"]
    members.append(zeros_member(b"xl/sharedStrings.xml", 1024))
    return raw_zip(members)


def shared_strings_workbook(org: str, strings_mib: int, *, declared: int | None = None) -> bytes:
    """A form whose org name is shared string 0, followed by `strings_mib` MiB more strings.

    The part is made of one compressed MiB repeated (≈ 2.5 KB each, 400:1);
    `declared` makes the zip directory lie about its uncompressed size.
    """
    src = zipfile.ZipFile(io.BytesIO(form_workbook({"单位名称": "x"})))
    parts = {i.filename: src.read(i) for i in src.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b'<c r="B1" t="inlineStr"><is><t>x</t></is></c>', b'<c r="B1" t="s"><v>0</v></c>'
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    head = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<si><t>{org}</t></si>"
    ).encode()
    unit = b"<si><t>aaaaaaaaaaaaaaaa</t></si>" * 32768  # 1 MiB of strings
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(unit) + co.flush(zlib.Z_FULL_FLUSH)
    packed += block * strings_mib + co.compress(b"</sst>") + co.flush()
    crc = zlib.crc32(head)
    for _ in range(strings_mib):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(b"</sst>", crc)
    size = len(head) + strings_mib * len(unit) + len(b"</sst>")
    members = [deflated(name.encode(), data) for name, data in parts.items()]
    members.append(RawMember(b"xl/sharedStrings.xml", packed, crc, declared or size))
    return raw_zip(members)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE container with EncryptionInfo."""
    return OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1024)


def hostile_text_workbook() -> bytes:
    facts: dict[str, object] = {HOSTILE_LABELS[k]: v for k, v in HOSTILE_TEXTS.items()}
    facts["从业人数"] = 25
    return form_workbook(facts)


# ---------------------------------------------------------------------------
# the corpus


@dataclass
class Corpus:
    """Where everything is. `intake` is a folder of dossiers for batch runs."""

    root: Path
    intake: Path
    files: Path  # folder dossier: the good workbook and one of each bad file
    specials: Path  # folder dossier: symlinks, FIFO, odd names, a read-only subfolder
    many: Path  # folder dossier with 10,000 files
    names_zip: Path  # zip dossier: traversal, absolute, drive letters, duplicates, GBK, bad UTF-8
    bomb_zip: Path  # zip dossier: bombs (declared, overlapping) beside a good workbook
    broken_zip: Path  # not a zip at all despite the name
    workbooks: dict[str, Path] = field(default_factory=dict)  # case → dossier folder
    bad_files: dict[str, str] = field(default_factory=dict)  # file name in `files` → case

    def dossiers(self) -> list[Path]:
        return sorted(p for p in self.intake.iterdir() if not p.name.startswith("."))


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def build_files_dossier(folder: Path) -> dict[str, str]:
    """The good workbook and every bad document beside it; returns file name → case."""
    good_pdf = hand_pdf(1, "Shenbao Cailiao")
    good_docx = docx_bytes()
    bad = {
        "00空文件.pdf": ("zero-byte pdf", b""),
        "00空文件.docx": ("zero-byte docx", b""),
        "01截断的营业执照.pdf": ("truncated pdf", hand_pdf(3)[:400]),
        "02截断的申请报告.docx": ("truncated docx", good_docx[: len(good_docx) // 2]),
        "03其实是Word.pdf": ("docx named .pdf", good_docx),
        "04其实是PDF.docx": ("pdf named .docx", good_pdf),
        "05加密的审计报告.pdf": ("encrypted pdf", encrypted_pdf()),
        "06交叉引用表损坏.pdf": ("broken xref", broken_xref_pdf()),
        "07两千页的服务证明.pdf": ("2,000 pages", hand_pdf(2000)),
        "08巨幅图片.png": ("50,000² png", forged_png()),
        "09压缩炸弹.docx": ("docx bomb", docx_bomb()),
        "10实体膨胀.docx": ("billion laughs docx", docx_with_dtd(LAUGHS_DTD, "lol9")),
        "11外部实体.docx": ("external entity docx", docx_with_dtd(XXE_DTD, "xxe")),
        "12空表格.xlsx": ("zero-byte second workbook", b""),
        "13旧版文档.doc": ("legacy .doc", OLE_MAGIC + bytes(504)),
        "14截断的照片.jpg": ("truncated jpeg", b"\xff\xd8\xff\xe0" + bytes(60)),
    }
    _write(folder / "申请表.xlsx", GOOD_WORKBOOK.read_bytes())
    for name, (_, data) in bad.items():
        _write(folder / name, data)
    return {name: case for name, (case, _) in bad.items()}


FOLDER_NAMES = {"evil_name": "wb_evil_name ..\\..\\=cmd|' calc'!A0"}  # a dossier named to harm


def _good() -> bytes:
    return GOOD_WORKBOOK.read_bytes()


WORKBOOK_CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "empty": ("申请表.xlsx", lambda: b""),
    "truncated": ("申请表.xlsx", lambda: _good()[: len(_good()) // 2]),
    "really_pdf": ("申请表.xlsx", lambda: hand_pdf(1)),
    "really_docx": ("申请表.xlsx", docx_bytes),
    "encrypted": ("申请表.xlsx", encrypted_xlsx),
    "million_rows": ("申请表.xlsx", million_row_workbook),
    "macros": ("申请表.xlsm", xlsm_with_macros),
    "no_cached_values": (
        "申请表.xlsx",
        lambda: form_workbook(
            {"单位名称": "公式测试有限公司"},
            formulas={"从业人数": "=10+15", "资产总额（万元）": "=SUM(C1:C3)"},
        ),
    ),
    "bomb": ("申请表.xlsx", xlsx_bomb),
    "ratio_bomb": ("申请表.xlsx", lambda: shared_strings_workbook("压缩比测试有限公司", 128)),
    "lying_bomb": (
        "申请表.xlsx",
        lambda: shared_strings_workbook("说谎测试有限公司", 256, declared=1000),
    ),
    "shared_strings": ("申请表.xlsx", lambda: shared_strings_workbook("共享字符串有限公司", 0)),
    "laughs_workbook_part": (
        "申请表.xlsx",
        lambda: xlsx_with_dtd("xl/workbook.xml", LAUGHS_DTD, "lol9"),
    ),
    "laughs_sheet": (
        "申请表.xlsx",
        lambda: xlsx_with_dtd("xl/worksheets/sheet1.xml", LAUGHS_DTD, "lol9"),
    ),
    "xxe_sheet": ("申请表.xlsx", lambda: xlsx_with_dtd("xl/worksheets/sheet1.xml", XXE_DTD, "xxe")),
    "hostile_text": ("申请表.xlsx", hostile_text_workbook),
    "evil_name": (
        "申请表.xlsx",
        lambda: form_workbook({"单位名称": "../../evil", "平台名称": "/etc/passwd"}),
    ),
}
OTHER_DOSSIERS = ["files", "specials", "many", "names.zip", "bomb.zip", "broken.zip"]
DOSSIER_NAMES = sorted(OTHER_DOSSIERS + [FOLDER_NAMES.get(c, f"wb_{c}") for c in WORKBOOK_CASES])


def build_workbook_dossiers(intake: Path) -> dict[str, Path]:
    """One dossier per hostile 申请表 (only the chosen workbook is read as a form)."""
    out = {}
    for case, (name, make) in WORKBOOK_CASES.items():
        folder = intake / FOLDER_NAMES.get(case, f"wb_{case}")
        _write(folder / name, make())
        out[case] = folder
    return out


def build_specials_dossier(folder: Path, outside: Path) -> None:
    """Symlinks out of the dossier and to /dev/zero, a FIFO, odd names, a read-only subfolder."""
    _write(folder / "申请表.xlsx", GOOD_WORKBOOK.read_bytes())
    _write(outside / "secret.pdf", hand_pdf(1, "SECRET OUTSIDE"))
    os.symlink(outside / "secret.pdf", folder / "营业执照.pdf")
    os.symlink("/dev/zero", folder / "审计报告.pdf")
    os.symlink(outside, folder / "外部文件夹")
    os.mkfifo(folder / "管道.pdf")
    for i, name in enumerate(ODD_NAMES):
        _write(folder / name, hand_pdf(1, f"odd {i}"))
    locked = folder / "只读"
    _write(locked / "服务证明.pdf", hand_pdf(1, "readonly"))
    locked.chmod(0o555)
    (folder / "无权限.pdf").write_bytes(hand_pdf(1, "no access"))
    (folder / "无权限.pdf").chmod(0)


def build_many_dossier(folder: Path, count: int = 10_000) -> None:
    _write(folder / "申请表.xlsx", GOOD_WORKBOOK.read_bytes())
    for i in range(count):
        fd = os.open(folder / f"f{i:05d}.txt", os.O_CREAT | os.O_WRONLY, 0o644)
        os.write(fd, b"x")
        os.close(fd)


def build_names_zip() -> bytes:
    good = GOOD_WORKBOOK.read_bytes()
    pdf = hand_pdf(1, "named")
    inner = zip_of({"营业执照.pdf": pdf})
    return raw_zip(
        [
            deflated("申请表.xlsx".encode(), good, utf8=True),
            stored(b"../evil.pdf", pdf),
            stored(b"../../../../tmp/pingtai-evil.pdf", pdf),
            stored(b"/etc/cron.d/evil.pdf", pdf),
            stored(b"C:\\Windows\\evil.pdf", pdf),
            stored(b"C:/evil2.pdf", pdf),
            stored(b"sub\\..\\..\\evil3.pdf", pdf),
            stored("审计报告.pdf".encode("gbk"), pdf),
            stored("审计报告.pdf".encode("gbk"), hand_pdf(1, "second")),
            stored(b"\xff\xfe\x80bad-utf8.pdf", pdf, utf8=True),
            stored(b"\x81\x30\x81bad-gbk.pdf", pdf),
            stored(b"nul\x00byte.pdf", pdf),
            stored("材料/嵌套.zip".encode(), inner, utf8=True),
            stored("材料/".encode(), b"", utf8=True),
            stored(b"__MACOSX/._x.pdf", b"junk"),
        ]
    )


def build_bomb_zip() -> bytes:
    good = GOOD_WORKBOOK.read_bytes()
    members = [
        deflated("申请表.xlsx".encode(), good, utf8=True),
        zeros_member("审计报告.pdf".encode(), 3 * 1024),  # 3 GiB declared truthfully
        zeros_member("营业执照.pdf".encode(), 512, declared=4096),  # says 4 KB, inflates to 512 MiB
        *overlapping_bomb(50, 256),  # 50 names × 256 MiB from one 260 KB stream
    ]
    for m in members[-50:]:
        m.utf8_flag = True
    return raw_zip(members)


def build_corpus(root: Path) -> Corpus:
    intake = root / "intake"
    corpus = Corpus(
        root=root,
        intake=intake,
        files=intake / "files",
        specials=intake / "specials",
        many=intake / "many",
        names_zip=intake / "names.zip",
        bomb_zip=intake / "bomb.zip",
        broken_zip=intake / "broken.zip",
    )
    corpus.bad_files = build_files_dossier(corpus.files)
    corpus.workbooks = build_workbook_dossiers(intake)
    build_specials_dossier(corpus.specials, root / "outside")
    build_many_dossier(corpus.many)
    _write(corpus.names_zip, build_names_zip())
    _write(corpus.bomb_zip, build_bomb_zip())
    _write(corpus.broken_zip, b"PK\x03\x04 not really a zip" + bytes(100))
    return corpus


def unlock_corpus(corpus: Corpus) -> None:
    """Undo the permission tricks, so that pytest's basetemp retention can delete the tree later
    (the tree itself stays: removing 10,000 files at teardown is pytest's job, not the suite's)."""
    (corpus.specials / "只读").chmod(0o755)
    (corpus.specials / "无权限.pdf").chmod(0o644)
