"""The same applicant submitted twice: same credit code, same org name, or identical files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from cli_helpers import invoke
from pingtai_cli.core.models import CheckResult, Fact, MaterialFile
from pingtai_cli.engine.duplicates import DUPLICATE_ID, mark_duplicates
from samples import make_intake

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))


def result(path: str, org: str | None = None, code: str | None = None, files: dict[str, str] | None = None) -> CheckResult:
    r = CheckResult(path, "xuchang", "许昌市", "《…》", date(2026, 3, 15), "eligible", True, org_name=org)
    if code:
        r.facts["credit_code"] = Fact("credit_code", code)
    r.files = [MaterialFile(p, "pdf", sha256=h) for p, h in (files or {}).items()]
    return r


def dup_message(r: CheckResult) -> str:
    found = [f for f in r.findings if f.id == DUPLICATE_ID]
    assert len(found) <= 1
    return found[0].message if found else ""


def test_each_kind_of_sameness_marks_every_copy_and_says_what_is_shared() -> None:
    rs = [
        result("收件/甲", "许昌市某服务中心", "91411000MA46XXXX1A", {"执照.pdf": "h1"}),
        result("收件/乙", "许昌市某服务中心", "91411000MA46XXXX2B", {"license.pdf": "h2"}),
        result("收件/丙", "另一家公司", "91411000MA46xxxx1a ", {"a.pdf": "h3"}),
        result("收件/丁", "第三家（许昌）公司", "91411000MA46XXXX4D", {"scan.pdf": "h9", "b.pdf": "h8"}),
        result("收件/戊", "第三家(许昌) 公司", None, {"c.pdf": "h7", "其他.pdf": "h9"}),
        result("收件/己", "毫不相干", "91411000MA46XXXX6F", {"d.pdf": "h4"}),
    ]
    assert mark_duplicates(rs) == 5
    assert "与 乙：单位名称相同" in dup_message(rs[0]) and "与 丙：统一社会信用代码相同（91411000MA46XXXX1A）" in dup_message(rs[0])
    assert "与 甲：统一社会信用代码相同" in dup_message(rs[2])  # case and spaces folded
    assert "与 戊：单位名称相同；1 个文件内容完全相同（scan.pdf）" in dup_message(rs[3])  # brackets folded
    assert rs[4].findings[0].files == ["其他.pdf"] and rs[4].findings[0].severity == "warning"
    assert dup_message(rs[5]) == ""
    assert all(r.verdict == "eligible" for r in rs)  # each copy keeps the verdict of its own content


def test_a_copy_in_an_intake_is_a_finding_on_both_and_in_the_summary(tmp_path: Path) -> None:
    intake = make_intake(tmp_path / "收件", {
        "a_沈阳智联": "liaoning_eligible", "b_沈阳智联（重报）": "liaoning_eligible", "c_other": "national_low_assets",
    })
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json", "-q")
    docs = {Path(d["dossier"]).name: d for d in json.loads(res.stdout)}
    msg = {k: " ".join(f["message"] for f in d["findings"] if f["id"] == DUPLICATE_ID) for k, d in docs.items()}
    assert "与 b_沈阳智联（重报）：统一社会信用代码相同" in msg["a_沈阳智联"]
    assert "单位名称相同" in msg["a_沈阳智联"] and "个文件内容完全相同" in msg["a_沈阳智联"]
    assert "与 a_沈阳智联" in msg["b_沈阳智联（重报）"] and msg["c_other"] == ""
    summary = invoke("check", str(intake), "-j", "liaoning", "--as-of", "2026-03-15").stderr
    assert "疑似重复申报 2 份" in summary


def test_two_applicants_sharing_a_public_notice_are_not_copies_of_one(tmp_path: Path) -> None:
    """A city's recognition notice lists several platforms, and each of them files the same PDF as
    its 已获认定文件. Two applicants whose credit codes and names differ are not one applicant
    because they share it: neither is told the other is its copy (其余不予受理), fill-forms lists
    both, and each is told which file the other has too, for the reviewer to judge."""
    from builders import sample_copy, text_pdf

    notice = text_pdf([[
        "沈阳市工业和信息化局", "关于公布2022年度沈阳市中小企业公共服务示范平台名单的通知", "沈工信发〔2022〕45号",
        "1. 沈阳智联中小企业公共服务平台（沈阳智联中小企业服务有限公司）",
        "2. 大连港湾中小企业公共服务平台（大连港湾中小企业服务有限公司）",
    ]])
    intake = tmp_path / "收件"
    for name, sample in (("沈阳智联", "liaoning_eligible"), ("大连港湾", "liaoning_word_only")):
        (sample_copy(intake / name, sample=sample) / "市级示范平台认定通知.pdf").write_bytes(notice)
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json", "-q")
    docs = {Path(d["dossier"]).name: d for d in json.loads(res.stdout)}
    assert [d["verdict"] for d in docs.values()] == ["eligible", "eligible"]
    for name, other in (("沈阳智联", "大连港湾"), ("大连港湾", "沈阳智联")):
        ids = [f["id"] for f in docs[name]["findings"]]
        assert DUPLICATE_ID not in ids
        shared = next(f for f in docs[name]["findings"] if f["id"] == "dossier.shared_files")
        assert f"与 {other}" in shared["message"] and "市级示范平台认定通知.pdf" in shared["message"]
        assert "不是同一申请单位" in shared["message"] and shared["files"] == ["市级示范平台认定通知.pdf"]
    assert "疑似重复申报" not in invoke("check", str(intake), "-j", "liaoning", "--as-of", "2026-03-15").stderr
    forms = invoke("fill-forms", str(intake), "-j", "liaoning", "--as-of", "2026-03-15", "--out", str(tmp_path / "表格"), "-q")
    assert "重复申报" not in forms.stderr, forms.stderr
    assert (tmp_path / "表格" / "大连港湾" / "附件1-辽宁省中小企业公共服务示范平台推荐表.docx").exists()
    assert (tmp_path / "表格" / "沈阳智联" / "附件1-辽宁省中小企业公共服务示范平台推荐表.docx").exists()


def test_a_folder_of_public_documents_does_not_chain_two_applicants_into_one() -> None:
    """收件/公共材料/ (no 申请表: no credit code, no name) holds the city's recognition notice that 甲
    and 乙, two applicants, each file too. It linked 甲 to 乙 through itself: fill-forms left 乙 out
    of the 推荐表 as 与 甲 重复申报. A dossier that names nobody cannot be a copy of two applicants at
    once; the two are told they share the file, and nobody is anybody's copy."""
    from pingtai_cli.engine.duplicates import SHARED_FILES_ID, duplicate_groups

    rs = [
        result("收件/乙", "大连海创科技服务有限公司", "91210200MA0XXXXX2B", {"认定通知.pdf": "notice", "执照.pdf": "h2"}),
        result("收件/公共材料", None, None, {"认定通知.pdf": "notice"}),
        result("收件/甲", "沈阳智联中小企业服务有限公司", "91210102MAJU6XYH71", {"06市级示范平台认定文件.pdf": "notice", "执照.pdf": "h1"}),
    ]
    assert duplicate_groups(rs) == []
    mark_duplicates(rs)
    assert [dup_message(r) for r in rs] == ["", "", ""]
    assert SHARED_FILES_ID in {f.id for f in rs[0].findings} and SHARED_FILES_ID in {f.id for f in rs[2].findings}
    # one applicant's resubmission whose 申请表 cannot be read is still its copy by its files
    copy = [rs[2], result("收件/甲（重报）", None, None, {"06市级示范平台认定文件.pdf": "notice", "执照.pdf": "h1"})]
    assert duplicate_groups(copy) == [[0, 1]]


