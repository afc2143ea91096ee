"""`pingtai check` as bureaus and applicants run it: exit codes, formats, batches with a broken dossier."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import Result

from builders import text_pdf
from cli_helpers import invoke
from samples import BROKEN_ZIP, make_intake, warm_samples

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
ELIGIBLE = SAMPLES / "liaoning_eligible"
LOW_ASSETS = SAMPLES / "national_low_assets"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))


def run(*args: str) -> Result:
    return invoke("check", *args)


def test_an_eligible_dossier_exits_0_and_says_so_in_chinese():
    res = run(str(ELIGIBLE), "-j", "liaoning", "--as-of", "2026-03-15")
    assert res.exit_code == 0, res.output
    assert "符合条件" in res.stdout


def test_an_ineligible_dossier_exits_1_and_names_the_gap_article_and_source():
    res = run(str(LOW_ASSETS), "-j", "national", "--as-of", "2026-03-15")
    assert res.exit_code == 1
    out = res.stdout
    assert "差 180 万元" in out
    assert "第十二条（一）" in out
    assert "资产总额不低于300万元" in out


def test_json_is_alone_on_stdout_and_follows_the_spec():
    res = run(str(LOW_ASSETS), "-j", "national", "--as-of", "2026-03-15", "-f", "json")
    data = json.loads(res.stdout)
    assert data["schema"] == "pingtai.check/1"
    assert data["verdict"] == "ineligible"
    assets = next(c for c in data["conditions"] if c["fields"] == ["total_assets"])
    assert (assets["status"], assets["actual"], assets["required"], assets["unit"]) == ("fail", 120, ">= 300", "万元")


def test_unknown_jurisdiction_is_exit_2_with_a_chinese_message():
    proc = subprocess.run(
        [sys.executable, "-m", "pingtai_cli", "check", str(ELIGIBLE), "-j", "atlantis"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "未知的地区" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(("typed", "meant"), [("lioaning", "liaoning？"), ("辽宁", "liaoning（辽宁省）"), ("许昌", "xuchang（许昌市）")])
def test_an_unknown_jurisdiction_suggests_the_key_meant(typed: str, meant: str):
    res = run(str(ELIGIBLE), "-j", typed)
    assert res.exit_code == 2 and f"是否要用 {meant}" in str(res.exception)


def test_a_path_that_does_not_exist_is_exit_2_but_the_others_are_still_checked():
    res = run(str(ELIGIBLE), "/no/such/dossier", "-j", "liaoning", "--as-of", "2026-03-15", "-f", "jsonl", "-q")
    assert res.exit_code == 2
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
    assert [r["verdict"] for r in lines] == ["eligible"]


@pytest.mark.slow
def test_a_batch_with_a_broken_dossier_in_the_middle_checks_every_other_one(tmp_path: Path):
    intake = make_intake(tmp_path / "收件", {
        "a_good": ELIGIBLE.name, "b_broken.zip": BROKEN_ZIP, "c_low": LOW_ASSETS.name,
    })
    res = run(str(intake), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json", "--jobs", "2", "-q")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    verdicts = {Path(r["dossier"]).name: r["verdict"] for r in data}
    assert verdicts == {"a_good": "eligible", "b_broken.zip": "incomplete", "c_low": "eligible"}
    broken = next(r for r in data if r["dossier"].endswith("b_broken.zip"))
    assert broken["findings"][0]["severity"] == "error"


@pytest.mark.slow
def test_xlsx_summary_of_all_samples_has_one_row_per_dossier(tmp_path: Path, shared_sample_cache: Path):
    """Through the run's shared sample cache (conftest.py): the batch's workers read what the other
    sample tests read already; the row count is what this test is about."""
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "汇总.xlsx"
    dossiers = [p for p in SAMPLES.iterdir() if p.is_dir() or p.suffix == ".zip"]
    warm_samples(sorted(dossiers))
    res = run(str(SAMPLES), "-j", "national", "--as-of", "2026-03-15", "-f", "xlsx", "-o", str(out), "--jobs", "2", "-q")
    assert res.exit_code == 1
    wb = openpyxl.load_workbook(out)
    summary = wb.worksheets[0]
    assert summary.max_row - 1 == len(dossiers)


def test_output_is_not_overwritten_without_force(tmp_path: Path):
    out = tmp_path / "r.json"
    out.write_text("keep me", encoding="utf-8")
    res = run(str(ELIGIBLE), "-j", "liaoning", "-f", "json", "-o", str(out))
    assert res.exit_code == 2
    assert out.read_text(encoding="utf-8") == "keep me"
    res = run(str(ELIGIBLE), "-j", "liaoning", "-f", "json", "-o", str(out), "--force", "--as-of", "2026-03-15")
    assert res.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"] == "eligible"


def test_a_check_before_the_ruleset_was_in_force_says_so_loudly():
    res = run(str(ELIGIBLE), "-j", "liaoning", "--as-of", "2017-01-01")
    assert "有效期" in res.stdout


def test_the_python_api_returns_the_same_json_as_the_cli():
    from datetime import date

    from pingtai_cli import check_dossier

    result = check_dossier(LOW_ASSETS, "national", as_of=date(2026, 3, 15))
    cli_data = json.loads(run(str(LOW_ASSETS), "-j", "national", "--as-of", "2026-03-15", "-f", "json").stdout)
    api_data = result.to_dict()
    api_data["dossier"] = cli_data["dossier"]
    assert api_data == cli_data


# ---------------------------------------------------------------- a material that does not prove what it is named


def _copy_eligible(tmp_path: Path) -> Path:
    dossier = tmp_path / "卷宗"
    shutil.copytree(ELIGIBLE, dossier)
    return dossier


def _material(doc: dict, key: str) -> dict:
    return next(m for m in doc["materials"] if m["id"] == key)


def test_an_empty_file_named_like_the_licence_is_an_invalid_material(tmp_path: Path):
    dossier = _copy_eligible(tmp_path)
    (dossier / "02营业执照副本.pdf").write_bytes(b"")
    res = run(str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json", "--no-cache")
    doc = json.loads(res.stdout)
    licence = _material(doc, "business_license")
    assert licence["status"] == "invalid" and "0字节" in licence["problems"][0]
    assert doc["verdict"] == "incomplete" and res.exit_code == 1


def test_another_document_under_the_licences_name_is_invalid_and_an_unclear_one_is_for_review(
    tmp_path: Path,
):
    dossier = _copy_eligible(tmp_path)
    shutil.copy(dossier / "审计报告2025.pdf", dossier / "02营业执照副本.pdf")
    doc = json.loads(run(str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json").stdout)
    licence = _material(doc, "business_license")
    assert licence["status"] == "invalid"  # its own first page says 审计报告
    assert "未能从02营业执照副本.pdf中读出统一社会信用代码、单位名称" in licence["problems"][0]
    assert "其内容是“上一年度审计报告”" in licence["problems"][0]
    assert doc["verdict"] == "incomplete"
    # the 公益性服务情况说明 of 其他证明材料 is known by its title too (heilongjiang 第十条（七）)
    shutil.copy(dossier / "08其他证明材料.pdf", dossier / "02营业执照副本.pdf")
    doc = json.loads(run(str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json").stdout)
    licence = _material(doc, "business_license")
    assert licence["status"] == "invalid" and "其内容是“其他证明材料”" in licence["problems"][0]
    # text that says nothing either way (a poor text layer, a note): a person must look
    note = text_pdf([["补充说明", "相关证照复印件已于2026年3月10日另行报送。", "沈阳智联中小企业服务有限公司"]])
    (dossier / "02营业执照副本.pdf").write_bytes(note)
    doc = json.loads(run(str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json").stdout)
    assert _material(doc, "business_license")["status"] == "review"


def test_an_unreadable_file_does_not_spoil_a_material_a_sheet_provides_and_a_limit_is_for_review(
    tmp_path: Path,
):
    dossier = tmp_path / "卷宗"
    shutil.copytree(SAMPLES / "xuchang_unstamped", dossier)
    (dossier / "主要人员名单.doc").write_bytes(b"fake")  # the staff sheet of the workbook is there
    doc = json.loads(run(str(dossier), "-j", "xuchang", "--as-of", "2026-03-15", "-f", "json").stdout)
    assert _material(doc, "staff_list")["status"] == "present"
    licence = next(p for p in dossier.iterdir() if "营业执照" in p.name)
    licence.unlink()
    (dossier / "营业执照.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"0" * 100)  # a format pingtai does not read
    doc = json.loads(run(str(dossier), "-j", "xuchang", "--as-of", "2026-03-15", "-f", "json").stdout)
    assert _material(doc, "business_license")["status"] == "review"


def test_an_audit_report_that_contradicts_the_workbooks_assets_makes_the_dossier_incomplete(
    tmp_path: Path,
):
    from openpyxl import load_workbook

    dossier = _copy_eligible(tmp_path)
    book = dossier / "申请表.xlsx"
    wb = load_workbook(book)
    cell = next(
        c.offset(column=1) for row in wb.worksheets[0].iter_rows() for c in row if c.value == "资产总额"
    )
    cell.value = "900万元"  # the audit report says 320
    wb.save(book)
    doc = json.loads(run(str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json").stdout)
    audit = _material(doc, "audit_report")
    assert audit["status"] == "invalid" and "资产总额不一致" in audit["problems"][-1]
    assert "为“900万元”" in audit["problems"][-1] and "为“320万元”" in audit["problems"][-1]
    assert doc["verdict"] == "incomplete"
    assert any(f["id"] == "consistency.total_assets_mismatch" for f in doc["findings"])


def test_a_dossier_that_cannot_be_read_at_all_is_exit_2_and_says_so_in_json(tmp_path: Path):
    bad = tmp_path / "卷宗.zip"
    bad.write_bytes(b"not a zip at all")
    res = run(str(bad), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json")
    doc = json.loads(res.stdout)
    assert res.exit_code == 2
    assert doc["error"] and doc["findings"][0]["id"] == "dossier.unreadable"
    assert doc["document"] == "《辽宁省中小企业公共服务示范平台认定管理办法》"
    both = run(str(bad), str(ELIGIBLE), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json")
    assert both.exit_code == 1  # one was checked: the unreadable one is a result, not a usage error
    assert [d.get("error") is None for d in json.loads(both.stdout)] == [False, True]


def test_the_output_extension_chooses_the_format_and_a_contradiction_is_refused(tmp_path: Path):
    from openpyxl import load_workbook

    args = (str(ELIGIBLE), "-j", "liaoning", "--as-of", "2026-03-15")
    assert run(*args, "-o", str(tmp_path / "r.xlsx")).exit_code == 0
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0]  # a real workbook, not terminal text
    assert run(*args, "-o", str(tmp_path / "r.json")).exit_code == 0
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["verdict"] == "eligible"
    clash = run(*args, "-f", "json", "-o", str(tmp_path / "r2.xlsx"))
    assert clash.exit_code == 2 and "--format json 与输出文件扩展名" in str(clash.exception)
    assert not (tmp_path / "r2.xlsx").exists()
    assert run(*args, "--jobs", "0").exit_code == 2


def test_an_empty_folder_is_not_a_dossier_and_no_workbook_is_said_first(tmp_path: Path):
    empty = tmp_path / "空"
    empty.mkdir()
    res = run(str(empty), "-j", "liaoning", "--as-of", "2026-03-15")
    assert res.exit_code == 2 and "没有任何文件，不是申报卷宗" in res.output
    pdfs = tmp_path / "只有PDF"
    shutil.copytree(ELIGIBLE, pdfs, ignore=shutil.ignore_patterns("*.xlsx"))
    text = run(str(pdfs), "-j", "liaoning", "--as-of", "2026-03-15").output
    assert text.index("卷宗中没有Excel申请表") < text.index("基本条件")


def test_a_licence_photo_over_the_pixel_limit_is_for_review_not_invalid(tmp_path: Path):
    from PIL import Image

    dossier = _copy_eligible(tmp_path)
    (dossier / "02营业执照副本.pdf").unlink()
    Image.new("RGB", (1500, 1000), "white").save(dossier / "营业执照.png")
    args = (str(dossier), "-j", "liaoning", "--as-of", "2026-03-15", "-f", "json", "--max-megapixels", "1")
    licence = _material(json.loads(run(*args).stdout), "business_license")
    assert licence["status"] == "review" and "超过上限" in licence["problems"][0]


def test_limit_flags_set_their_limits_in_the_limits_units_and_leave_the_others_at_their_defaults():
    from pingtai_cli.cli.commands.check import limits_from
    from pingtai_cli.intake.limits import Limits

    given = {"--max-file-mb": 3, "--max-megapixels": 2, "--max-ocr-pages": 5, "--max-files": None}
    assert limits_from(given) == Limits(max_file_bytes=3 * 2**20, max_pixels=2_000_000, max_ocr_total=5)
    assert limits_from({"--max-pages": None}) is None


@pytest.mark.parametrize(("flag", "most"), [("--max-file-mb", 4096), ("--max-ocr-pages", 1_000_000)])
def test_a_limit_flag_past_its_largest_value_is_refused_with_the_flag_and_its_largest_value(flag: str, most: int):
    res = run(str(ELIGIBLE), "-j", "liaoning", "--as-of", "2026-03-15", flag, str(most + 1))
    assert res.exit_code == 2 and f"{flag} 最大为 {most}，收到 {most + 1}" in str(res.exception)
