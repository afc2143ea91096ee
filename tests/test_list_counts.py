"""Counts the 申请表 does not state, read from a list PDF: evidence for the reviewer, not a decision."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from pingtai_cli.api import check_dossier

SAMPLES = Path(__file__).resolve().parents[1] / "sample_dossiers"


def test_a_staff_list_pdf_gives_the_count_the_form_lacks_for_review(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for name in ("02营业执照.pdf", "06审计报告2025.pdf", "09人员名单.pdf"):  # no 申请表 at all
        shutil.copy(SAMPLES / "xuchang_comprehensive" / name, folder / name)
    for jurisdiction, outcome in (("xuchang", "已达到"), ("national", "未达到")):
        result = check_dossier(folder, jurisdiction, as_of=date(2026, 6, 1), use_cache=False)
        (staff,) = [c for c in result.conditions if c.fields == ["staff_total"]]
        assert staff.status == "review"  # the list may be partial: neither met nor failed by it
        assert "人员名单列出 9 人" in staff.message and "09人员名单.pdf 第1页表1" in staff.message
        assert outcome in staff.message
        assert [e.file for e in staff.evidence] == ["09人员名单.pdf"] and staff.evidence[0].how == "text"
