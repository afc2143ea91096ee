"""The batch HTML and xlsx a reviewer works from: an index first, key facts, a 材料 matrix, print set-up."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cli_helpers import invoke
from samples import BROKEN_ZIP, cache_dir_env, make_intake

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
AS_OF = "2026-03-15"


@pytest.fixture(scope="module")
def intake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("intake")
    with cache_dir_env(base / "cache"):
        yield make_intake(base / "收件", {
            "a_eligible": "liaoning_eligible",
            "b_low_assets": "national_low_assets",
            "c_eligible_again": "liaoning_eligible",
            "d_broken.zip": BROKEN_ZIP,
        })


@pytest.fixture(scope="module")
def docs(intake: Path) -> list[dict]:
    res = invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "-q")
    return json.loads(res.stdout)


class Page(HTMLParser):
    """Ids, the index's links and rows, and each section's text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.index_text = ""
        self._in_index = False
        self._depth = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        if tag == "section" and a.get("class") == "index":
            self._in_index = True
        if not self._in_index:
            return
        if tag == "a":
            self.links.append(a.get("href") or "")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._in_index = False
        if self._in_index and tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_index:
            self.index_text += data
            if self._cell is not None:
                self._cell.append(data)


def test_batch_html_opens_with_an_index_of_counts_and_linked_rows(intake: Path, docs: list[dict], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-q", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    counts, rows = page.tables
    tally = dict(zip(counts[0], counts[1], strict=True))
    expected = {w: sum(d["verdict"] == v for d in docs) for v, w in
                [("eligible", "符合条件"), ("ineligible", "不符合条件"), ("incomplete", "材料不全"), ("review", "待审核")]}  # fmt: skip
    assert {k: int(tally[k].split("（")[0]) for k in expected} == expected and tally["合计"] == "4"
    assert "其中无法检查 1" in tally["材料不全"]
    assert rows[0] == ["序号", "卷宗", "单位名称", "统一社会信用代码", "结论", "主要差距与待审核事项"]
    body = rows[1:]
    assert [Path(r[1]).name for r in body] == ["a_eligible", "b_low_assets", "c_eligible_again", "d_broken.zip"]
    assert [r[4] for r in body] == [
        {"eligible": "符合条件", "ineligible": "不符合条件", "incomplete": "材料不全", "review": "待审核"}[d["verdict"]]
        + ("（无法检查）" if d.get("error") else "")
        for d in docs
    ]
    assert body[0][3] == docs[0]["facts"]["credit_code"]["value"]
    assert "疑似重复申报" in body[0][5] and "与 c_eligible_again" in body[0][5]
    assert "无法检查" in body[3][5]
    assert page.links == [f"#dossier-{i}" for i in range(1, 5)]
    assert all(link[1:] in page.ids for link in page.links)  # each row reaches its dossier's section
    assert "疑似重复申报 2 份" in page.index_text
    assert "@page { size: A4" in html
    assert "section.index + section.dossier" in html and "break-before: page" in html


def test_batch_xlsx_has_counts_key_facts_a_material_matrix_and_prints_landscape(intake: Path, docs: list[dict], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    invoke("check", str(intake), "-j", "liaoning", "--as-of", AS_OF, "-q", "-o", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "明细", "读法", "材料", "结论统计"]
    summary = wb["汇总"]
    heads = [c.value for c in summary[1]]
    rows = [dict(zip(heads, r, strict=True)) for r in summary.iter_rows(min_row=2, values_only=True)]
    first, low = rows[0], rows[1]
    facts = docs[0]["facts"]
    assert first["统一社会信用代码"] == facts["credit_code"]["value"]
    assert first["资产总额（万元）"] == facts["total_assets"]["value"]
    assert first["年服务中小企业（家）"] == facts["smes_served"]["value"]
    assert first["从业人数（人）"] == facts["staff_total"]["value"]
    fr = docs[0]["functions"]
    assert first["满足的服务功能（满足/需）"].endswith(f"（{fr['met']}/{fr['required']}）")
    assert "与 c_eligible_again" in first["疑似重复申报"] and not low["疑似重复申报"]
    tally = {r[0]: r[1] for r in wb["结论统计"].iter_rows(min_row=2, values_only=True)}
    assert tally["符合条件"] == sum(d["verdict"] == "eligible" for d in docs)
    assert tally["材料不全"] == sum(d["verdict"] == "incomplete" for d in docs)
    assert tally["其中无法检查（计入材料不全）"] == 1 and tally["疑似重复申报"] == 2 and tally["合计"] == 4
    matrix = wb["材料"]
    mheads = [c.value for c in matrix[1]]
    by_row = {Path(r[2]).name: dict(zip(mheads, r, strict=True)) for r in matrix.iter_rows(min_row=2, values_only=True)}
    for d in docs[:3]:
        for m in d["materials"]:
            head = m["name"] if m["required"] else f"{m['name']}（非必需）"
            word = {"present": "已提供", "missing": "缺件" if m["required"] else "未提供（非必需）",
                    "invalid": "无效", "review": "待审核"}[m["status"]]  # fmt: skip
            assert by_row[Path(d["dossier"]).name][head] == word
    assert set(list(by_row["d_broken.zip"].values())[3:]) == {"无法检查"}
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
