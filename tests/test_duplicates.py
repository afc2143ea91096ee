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
