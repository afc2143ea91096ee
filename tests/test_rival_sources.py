"""One fact, two places: a condition is never decided on whichever of two disagreeing values was
read first (engine/consistency.py `rivals`, engine/verdict.py `run_rule`).

The dossiers are the committed liaoning_eligible sample (资产总额 320万元 in its 申请表, its
audit report's text layer and its yearly table; 成立日期 2018年6月8日 in the 申请表 and on the
licence; 年服务中小企业数 125家, the 2025 row of its yearly table 125, 2024 108) changed in one
place, as an applicant's slip would change it.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from builders import audit_pdf, dossier, edit_workbook, form_rows, sample_copy, word_form
from cli_helpers import invoke, report_texts
from pingtai_cli.core.models import Evidence, Fact
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import load_ruleset

AS_OF = "2026-03-15"
ORG = "沈阳智联中小企业服务有限公司"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))


def check_json(path: Path, key: str = "liaoning", *extra: str) -> tuple[dict[str, Any], int]:
    res = invoke("check", str(path), "-j", key, "--as-of", AS_OF, "-f", "json", *extra)
    return json.loads(res.stdout), res.exit_code


def condition(doc: dict[str, Any], field: str) -> dict[str, Any]:
    return next(c for c in doc["conditions"] if c["fields"] == [field])


# ---------------------------------------------------------------- A: the 申请表 against a document


def test_a_form_figure_below_the_threshold_that_the_audit_report_contradicts_is_for_review_not_a_failure(tmp_path: Path) -> None:
    """资产总额 60万元 in the 申请表, 320万元 in the audit's text layer: 不符合 on the 60 was a verdict
    resting on one of two contradicting sources, while the rule's own fix says to take the audit's."""
    path = sample_copy(tmp_path / "卷宗", form={"资产总额": "60万元"})
    doc, code = check_json(path)
    assets = condition(doc, "total_assets")
    assert assets["status"] == "review" and doc["verdict"] == "review" and code == 1
    msg = assets["message"]
    assert "申请表（申请表.xlsx 基本信息!" in msg and "为“60万元”" in msg
    assert "审计报告2025.pdf" in msg and "文字层" in msg and "为“320万元”" in msg
    assert "按前者：资产总额 60万元，要求不低于100万元，差 40 万元（不满足）" in msg
    assert "按后者：资产总额 320万元，不低于100万元（满足）" in msg
    assert not any(c["status"] == "fail" for c in doc["conditions"])
    assert any(r.startswith("第十二条（一） 资产总额不低于100万元：资产总额两处不一致") for r in doc["reasons"])
    terminal = invoke("check", str(path), "-j", "liaoning", "--as-of", AS_OF).stdout
    assert "待审核" in terminal.split("\n")[1] and "不符合条件" not in terminal
    assert "按前者" in terminal and "按后者" in terminal and "（满足）" in terminal


def test_an_audit_report_below_the_threshold_that_the_form_contradicts_is_for_review_too(tmp_path: Path) -> None:
    """The reverse (450万元 in the 申请表, 95万元 audited) was 材料不全: the same question, the same answer."""
    path = sample_copy(tmp_path / "卷宗", form={"资产总额": "450万元"}, yearly={(2025, "资产总额"): 450})
    (path / "审计报告2025.pdf").write_bytes(audit_pdf(ORG, 2025, 950_000))
    doc, _ = check_json(path)
    assets = condition(doc, "total_assets")
    assert assets["status"] == "review" and doc["verdict"] == "review"
    assert "按前者：资产总额 450万元，不低于100万元（满足）" in assets["message"]
    assert "按后者：资产总额 95万元，要求不低于100万元，差 5 万元（不满足）" in assets["message"]


def test_a_mismatch_that_changes_no_outcome_is_decided_and_stays_a_consistency_error(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗", form={"资产总额": "330万元"}, yearly={(2025, "资产总额"): 330})
    doc, _ = check_json(path)
    assert condition(doc, "total_assets")["status"] == "pass"
    assert any(f["id"] == "consistency.total_assets_mismatch" and f["severity"] == "error" for f in doc["findings"])
    assert next(m for m in doc["materials"] if m["id"] == "audit_report")["status"] == "invalid"
    assert doc["verdict"] == "incomplete"


def test_a_registration_date_the_licence_contradicts_leaves_operating_years_for_review(tmp_path: Path) -> None:
    """成立日期 2024年3月16日 typed, 2018年6月8日 on the licence: 1.99 years failed 运营两年以上."""
    path = sample_copy(tmp_path / "卷宗", form={"成立日期": "2024年3月16日"})
    doc, _ = check_json(path)
    years = condition(doc, "operating_years")
    assert years["status"] == "review" and doc["verdict"] == "review"
    assert "为“2024-03-16”" in years["message"] and "02营业执照副本.pdf" in years["message"] and "为“2018-06-08”" in years["message"]
    assert "运营年限 1.99年，要求不低于2年，差 0.01 年（不满足）" in years["message"]
    assert "运营年限 7.76年，不低于2年（满足）" in years["message"]


def test_a_word_application_form_below_the_threshold_against_the_audit_report_is_for_review(tmp_path: Path) -> None:
    """No workbook: the 申请表 is the table of a Word 申请报告 (w05); the same rule holds."""
    src = sample_copy(tmp_path / "原卷宗")
    path = tmp_path / "卷宗"
    shutil.copytree(src, path, ignore=shutil.ignore_patterns("*.xlsx", "01申请报告.docx"))
    rows = [[cell if cell != "320万元" else "60万元" for cell in r] for r in form_rows(src / "申请表.xlsx")]
    (path / "01申请报告.docx").write_bytes(word_form(rows))
    doc, _ = check_json(path)
    assets = condition(doc, "total_assets")
    assert assets["status"] == "review", assets["message"]
    assert "申请表（01申请报告.docx 表1!" in assets["message"] and "审计报告2025.pdf" in assets["message"]
    assert "（不满足）" in assets["message"] and "（满足）" in assets["message"]


def test_every_format_says_both_values_and_both_outcomes(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗", form={"资产总额": "60万元"})
    for name, text in report_texts(tmp_path, str(path), "-j", "liaoning", "--as-of", AS_OF).items():
        assert "资产总额两处不一致" in text and "按前者" in text and "按后者" in text and "320万元" in text, name


# ---------------------------------------------------------------- a ruleset that says which document governs


GOVERNED = """\
key: liaoning-audited
name: 辽宁省（资产以审计报告为准）
extends: liaoning
governing:
  - fact: total_assets
    material: audit_report
    article: 第十七条（三）
    quote: 上一年度审计报告及服务收支情况的专项审计报告
    source: 某年度申报通知（示例）
    note: 资产总额以上一年度审计报告的资产总计为准