def test_copies_in_two_county_folders_under_one_name_are_told_apart_by_their_folders(tmp_path: Path) -> None:
    """The same applicant sent through two counties, each folder named after it: every copy's
    finding and fill-forms' note on the one left out named the other by that same name (“与 甲 重复
    申报，以 甲 为准”), so the reviewer could not tell which copy was listed and which left out."""
    intake = make_intake(tmp_path / "收件", {
        "魏都区/许昌智汇": "xuchang_comprehensive",
        "长葛市/许昌智汇": "xuchang_comprehensive",
        "长葛市/长葛鑫诚": "xuchang_unstamped",
        "魏都区/襄城金桥": "xuchang_excluded",
    })
    res = invoke("check", str(intake), "-j", "xuchang", "--as-of", "2026-03-15", "-f", "json", "-q")
    by_path = {Path(d["dossier"]).relative_to(intake).as_posix(): d for d in json.loads(res.stdout)}

    def dup(key: str) -> str:
        return next(f["message"] for f in by_path[key]["findings"] if f["id"] == DUPLICATE_ID)

    assert "与 长葛市/许昌智汇：" in dup("魏都区/许昌智汇")
    assert "与 魏都区/许昌智汇：" in dup("长葛市/许昌智汇")
    out = tmp_path / "表格"
    res = invoke("fill-forms", str(intake), "-j", "xuchang", "--as-of", "2026-03-15", "-o", str(out), "-q")
    assert res.exit_code == 0, res.output
    # the later copy in intake order is listed; the note on the other names both by their folders
    assert "【长葛市/许昌智汇】未列入推荐表和汇总表：与 魏都区/许昌智汇 重复申报，以 魏都区/许昌智汇 为准" in res.stderr
    # a name no other dossier has stays short
    assert "【襄城金桥】未列入推荐表和汇总表：存在排除情形" in res.stderr
