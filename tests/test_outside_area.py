"""An applicant outside the text's area is never 符合条件 under it, and never 不符合 on an inference.

liaoning_eligible is a 沈阳 company (credit code 210102…, 所在地区 辽宁省沈阳市和平区) that meets
every condition of liaoning and of heilongjiang's lower thresholds. Heilongjiang 第九条 and
shaoguan 第十条 give the recommendation of 辖区内/本地 platforms to their local authorities
(HL-A01, SG-A01); xuchang 第七条（一） makes 在我市注册登记 a basic condition (XC-B01). The place
is read from the credit code and the address the applicant typed: an inference, so `review`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from builders import sample_copy
from cli_helpers import invoke, report_texts

AS_OF = "2026-03-15"
SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"
ELIGIBLE = SAMPLES / "liaoning_eligible"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path / "cache"))


def check_json(path: Path, key: str) -> tuple[dict[str, Any], int]:
    res = invoke("check", str(path), "-j", key, "--as-of", AS_OF, "-f", "json")
    return json.loads(res.stdout), res.exit_code


def test_a_liaoning_applicant_checked_under_heilongjiang_is_for_review_with_both_outcomes() -> None:
    doc, code = check_json(ELIGIBLE, "heilongjiang")
    assert doc["verdict"] == "review" and code == 1  # was 符合条件, exit 0, with a warning only
    area = next(c for c in doc["conditions"] if c["id"] == "HL-A01")
    assert area["status"] == "review" and area["article"] == "第九条" and area["fields"] == ["registered_area"]
    msg = area["message"]
    assert "210102（辽宁省沈阳市和平区）" in msg and "所在地区“辽宁省沈阳市和平区”" in msg
    assert "若确在本地区以外注册登记，不满足“在黑龙江省辖区内”（第九条），不能在本地区认定，结论为“不符合条件”" in msg
    assert msg.endswith("其余各项的结论为“符合条件”。")
    assert any(r.startswith("第九条 在黑龙江省辖区内：") for r in doc["reasons"])
    terminal = invoke("check", str(ELIGIBLE), "-j", "heilongjiang", "--as-of", AS_OF).stdout
    assert "结论： 待审核" in terminal and "在黑龙江省辖区内" in terminal and "其余各项的结论为“符合条件”" in terminal


def test_compare_says_what_check_says_for_the_same_dossier() -> None:
    res = invoke("compare-jurisdictions", "--dossier", str(ELIGIBLE), "--as-of", AS_OF, "-f", "json")
    cells = next(r for r in json.loads(res.stdout)["rows"] if r["id"] == "dossier_verdict")["cells"]
    for key in ("heilongjiang", "shaoguan", "xuchang"):
        doc, _ = check_json(ELIGIBLE, key)
        assert doc["verdict"] != "eligible", key
        terminal = invoke("check", str(ELIGIBLE), "-j", key, "--as-of", AS_OF).stdout
        word = re.search(r"结论：\s*(\S+)", terminal)[1]  # type: ignore[index]
        assert cells[key]["text"] == f"{word}（注册地不在本地区，需核实）", key
    assert cells["liaoning"]["text"] == "符合条件"


def test_the_area_condition_is_not_listed_for_an_applicant_inside_the_area() -> None:
    doc, code = check_json(ELIGIBLE, "liaoning")
    assert doc["verdict"] == "eligible" and code == 0
    assert not any(c["id"] == "LN-A01" for c in doc["conditions"])


def test_a_city_text_that_makes_registration_a_condition_leaves_an_inferred_outsider_for_review() -> None:
    """xuchang XC-B01 在我市注册登记: a 沈阳 company was 不符合条件 on its credit code and address."""
    doc, _ = check_json(ELIGIBLE, "xuchang")
    area = next(c for c in doc["conditions"] if c["id"] == "XC-B01")
    assert area["status"] == "review" and "不满足“在许昌市注册登记”" in area["message"]
    assert "请评审人员核对营业执照的登记机关和住所后确定" in area["message"]
    assert "其余各项的结论为“" in area["message"]
    assert doc["verdict"] != "eligible"


def test_a_credit_code_and_an_address_that_disagree_on_the_province_are_for_review(tmp_path: Path) -> None:
    """A 沈阳 credit code with 所在地区 and 注册地址 in 哈尔滨: under heilongjiang the place is in
    doubt, so the area condition is listed (conflict) and the verdict is not eligible."""
    path = sample_copy(tmp_path / "卷宗", form={"所在地区": "黑龙江省哈尔滨市南岗区", "注册地址": "黑龙江省哈尔滨市南岗区红军街15号"})
    doc, _ = check_json(path, "heilongjiang")
    area = next(c for c in doc["conditions"] if c["id"] == "HL-A01")
    assert area["status"] == "review" and "不一致" in area["message"]
    assert doc["verdict"] == "review"


def test_every_format_names_the_area_question(tmp_path: Path) -> None:
    for name, text in report_texts(tmp_path, str(ELIGIBLE), "-j", "shaoguan", "--as-of", AS_OF).items():
        assert "在韶关市辖区内" in text and "不能在本地区认定" in text and "其余各项的结论为" in text, name