"""


def test_a_governing_document_read_from_its_text_layer_decides_and_the_form_is_to_be_corrected(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "liaoning-audited.yaml").write_text(GOVERNED, encoding="utf-8")
    path = sample_copy(tmp_path / "卷宗", form={"资产总额": "60万元"}, yearly={(2025, "资产总额"): 60})
    doc, _ = check_json(path, "liaoning-audited", "--rulesets-dir", str(rules))
    assets = condition(doc, "total_assets")
    assert assets["status"] == "pass" and assets["actual"] == 320
    assert "以审计报告2025.pdf所载为准" in assets["message"] and "须更正" in assets["message"]
    assert any(f["id"] == "consistency.total_assets_governed" for f in doc["findings"])
    assert next(m for m in doc["materials"] if m["id"] == "audit_report")["status"] == "present"
    assert doc["verdict"] == "eligible", doc["reasons"]


def test_a_governing_document_read_by_ocr_decides_nothing_alone(tmp_path: Path) -> None:
    (tmp_path / "liaoning-audited.yaml").write_text(GOVERNED, encoding="utf-8")
    rs = load_ruleset("liaoning-audited", tmp_path)
    assert [(g.fact, g.material) for g in rs.governing] == [("total_assets", "audit_report")]
    assert load_ruleset("liaoning").governing == []  # no shipped text says which source governs
    d = dossier({"total_assets": 60.0})
    audit = next(f for f in d.files if f.material_keys == ["audit_report"])
    audit.facts["total_assets"] = Fact("total_assets", 320.0, "万元", Evidence(audit.path, page=2, how="ocr"))
    result = evaluate(d, rs, date(2026, 3, 15))
    assets = next(c for c in result.conditions if c.fields == ["total_assets"])
    assert assets.status == "review" and "OCR识别" in assets.message and "按后者" in assets.message


def test_an_unknown_fact_in_governing_is_refused_with_the_file(tmp_path: Path) -> None:
    from pingtai_cli.core.errors import RulesetError

    (tmp_path / "liaoning-audited.yaml").write_text(GOVERNED.replace("fact: total_assets", "fact: assets_total"), encoding="utf-8")
    with pytest.raises(RulesetError) as err:
        load_ruleset("liaoning-audited", tmp_path)
    assert any("governing[0].fact" in p and "assets_total" in p for p in err.value.problems), str(err.value)


# ---------------------------------------------------------------- B: the 申请表 against its own yearly table


def test_a_form_count_the_same_years_row_contradicts_is_a_finding_and_leaves_both_conditions_for_review(tmp_path: Path) -> None:
    """年服务中小企业数 125家 in the form, 70 in the 2025 row (2024: 108): 近两年稳步增长 failed on
    the row, 年服务 passed on the form, and nothing said that they disagree."""
    path = sample_copy(tmp_path / "卷宗", yearly={(2025, "服务中小企业数"): 70})
    doc, code = check_json(path)
    served, growth = condition(doc, "smes_served"), condition(doc, "smes_growth")
    assert (served["status"], growth["status"], doc["verdict"], code) == ("review", "review", "review", 1)
    assert "为“125家”" in growth["message"] and "运营情况表 2025 年（申请表.xlsx 运营情况!" in growth["message"]
    assert "为“70家”" in growth["message"] and "（满足）" in growth["message"] and "（不满足）" in growth["message"]
    finding = next(f for f in doc["findings"] if f["id"] == "consistency.smes_served_yearly")
    assert "125家" in finding["message"] and "70家" in finding["message"] and "2025 年" in finding["message"]


def test_a_form_count_a_little_off_its_row_changes_no_outcome_and_is_a_warning(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗", yearly={(2025, "服务中小企业数"): 124})
    doc, code = check_json(path)
    assert condition(doc, "smes_served")["status"] == "pass" and condition(doc, "smes_growth")["status"] == "pass"
    assert any(f["id"] == "consistency.smes_served_yearly" and f["severity"] == "warning" for f in doc["findings"])
    assert doc["verdict"] == "eligible" and code == 0


# ---------------------------------------------------------------- C: two workbooks that both read as the 申请表


def test_two_application_workbooks_that_differ_are_never_eligible(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗")
    shutil.copy(path / "申请表.xlsx", path / "申请表（修改版）.xlsx")
    edit_workbook(path / "申请表（修改版）.xlsx", form={"资产总额": "60万元"}, yearly={(2024, "服务中小企业数"): 130})
    doc, code = check_json(path)
    assert doc["verdict"] == "review" and code == 1
    finding = next(f for f in doc["findings"] if f["id"] == "consistency.application_forms_differ")
    assert finding["severity"] == "error" and set(finding["files"]) == {"申请表.xlsx", "申请表（修改版）.xlsx"}
    assert "资产总额：前者“320万元”，后者“60万元”" in finding["message"]
    assert "运营情况表 2024 年服务中小企业数：前者“108家”，后者“130家”" in finding["message"]
    assert condition(doc, "total_assets")["status"] == "review"
    assert any("卷宗中有两份申请表" in r for r in doc["reasons"])


def test_two_workbooks_that_differ_only_where_no_outcome_changes_are_still_for_review(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗")
    shutil.copy(path / "申请表.xlsx", path / "申请表（修改版）.xlsx")
    edit_workbook(path / "申请表（修改版）.xlsx", form={"联系电话": "024-23456789"})
    doc, _ = check_json(path)
    assert all(c["status"] != "review" for c in doc["conditions"] if c["fields"] == ["total_assets"])
    assert doc["verdict"] == "review"
    assert "联系电话：前者“024-23456781”，后者“024-23456789”" in next(
        f["message"] for f in doc["findings"] if f["id"] == "consistency.application_forms_differ")


def test_a_second_application_workbook_that_cannot_be_read_is_a_finding_and_never_eligible(tmp_path: Path) -> None:
    """A truncated 申请表（修改版）.xlsx was listed as a 申请表 with no error, and the dossier 符合条件."""
    path = sample_copy(tmp_path / "卷宗")
    (path / "申请表（修改版）.xlsx").write_bytes((path / "申请表.xlsx").read_bytes()[:3000])
    (path / "设备清单.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    doc, code = check_json(path)
    assert doc["verdict"] == "review" and code == 1
    broken = {f["path"]: f.get("error") for f in doc["files"]}
    assert broken["申请表（修改版）.xlsx"] and broken["设备清单.xlsx"] and not broken["申请表.xlsx"]
    assert any(f["id"] == "file.unreadable" and "设备清单.xlsx" in f["message"] for f in doc["findings"])
    differ = [f for f in doc["findings"] if f["id"] == "consistency.application_forms_differ"]
    assert [f["files"] for f in differ] == [["申请表.xlsx", "申请表（修改版）.xlsx"]]  # not the list workbook
    assert "无法读取" in differ[0]["message"]


def test_an_identical_second_workbook_and_a_list_workbook_change_nothing(tmp_path: Path) -> None:
    path = sample_copy(tmp_path / "卷宗")
    shutil.copy(path / "申请表.xlsx", path / "申请表（备份）.xlsx")
    doc, code = check_json(path)
    assert doc["verdict"] == "eligible" and code == 0
    assert not any(f["id"] == "consistency.application_forms_differ" for f in doc["findings"])


def _word_form_with_line(tmp_path: Path, line: str) -> Path:
    """The liaoning_word_only sample (eligible; its 申请表.docx table says 年服务中小企业数 130家) with
    one more paragraph under the table of its 申请表.docx."""
    import docx

    path = tmp_path / "卷宗"
    shutil.copytree(Path(__file__).resolve().parents[1] / "sample_dossiers" / "liaoning_word_only", path)
    document = docx.Document(str(path / "申请表.docx"))
    document.add_paragraph(line)
    document.save(str(path / "申请表.docx"))
    return path


def test_a_word_forms_paragraph_that_contradicts_its_table_leaves_the_condition_for_review(tmp_path: Path) -> None:
    """年服务中小企业数 130家 in the table, 年服务中小企业数：60家 in a line of the same 申请表.docx: the
    dossier was 符合条件 on the table's figure, with a warning, while the same two figures in two
    files leave the condition for review."""
    doc, _ = check_json(_word_form_with_line(tmp_path, "年服务中小企业数：60家"))
    served = condition(doc, "smes_served")
    assert served["status"] == "review" and doc["verdict"] == "review", served["message"]
    assert "申请表.docx 表1!" in served["message"] and "正文第" in served["message"]
    assert "（满足）" in served["message"] and "（不满足）" in served["message"]


def test_a_word_forms_paragraph_that_differs_without_changing_the_outcome_decides_nothing_new(tmp_path: Path) -> None:
    doc, _ = check_json(_word_form_with_line(tmp_path, "年服务中小企业数：128家"))
    assert condition(doc, "smes_served")["status"] == "pass"
    assert any(f["id"] == "read.conflicting_values" for f in doc["findings"])
