"""Reading the hostile corpus: each bad file costs one finding in Chinese, the rest is still read."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import GOOD_ORG, GOOD_WORKBOOK, HOSTILE_TEXTS, ODD_NAMES, Corpus

from pingtai_cli.core.errors import DossierError
from pingtai_cli.core.models import Dossier
from pingtai_cli.intake.dossier import read_dossier
from pingtai_cli.intake.limits import Limits
from pingtai_cli.intake.sources.excel import read_workbook

CJK = re.compile(r"[\u4e00-\u9fff]")
_READ: dict[str, Dossier] = {}


def read(path: Path) -> Dossier:
    """The real reader, once per dossier for this module."""
    if str(path) not in _READ:
        _READ[str(path)] = read_dossier(path)
    return _READ[str(path)]


def about(dossier: Dossier, name: str) -> list[Any]:
    """Findings that name the file (in `files` and in the message)."""
    return [f for f in dossier.findings if name in f.files and name in f.message]


def good_facts() -> dict[str, Any]:
    return {
        k: f.value
        for k, f in read_workbook(GOOD_WORKBOOK.read_bytes(), "申请表.xlsx").facts.items()
    }


def assert_good_workbook_read(dossier: Dossier) -> None:
    expected = good_facts()
    assert dossier.value("org_name") == GOOD_ORG
    assert {k: dossier.value(k) for k in expected} == expected


# ---------------------------------------------------------------------------
# one folder with one of each bad document beside a good workbook

BAD_FILES = {
    "00空文件.pdf": ("file.unreadable", "文件为空（0字节）"),
    "00空文件.docx": ("file.unreadable", "文件为空（0字节）"),
    "01截断的营业执照.pdf": ("file.unreadable", "已损坏或不完整"),
    "02截断的申请报告.docx": ("file.unreadable", "已损坏或不完整"),
    "03其实是Word.pdf": ("file.unreadable", "扩展名表明是PDF，但内容是ZIP"),
    "04其实是PDF.docx": ("file.unreadable", "但内容是PDF文件"),
    "05加密的审计报告.pdf": ("file.unreadable", "PDF已加密"),
    "07两千页的服务证明.pdf": ("file.partial", "共2000页，只读取了前60页"),
    "08巨幅图片.png": ("file.unreadable", "图片尺寸过大"),
    "09压缩炸弹.docx": ("file.unreadable", "疑似压缩炸弹"),
    "10实体膨胀.docx": ("file.unreadable", "XML实体声明"),
    "11外部实体.docx": ("file.unreadable", "XML实体声明"),
    "12空表格.xlsx": ("file.unreadable", "文件为空（0字节）"),  # and workbook.several names it (below)
    "13旧版文档.doc": ("file.unreadable", "旧版Word文档（.doc）无法读取"),
    "14截断的照片.jpg": ("file.unreadable", "图片已损坏或被截断"),
}


def test_the_table_covers_every_bad_file_of_the_corpus(corpus: Corpus) -> None:
    assert set(corpus.bad_files) == set(BAD_FILES) | {"06交叉引用表损坏.pdf"}


@pytest.mark.parametrize(("name", "expected"), BAD_FILES.items(), ids=list(BAD_FILES))
def test_each_bad_file_is_one_finding_naming_it_with_a_chinese_reason(
    corpus: Corpus, name: str, expected: tuple[str, str]
) -> None:
    fid, reason = expected
    found = about(read(corpus.files), name)
    several = [f for f in found if f.id == "workbook.several"]  # the choice of 申请表, not the file
    found = [f for f in found if f.id not in ("file.unclassified", "workbook.several")]
    assert [f.id for f in found] == [fid], found
    assert reason in found[0].message and CJK.search(found[0].message)
    assert bool(several) == name.endswith(".xlsx"), several


def test_a_pdf_with_a_broken_cross_reference_table_is_repaired_and_read(corpus: Corpus) -> None:
    (material,) = [m for m in read(corpus.files).files if m.path == "06交叉引用表损坏.pdf"]
    assert material.error is None and material.pages == 1


def test_the_good_workbook_beside_the_bad_files_is_read_whole(corpus: Corpus) -> None:
    dossier = read(corpus.files)
    assert_good_workbook_read(dossier)
    assert len(dossier.files) == len(BAD_FILES) + 2  # the bad files, the xref PDF, the workbook


def test_only_the_page_cap_of_a_2000_page_pdf_is_touched(corpus: Corpus) -> None:
    (material,) = [m for m in read(corpus.files).files if "两千页" in m.path]
    assert material.pages == 2000 and material.error is None
    started = time.monotonic()
    read_dossier(corpus.files, limits=Limits(max_pages=5))
    assert time.monotonic() - started < 5


# ---------------------------------------------------------------------------
# one dossier per hostile 申请表

WORKBOOKS = {
    "empty": ("read.workbook_unreadable", "文件为空（0字节）"),
    "truncated": ("read.workbook_unreadable", "不是完整的 .xlsx 文件"),
    "really_pdf": ("read.workbook_unreadable", "不是 Excel 文件"),
    "really_docx": ("read.workbook_unreadable", "没有 Excel 工作簿"),
    "encrypted": ("read.workbook_unreadable", "设有打开密码"),
    "bomb": ("read.workbook_unreadable", "疑似压缩炸弹"),
    "ratio_bomb": ("read.workbook_unreadable", "压缩比异常"),
    "lying_bomb": ("read.workbook_unreadable", "无法读取"),
    "laughs_workbook_part": ("read.workbook_unreadable", "工作簿结构损坏"),
    "laughs_sheet": ("read.sheet_unreadable", "无法读取"),
    "xxe_sheet": ("read.sheet_unreadable", "无法读取"),
    "million_rows": ("read.sheet_truncated", "只读取了前 20000 行"),
    "macros": ("read.workbook_macros", "pingtai 不运行宏"),
    "no_cached_values": ("read.formula_no_value", "没有保存计算结果"),
}
READ_ANYWAY = {  # facts a hostile workbook still gives
    "million_rows": {"org_name": "百万行测试有限公司", "staff_total": 30},
    "macros": {"org_name": "宏测试有限公司", "staff_total": 12},
    "no_cached_values": {"org_name": "公式测试有限公司"},
    "shared_strings": {"org_name": "共享字符串有限公司"},
    "evil_name": {"org_name": "../../evil", "platform_name": "/etc/passwd"},
}


@pytest.mark.parametrize(("case", "expected"), WORKBOOKS.items(), ids=list(WORKBOOKS))
def test_each_hostile_workbook_is_a_finding_naming_it_with_a_chinese_reason(
    corpus: Corpus, case: str, expected: tuple[str, str]
) -> None:
    fid, reason = expected
    dossier = read(corpus.workbooks[case])
    found = [f for f in dossier.findings if f.id == fid]
    assert found, [(f.id, f.message) for f in dossier.findings]
    assert reason in found[0].message and dossier.workbook in found[0].message
    assert {k: dossier.value(k) for k in READ_ANYWAY.get(case, {})} == READ_ANYWAY.get(case, {})


@pytest.mark.parametrize("case", ["shared_strings", "evil_name"])
def test_a_well_formed_workbook_among_the_hostile_ones_reads_without_findings(
    corpus: Corpus, case: str
) -> None:
    dossier = read(corpus.workbooks[case])
    assert [f.id for f in dossier.findings] == []
    assert {k: dossier.value(k) for k in READ_ANYWAY[case]} == READ_ANYWAY[case]


def test_both_formulas_without_cached_values_are_named_by_cell(corpus: Corpus) -> None:
    dossier = read(corpus.workbooks["no_cached_values"])
    cells = sorted(f.evidence.cell for f in dossier.findings if f.id == "read.formula_no_value")
    assert cells == ["B2", "B3"]
    assert "staff_total" not in dossier.facts and "total_assets" not in dossier.facts


def test_no_external_entity_is_ever_resolved(corpus: Corpus) -> None:
    passwd = Path("/etc/passwd").read_text(errors="replace").splitlines()[0]
    for case in ("xxe_sheet", "laughs_sheet", "laughs_workbook_part"):
        dumped = json.dumps(_plain(read(corpus.workbooks[case])), ensure_ascii=False, default=str)
        assert passwd not in dumped and "lollollol" not in dumped
    dumped = json.dumps(_plain(read(corpus.files)), ensure_ascii=False, default=str)
    assert passwd not in dumped and "lollollol" not in dumped


def _plain(dossier: Dossier) -> Any:
    from dataclasses import asdict

    return asdict(dossier)


def test_hostile_text_is_kept_as_text_in_the_facts(corpus: Corpus) -> None:
    dossier = read(corpus.workbooks["hostile_text"])
    for key in ("org_name", "platform_name", "registered_address", "region", "contact_person"):
        assert dossier.value(key) == HOSTILE_TEXTS[key]
    assert len(dossier.value("email")) <= 32_767  # Excel's cell limit bounds the 1 MB string


# ---------------------------------------------------------------------------
# zips


UNSAFE = [
    "../evil.pdf",
    "../../../../tmp/pingtai-evil.pdf",
    "/etc/cron.d/evil.pdf",
    "C:/Windows/evil.pdf",
    "C:/evil2.pdf",
    "sub/../../evil3.pdf",
]


@pytest.mark.parametrize("name", UNSAFE)
def test_unsafe_member_names_are_skipped_with_a_finding_and_never_written(
    corpus: Corpus, name: str
) -> None:
    dossier = read(corpus.names_zip)
    found = [f for f in dossier.findings if f.id == "zip.unsafe_name" and name in f.message]
    assert len(found) == 1 and "为安全起见已跳过" in found[0].message
    assert all(name not in m.path for m in dossier.files)


def test_nothing_of_a_traversing_zip_lands_outside_it(corpus: Corpus) -> None:
    read(corpus.names_zip)
    for path in (
        corpus.intake.parent / "evil.pdf",
        Path("/tmp/pingtai-evil.pdf"),
        Path("/etc/cron.d/evil.pdf"),
        corpus.intake / "evil3.pdf",
    ):
        assert not path.exists()


def test_gbk_duplicate_nested_and_undecodable_names_each_have_their_finding(
    corpus: Corpus,
) -> None:
    dossier = read(corpus.names_zip)
    ids = [f.id for f in dossier.findings]
    assert "审计报告.pdf" in [m.path for m in dossier.files]  # GBK name decoded
    assert ids.count("zip.duplicate_name") == 1
    assert ids.count("zip.name_encoding") == 2
    assert ids.count("file.nested_archive") == 1
    assert all("\x00" not in m.path and not m.path.startswith("__MACOSX") for m in dossier.files)
    assert_good_workbook_read(dossier)


def test_every_bomb_member_is_refused_and_the_workbook_beside_them_read(corpus: Corpus) -> None:
    started = time.monotonic()
    dossier = read_dossier(corpus.bomb_zip)
    assert time.monotonic() - started < 5
    bombs = [f for f in dossier.findings if f.id == "zip.bomb"]
    assert len(bombs) == 51  # 3 GiB declared + 50 overlapping entries
    assert all("疑似压缩炸弹" in f.message and f.files[0] in f.message for f in bombs)
    (liar,) = [m for m in dossier.files if m.path == "营业执照.pdf"]
    assert liar.error is not None and "校验失败" in liar.error
    assert_good_workbook_read(dossier)


def test_a_file_that_is_not_a_zip_is_a_dossier_error_in_chinese(corpus: Corpus) -> None:
    with pytest.raises(DossierError, match="压缩包已损坏"):
        read_dossier(corpus.broken_zip)


# ---------------------------------------------------------------------------
# folders


@pytest.mark.parametrize(
    ("name", "fid"),
    [
        ("营业执照.pdf", "file.symlink"),  # → a file outside the dossier
        ("审计报告.pdf", "file.symlink"),  # → /dev/zero
        ("外部文件夹", "file.symlink"),  # → a folder outside
        ("管道.pdf", "file.special"),  # a FIFO: never opened, so never blocks
    ],
)
def test_links_and_special_files_are_findings_and_never_read(
    corpus: Corpus, name: str, fid: str
) -> None:
    dossier = read(corpus.specials)
    assert [f.id for f in about(dossier, name)] == [fid]
    assert all(not m.path.startswith(name) for m in dossier.files)


def test_odd_file_names_and_a_read_only_folder_are_read_like_any_other(corpus: Corpus) -> None:
    dossier = read(corpus.specials)
    paths = {m.path for m in dossier.files}
    assert set(ODD_NAMES) <= paths and "只读/服务证明.pdf" in paths
    assert all(m.error is None for m in dossier.files if m.path in ODD_NAMES)
    assert_good_workbook_read(dossier)


def test_an_unreadable_file_is_a_finding(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() == 0:  # root reads a chmod 000 file: make the system refuse it instead
        real_open = os.open

        def refuse(path: Any, flags: int, *args: Any) -> int:
            if str(path).endswith("无权限.pdf"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args)

        monkeypatch.setattr(os, "open", refuse)
    dossier = read_dossier(corpus.specials)
    (found,) = about(dossier, "无权限.pdf")
    assert found.id == "file.unreadable" and "无法打开（没有权限）" in found.message


def test_ten_thousand_files_are_capped_and_the_workbook_still_read(corpus: Corpus) -> None:
    started = time.monotonic()
    dossier = read_dossier(corpus.many)
    assert time.monotonic() - started < 10
    assert [f.id for f in dossier.findings if f.id != "file.unclassified"] == [
        "dossier.too_many_files"
    ]
    assert len(dossier.files) == Limits().max_files + 1  # the cap, and the 申请表 past it
    assert_good_workbook_read(dossier)


def test_every_finding_of_the_corpus_is_in_chinese(corpus: Corpus) -> None:
    for path in [corpus.files, corpus.specials, corpus.names_zip, *corpus.workbooks.values()]:
        for finding in read(path).findings:
            assert CJK.search(finding.message), finding
