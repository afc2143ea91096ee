"""Opening dossiers: zips (GBK names, traversal, bombs, nesting), folders (symlinks, FIFOs), read-only."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from builders import text_pdf
from pingtai_cli.core.errors import DossierError
from pingtai_cli.intake.dossier import read_dossier
from pingtai_cli.intake.limits import Limits

SAMPLES = Path(__file__).resolve().parents[1] / "sample_dossiers"


def gbk_zip(members: dict[str, bytes]) -> bytes:
    """A zip as Windows tools write it: names in GBK (cp936) bytes, UTF-8 flag (bit 11) off.

    zipfile would write non-ASCII names as UTF-8, so each is written under an
    ASCII stand-in of the same byte length, patched afterwards in both headers.
    """
    buf = io.BytesIO()
    stand_ins = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, (name, data) in enumerate(members.items()):
            raw = name.encode("cp936")
            stand_in = (f"~{i:03d}" + "x" * len(raw))[: len(raw)].encode()
            stand_ins[stand_in] = raw
            archive.writestr(stand_in.decode(), data)
    out = buf.getvalue()
    for stand_in, raw in stand_ins.items():
        assert out.count(stand_in) == 2
        out = out.replace(stand_in, raw)
    return out


def names(dossier) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f.path for f in dossier.files)


def finding_ids(dossier) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.id for f in dossier.findings]


# --- zip dossiers -----------------------------------------------------------------


def test_gbk_member_names_of_a_windows_zip_come_out_right(tmp_path: Path) -> None:
    licence = text_pdf([["营业执照", "统一社会信用代码 91350100M000100Y43"]])
    path = tmp_path / "卷宗.zip"
    path.write_bytes(
        gbk_zip({"某平台/02营业执照副本.pdf": licence, "某平台/租赁合同.pdf": b"%PDF-"})
    )
    info = zipfile.ZipFile(path).infolist()[0]
    assert not info.flag_bits & 0x800  # really written the Windows way
    dossier = read_dossier(path)
    assert names(dossier) == ["某平台/02营业执照副本.pdf", "某平台/租赁合同.pdf"]
    licence_file = next(f for f in dossier.files if f.path.endswith("营业执照副本.pdf"))
    assert licence_file.material_keys == ["business_license"]
    assert licence_file.facts["credit_code"].value == "91350100M000100Y43"


def test_the_committed_gbk_sample_zip_reads_with_chinese_names() -> None:
    path = SAMPLES / "shaoguan_small_premises.zip"
    assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(path).infolist())
    dossier = read_dossier(path)
    assert dossier.workbook == "申请表.xlsx"
    assert {"营业执照.pdf", "服务照片/活动现场.jpg", "办公场所租赁合同.pdf"} <= set(names(dossier))
    assert not [f for f in dossier.findings if f.id.startswith("zip.")]


def test_traversal_absolute_and_drive_letter_members_are_skipped_with_findings(
    tmp_path: Path,
) -> None:
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ok/营业执照.pdf", b"%PDF-1.4")
        for bad in (
            "../escape.pdf",
            "a/../../escape2.pdf",
            "/etc/passwd",
            "C:\\Windows\\evil.pdf",
            "..\\win.pdf",
        ):
            archive.writestr(zipfile.ZipInfo(bad), b"x")
    dossier = read_dossier(path)
    assert names(dossier) == ["ok/营业执照.pdf"]
    assert finding_ids(dossier).count("zip.unsafe_name") == 5
    assert not (tmp_path.parent / "escape.pdf").exists() and not (tmp_path / "escape.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip"]  # nothing extracted beside it


def bomb_zip(path: Path, size: int) -> None:
    """A ~1 MB zip whose one member inflates to `size` bytes of zeros, written without inflating it.

    Deflate blocks ending in a full flush are byte-aligned and start afresh,
    so the block for 1 MiB of zeros repeats verbatim.
    """
    chunk = bytes(2**20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    comp.compress(chunk)
    first = comp.flush(zlib.Z_FULL_FLUSH)
    comp.compress(chunk)
    block = comp.flush(zlib.Z_FULL_FLUSH)
    n = size // len(chunk)
    data = first + block * (n - 1) + comp.flush()
    crc = 0
    for _ in range(n):
        crc = zlib.crc32(chunk, crc)
    name = b"zeros.pdf"
    size = n * len(chunk)
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(name), 0
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(name),
        0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    body = local + name + data
    cd = central + name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(cd), len(body), 0)
    path.write_bytes(body + cd + end)


def test_a_zip_bomb_is_not_inflated(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    bomb_zip(path, 1100 * 2**20)
    assert path.stat().st_size < 2 * 2**20
    assert zipfile.ZipFile(path).infolist()[0].file_size > 2**30
    dossier = read_dossier(path)
    assert dossier.files == []
    assert "file.too_large" in finding_ids(dossier) or "zip.bomb" in finding_ids(dossier)
    limits = Limits(max_file_bytes=2 * 2**30, max_total_bytes=4 * 2**30)
    dossier = read_dossier(
        path, limits=limits
    )  # within the size caps, the ratio still gives it away
    assert dossier.files == [] and "zip.bomb" in finding_ids(dossier)


def test_a_member_that_lies_about_its_size_is_not_read_past_it(tmp_path: Path) -> None:
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("审计报告.pdf", b"%PDF-1.4 " + b"A" * 500_000)
    raw = bytearray(path.read_bytes())
    declared = struct.pack("<I", 500_009)
    assert raw.count(declared) == 2
    raw = raw.replace(
        declared, struct.pack("<I", 1000)
    )  # local and central headers now say 1000 bytes
    path.write_bytes(bytes(raw))
    dossier = read_dossier(path)
    (audit,) = dossier.files
    assert audit.error is not None and "file.unreadable" in finding_ids(dossier)


def test_a_zip_inside_the_zip_is_a_finding_not_recursed(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("营业执照.pdf", b"%PDF-1.4")
    path = tmp_path / "outer.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("材料.zip", inner.getvalue())
        archive.writestr("营业执照.pdf", b"%PDF-1.4")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("营业执照.pdf", b"%PDF-1.4 second")
    dossier = read_dossier(path)
    assert names(dossier) == ["营业执照.pdf"]
    assert "file.nested_archive" in finding_ids(dossier)
    assert "zip.duplicate_name" in finding_ids(dossier)


def test_a_zip_with_invalid_utf8_names_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "bad-utf8.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("营业执照.pdf", b"%PDF-1.4")
    raw = path.read_bytes().replace(
        "营业执照".encode(), b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"
    )
    path.write_bytes(raw)
    with pytest.raises(UnicodeDecodeError):
        zipfile.ZipFile(path)  # what Python itself does with such a zip
    dossier = read_dossier(path)
    assert len(dossier.files) == 1


def test_a_broken_zip_or_a_missing_path_is_a_dossier_error(tmp_path: Path) -> None:
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(DossierError, match="压缩包"):
        read_dossier(tmp_path / "broken.zip")
    with pytest.raises(DossierError, match="不存在"):
        read_dossier(tmp_path / "nowhere")


# --- folder dossiers --------------------------------------------------------------


def test_a_symlink_out_of_the_dossier_is_a_finding_and_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(text_pdf([["营业执照", "机密"]]))
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "营业执照.pdf").symlink_to(secret)
    (folder / "subdir-link").symlink_to(tmp_path, target_is_directory=True)
    dossier = read_dossier(folder)
    assert dossier.files == []
    messages = [f.message for f in dossier.findings if f.id == "file.symlink"]
    assert len(messages) == 2 and all("指向卷宗以外" in m for m in messages)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "审计报告.pdf")
    dossier = read_dossier(tmp_path)
    assert dossier.files == [] and "file.special" in finding_ids(dossier)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_an_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(b"%PDF-1.4")
    path.chmod(0)
    try:
        dossier = read_dossier(tmp_path)
    finally:
        path.chmod(0o644)
    assert "file.unreadable" in finding_ids(dossier)


def test_files_beyond_the_cap_are_not_read(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"服务证明{i:02d}.txt").write_text("活动签到")
    dossier = read_dossier(tmp_path, limits=Limits(max_files=5))
    assert len(dossier.files) == 5
    assert finding_ids(dossier).count("dossier.too_many_files") == 1


def test_office_lock_files_and_finder_junk_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "~$申请表.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"junk")
    (tmp_path / "营业执照.txt").write_text("营业执照")
    dossier = read_dossier(tmp_path)
    assert names(dossier) == ["营业执照.txt"]


def test_several_workbooks_pick_the_one_named_like_the_application_form(tmp_path: Path) -> None:
    (tmp_path / "设备清单.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "申请表（终版）.xlsx").write_bytes(b"PK\x03\x04")
    dossier = read_dossier(tmp_path)
    assert dossier.workbook == "申请表（终版）.xlsx"
    assert "workbook.several" in finding_ids(dossier)
    equipment = next(f for f in dossier.files if f.path == "设备清单.xlsx")
    assert equipment.material_keys == ["equipment_list"]


def test_an_old_copy_of_the_application_form_is_not_taken_for_it(tmp_path: Path) -> None:
    for name in ("旧版申请表.xlsx", "申请表-副本.xlsx", "申请表.xlsx", "备份/申请表.xlsx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"PK\x03\x04")
    assert read_dossier(tmp_path).workbook == "申请表.xlsx"


def test_a_dossier_without_a_workbook_says_so(tmp_path: Path) -> None:
    (tmp_path / "营业执照.txt").write_text("营业执照")
    assert "workbook.missing" in finding_ids(read_dossier(tmp_path))


def test_a_word_only_dossier_whose_report_holds_no_form_is_told_what_pingtai_looked_for(tmp_path: Path) -> None:
    # the applicant did write a 申请报告; it was not a form pingtai can read (narrative only)
    from builders import docx_bytes

    (tmp_path / "申请报告.docx").write_bytes(docx_bytes("申请报告", "本单位成立于2018年，服务中小企业一百余家。"))
    [missing] = [f for f in read_dossier(tmp_path).findings if f.id == "workbook.missing"]
    assert "Word或PDF文件" in missing.message and "资产总额：320万元" in missing.message


# --- read-only ----------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    out = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[path.relative_to(root).as_posix()] = (st.st_size, st.st_mtime_ns, digest)
    return out


def test_reading_a_dossier_leaves_its_folder_exactly_as_it_was(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "dossier"
    shutil.copytree(SAMPLES / "xuchang_comprehensive", folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    os.chmod(folder, 0o555)  # a read-only folder: any attempt to write would fail loudly
    try:
        before = snapshot(folder)
        dossier = read_dossier(folder)
        after = snapshot(folder)
    finally:
        os.chmod(folder, 0o755)
    assert before == after
    assert dossier.files and dossier.workbook


def test_reading_a_zip_dossier_writes_nothing_beside_it(tmp_path: Path) -> None:
    import shutil

    shutil.copy(SAMPLES / "shaoguan_small_premises.zip", tmp_path / "d.zip")
    before = snapshot(tmp_path)
    read_dossier(tmp_path / "d.zip")
    assert snapshot(tmp_path) == before


def test_a_place_name_in_the_form_s_file_name_is_not_taken_for_an_old_copy(tmp_path: Path) -> None:
    (tmp_path / "许昌中原检测服务中心申报表.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "服务企业名单.xlsx").write_bytes(b"PK\x03\x04")
    assert read_dossier(tmp_path).workbook == "许昌中原检测服务中心申报表.xlsx"
