"""Rendered forms kept in the extraction cache (outputs/forms/stored.py): a run renders only what
changed since a run before, writes the same forms it would render, and a bad entry, another
template or library, or --no-cache, renders again."""

from __future__ import annotations

import json
import pickle
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from markupsafe import Markup
from openpyxl import Workbook

from cli_helpers import invoke
from samples import make_intake

AS_OF = "2026-03-15"


@pytest.fixture
def counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file each render appends a line to, in this process and in the workers it forks."""
    from pingtai_cli.outputs.forms import render

    log = tmp_path / "renders.log"
    log.touch()
    real = render.render_form

    def rendering(template, context, *a, **kw):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{Path(template).name} {context.get('dossier_name', '')}\n")
        return real(template, context, *a, **kw)

    monkeypatch.setattr(render, "render_form", rendering)
    return log


def renders(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("", encoding="utf-8")
    return lines


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(path))
    return path


def fill(intake: Path, out: Path, *extra: str) -> None:
    res = invoke(
        "fill-forms", str(intake), "-j", "xuchang", "--as-of", AS_OF, "-o", str(out), "-q", "--force", *extra
    )
    assert res.exit_code == 0, (res.output, res.exception)


def members(folder: Path) -> dict[str, dict[str, bytes]]:
    """Every file under `folder` as its zip members (a .docx, an .xlsx): what a reader sees."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            with zipfile.ZipFile(p) as zf:
                out[p.relative_to(folder).as_posix()] = {n: zf.read(n) for n in zf.namelist()}
    return out


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "forms").rglob("*.json"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_second_run_renders_nothing_and_writes_the_forms_the_first_rendered(
    tmp_path: Path, cache: Path, counted: Path, jobs: str
) -> None:
    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_comprehensive", "乙": "xuchang_unstamped", "丙": "xuchang_comprehensive"})
    fill(intake, tmp_path / "first", "--jobs", jobs)
    first = renders(counted)
    assert "review_opinion.docx 甲" in first and entries(cache)
    fill(intake, tmp_path / "again", "--jobs", jobs)
    assert renders(counted) == []
    assert members(tmp_path / "again") == members(tmp_path / "first")
    assert any(name.endswith(".xlsx") for name in members(tmp_path / "again"))  # the summary's, kept too


def test_a_changed_dossier_renders_its_own_forms_and_the_summary_again(
    tmp_path: Path, cache: Path, counted: Path
) -> None:
    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_comprehensive", "乙": "xuchang_unstamped"})
    fill(intake, tmp_path / "first")
    renders(counted)
    book = next((intake / "乙").glob("*.xlsx"))
    wb = Workbook()  # 乙's 申请表 replaced: another applicant's name and code
    wb.active.append(["项目", "内容"])
    wb.active.append(["申报单位名称", "丙市企业服务中心有限公司"])
    wb.save(book)
    fill(intake, tmp_path / "again")
    again = renders(counted)
    own = sorted(f"{p.name} 乙" for p in (tmp_path / "again" / "乙").glob("*.docx"))
    assert len(own) == 4 and not any(line.endswith(" 甲") for line in again)  # 甲's are as they were
    assert sorted(line for line in again if line.endswith(" 乙")) == sorted(
        f"{t} 乙" for t in ("recommendation_form.docx", "application_report.docx", "authenticity_declaration.docx", "review_opinion.docx")
    ) and len(again) == 5  # and the summary
    text = "\n".join(p.text for p in Document(str(tmp_path / "again" / "甲" / "审核意见表.docx")).paragraphs)
    assert text == "\n".join(p.text for p in Document(str(tmp_path / "first" / "甲" / "审核意见表.docx")).paragraphs)
    assert members(tmp_path / "again")["乙/审核意见表.docx"] != members(tmp_path / "first")["乙/审核意见表.docx"]


def test_no_cache_neither_reads_nor_keeps_forms(tmp_path: Path, cache: Path, counted: Path) -> None:
    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_comprehensive"})
    fill(intake, tmp_path / "off", "--no-cache")
    assert renders(counted) and not entries(cache)
    fill(intake, tmp_path / "on")
    kept = renders(counted)
    fill(intake, tmp_path / "off2", "--no-cache")
    assert renders(counted) == kept  # rendered again, although the cache holds them


BAD_ENTRIES = {
    "torn": "not json",
    "blanks-not-a-list": json.dumps({"blanks": "x", "docx": "UEsDBA==", "xlsx": None}),
    "not-a-zip": json.dumps({"blanks": [], "docx": "bm90IGEgemlw", "xlsx": None}),  # base64 of no zip
    "not-base64": json.dumps({"blanks": [], "docx": "%%%", "xlsx": None}),
    "not-a-dict": json.dumps(["a list"]),
}


def test_a_bad_entry_is_a_miss_and_the_form_is_rendered_again(tmp_path: Path, cache: Path, counted: Path) -> None:
    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_comprehensive"})
    fill(intake, tmp_path / "first")
    first = renders(counted)
    for kind, bad in BAD_ENTRIES.items():  # each run keeps good entries again: spoil them anew
        for entry in entries(cache):
            entry.write_text(bad, encoding="utf-8")
        fill(intake, tmp_path / kind)
        assert sorted(renders(counted)) == sorted(first), kind
        assert members(tmp_path / kind) == members(tmp_path / "first"), kind


def test_another_library_version_or_template_misses(
    tmp_path: Path, cache: Path, counted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.outputs.forms import render

    intake = make_intake(tmp_path / "收件", {"甲": "xuchang_comprehensive"})
    fill(intake, tmp_path / "first")
    first = renders(counted)
    with monkeypatch.context() as m:  # docxtpl, python-docx, Jinja... installed anew
        m.setattr(render, "library_stamp", lambda: "docxtpl=another version")
        fill(intake, tmp_path / "upgraded")
    assert sorted(renders(counted)) == sorted(first)
    templates = tmp_path / "templates"
    (templates / "_common").mkdir(parents=True)
    doc = Document()  # the bureau's own 审核意见表, filled from the same context
    doc.add_paragraph("审核意见：{{ org_name }} {{ verdict_word }}")
    doc.save(str(templates / "_common" / "review_opinion.docx"))
    fill(intake, tmp_path / "own", "--template-dir", str(templates))
    assert renders(counted) == ["review_opinion.docx 甲"]  # the only template that changed
    assert Document(str(tmp_path / "own" / "甲" / "审核意见表.docx")).paragraphs[0].text.startswith("审核意见：")


def test_canonical_tells_apart_what_renders_apart_and_survives_a_process_crossing() -> None:
    from pingtai_cli.outputs.forms.stored import canonical

    shared = "同一个字符串"
    value = {"a": [shared, shared, 1, 1.0, True, None, ("x",), date(2026, 3, 15)], "b": {"k": shared}}
    assert canonical(value) == canonical(pickle.loads(pickle.dumps(value)))
    assert canonical([shared, shared]) == canonical([shared, "同一个" + "字符串"])  # one object or two
    pairs = [([1], [True]), ([1], [1.0]), (["x"], [("x",)]), ({"a": 1, "b": 2}, {"b": 2, "a": 1}), (["ab"], ["a", "b"])]
    for one, other in pairs:
        assert canonical(one) != canonical(other), (one, other)
    assert canonical({"s": "a;b"}) != canonical({"s": "a", "t": "b"})
    for odd in ({"m": Markup("<b>粗体</b>")}, {"o": object()}, {"p": Path("x")}):
        with pytest.raises(TypeError):
            canonical(odd)
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueError):
        canonical(looped)
