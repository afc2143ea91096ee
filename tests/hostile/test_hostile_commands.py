"""Every command over the whole hostile corpus: no traceback, the spec's exit codes, inputs untouched.

In-process runs go through CliRunner with one shared read per dossier
(`read_once`); a few runs per command go through the real entry point in a
subprocess, with a private TMPDIR that must be empty afterwards.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hostile_corpus import DOSSIER_NAMES, FOLDER_NAMES, HOSTILE_TEXTS, Corpus
from hostile_helpers import AS_OF, Run, invoke, leftovers, run_main

from pingtai_cli.outputs.report.json import load_schema

FORMULA_STARTS = ("=", "+", "-", "@")
CHECK_FORMATS = ["terminal", "json", "jsonl", "markdown", "html", "xlsx"]
HOSTILE_DOSSIER = "wb_hostile_text"
EVIL_DOSSIER = FOLDER_NAMES["evil_name"]


def check(*args: str | Path) -> Run:
    return invoke("check", *args, "--jurisdiction", "liaoning", "--as-of", AS_OF).clean()


def validate(doc: Any) -> None:
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(load_schema()).iter_errors(doc))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def all_cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def assert_no_formula(path: Path) -> None:
    """A bureau opening the workbook runs nothing an applicant typed."""
    for cell in all_cells(path):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), (cell.coordinate, cell.value[:80])


def test_the_intake_holds_every_dossier_of_the_corpus(corpus: Corpus) -> None:
    assert [p.name for p in corpus.dossiers()] == DOSSIER_NAMES


# ---------------------------------------------------------------------------
# check, one dossier at a time


@pytest.mark.usefixtures("read_once", "untouched")
@pytest.mark.parametrize("name", DOSSIER_NAMES)
def test_check_gives_valid_json_and_exit_1_for_every_hostile_dossier(
    corpus: Corpus, name: str
) -> None:
    run = check(corpus.intake / name, "--format", "json")
    unreadable = name == "broken.zip"  # nothing could be checked: exit 2 (spec §3)
    assert run.code == (2 if unreadable else 1), run.text[-2000:]
    doc = json.loads(run.stdout)
    validate(doc)
    assert doc["verdict"] != "eligible"
    if name == "broken.zip":
        assert "压缩包已损坏" in doc["findings"][0]["message"]


# ---------------------------------------------------------------------------
# check, the whole intake in every format


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.mark.usefixtures("read_once", "untouched")
@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_check_renders_the_whole_intake_in_every_format_with_hostile_text_inert(
    corpus: Corpus, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"report.{fmt}"
    args = ["--format", fmt, "--verbose", "--quiet"]
    run = check(corpus.intake, *args, *([] if fmt == "terminal" else ["--output", out]))
    assert run.code == 1
    if fmt == "terminal":
        text = run.stdout
        assert "\x1b" not in text and "\u202e" not in text and "\x00" not in text
        return
    assert sorted(os.listdir(tmp_path)) == [out.name]  # no temp file left beside it
    if fmt == "xlsx":
        assert_no_formula(out)
        return
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        doc = json.loads(text)
        validate(doc)
        assert len(doc) == len(DOSSIER_NAMES)
    elif fmt == "jsonl":
        assert len(text.splitlines()) == len(DOSSIER_NAMES)
    elif fmt == "html":
        parser = _Tags()
        parser.feed(text)
        assert "script" not in {tag for tag, _ in parser.tags}
        hrefs = [v for _, attrs in parser.tags for k, v in attrs if k in ("href", "src")]
        assert not any(v and ("http" in v or "javascript" in v) for v in hrefs)
        assert "&lt;script&gt;" in text and "{{ 7*7 }}" in text  # shown, not run, not rendered
    elif fmt == "markdown":
        assert "<script>" not in text


@pytest.mark.slow
@pytest.mark.usefixtures("untouched")
def test_check_batch_over_the_corpus_in_two_processes_ends_with_exit_1_and_no_traceback(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    out = tmp_path / "batch.json"
    run = run_main(
        "check",
        corpus.intake,
        "-j",
        "liaoning",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
        "--format",
        "json",
        "--output",
        out,
        private=private_dirs,
    ).clean()
    assert run.code == 1, run.stderr[-2000:]
    doc = json.loads(out.read_text(encoding="utf-8"))
    validate(doc)
    by_name = {Path(d["dossier"]).name: d for d in doc}
    assert sorted(by_name) == DOSSIER_NAMES
    assert by_name["broken.zip"]["verdict"] == "incomplete"
    assert by_name["files"]["org_name"] and by_name["wb_million_rows"]["org_name"]
    assert os.listdir(tmp_path) == [out.name]
    assert leftovers(private_dirs["tmp"], private_dirs["cache"]) == []


@pytest.mark.slow
def test_check_exit_codes_are_2_only_for_the_commands_own_failures(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    good = ("--jurisdiction", "liaoning", "--as-of", AS_OF)
    assert run_main("check", corpus.files, *good, private=private_dirs).clean().code == 1
    # spec §3: an unreadable path is exit 2 when it is all there was to check; beside a
    # readable dossier it is that dossier's error result and the batch's code is 1
    alone = run_main("check", corpus.broken_zip, *good, private=private_dirs).clean()
    assert alone.code == 2 and "无法检查" in alone.stdout
    beside = run_main("check", corpus.broken_zip, corpus.files, *good, private=private_dirs)
    assert beside.clean().code == 1
    missing = run_main("check", tmp_path / "nope", *good, private=private_dirs).clean()
    assert missing.code == 2 and "路径不存在" in missing.stderr
    unknown = run_main("check", corpus.files, "-j", "atlantis", private=private_dirs).clean()
    assert unknown.code == 2
    too_long = run_main("check", tmp_path / ("名" * 100), *good, private=private_dirs).clean()
    assert too_long.code == 2 and "文件名或路径过长" in too_long.stderr


# ---------------------------------------------------------------------------
# fill-forms


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.usefixtures("read_once", "untouched")
def test_fill_forms_over_the_corpus_fills_the_readable_and_names_the_broken(
    corpus: Corpus, tmp_path: Path
) -> None:
    out = tmp_path / "work" / "out"
    run = invoke("fill-forms", *corpus.dossiers(), "-j", "xuchang", "--out", out, "--include-all").clean()
    assert run.code == 1 and "跳过无法读取的卷宗" in run.stderr and "broken.zip" in run.stderr
    assert "【wb_empty】申请表“申请表.xlsx”无法读取" in run.stderr
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written and all(p.resolve().is_relative_to(out.resolve()) for p in written)
    assert sorted(os.listdir(tmp_path)) == ["work"] and os.listdir(tmp_path / "work") == ["out"]
    assert leftovers(out) == []
    folders = {p.name for p in out.iterdir() if p.is_dir()}
    assert len(folders) == len(DOSSIER_NAMES) - 1  # all but the broken zip
    assert all(".." not in f and "\\" not in f and "|" not in f for f in folders)
    texts = "".join(docx_text(p) for p in (out / HOSTILE_DOSSIER).glob("*.docx"))
    assert HOSTILE_TEXTS["website"] in texts and HOSTILE_TEXTS["org_name"] in texts  # literal
    assert_no_formula(out / "申报汇总表.xlsx")
    again = invoke("fill-forms", corpus.files, "-j", "xuchang", "--out", out).clean()
    assert again.code == 2 and "已存在" in again.stderr


@pytest.mark.slow
@pytest.mark.usefixtures("untouched")
def test_fill_forms_as_a_subprocess_keeps_outputs_inside_out_and_leaves_no_temp(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    out = tmp_path / "out"
    dossiers = [corpus.workbooks["evil_name"], corpus.workbooks["hostile_text"], corpus.names_zip]
    run = run_main(
        "fill-forms", *dossiers, "-j", "heilongjiang", "--out", out, private=private_dirs
    )
    assert run.clean().code == 0, run.stderr[-2000:]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))
    assert not (tmp_path / "evil").exists() and os.listdir(tmp_path) == ["out"]
    assert leftovers(out, private_dirs["tmp"], private_dirs["cache"]) == []


# ---------------------------------------------------------------------------
# init

ODD_TARGETS = ["=cmd|' -C calc'!A0", "-rf --force", "line\nbreak", "rtl\u202eexe.txt", "名" * 80]


@pytest.mark.parametrize("name", ODD_TARGETS, ids=range(len(ODD_TARGETS)))
def test_init_into_an_odd_name_writes_its_three_files_there_and_nowhere_else(
    tmp_path: Path, name: str
) -> None:
    run = invoke("init", tmp_path / name, "-j", "xuchang", "--as-of", AS_OF).clean()
    assert run.code == 0
    assert os.listdir(tmp_path) == [name]
    assert sorted(os.listdir(tmp_path / name)) == sorted(
        ["README.txt", "材料清单.md", "申请表.xlsx"]
    )
    assert leftovers(tmp_path) == []
    assert_no_formula(tmp_path / name / "申请表.xlsx")


@pytest.mark.usefixtures("untouched")
def test_init_refuses_a_dossier_a_zip_a_path_through_a_file_and_a_too_long_name(
    corpus: Corpus, tmp_path: Path
) -> None:
    for target in (
        corpus.files,
        corpus.names_zip,
        corpus.names_zip / "sub",
        tmp_path / ("名" * 90),
    ):
        run = invoke("init", target, "-j", "liaoning", "--as-of", AS_OF).clean()
        assert run.code == 2 and "错误" in run.stderr, (target, run.text)


@pytest.mark.slow
def test_init_as_a_subprocess_reports_a_refused_path_in_chinese(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    made = run_main("init", tmp_path / "=cmd|' /C calc'!A0", "-j", "liaoning", private=private_dirs)
    assert made.clean().code == 0
    refused = run_main("init", tmp_path / ("名" * 90), "-j", "liaoning", private=private_dirs)
    assert refused.clean().code == 2 and "文件名或路径过长" in refused.stderr


# ---------------------------------------------------------------------------
# compare-jurisdictions --dossier


@pytest.mark.usefixtures("read_once", "untouched")
@pytest.mark.parametrize("name", DOSSIER_NAMES)
def test_compare_with_every_hostile_dossier_gives_a_verdict_per_jurisdiction(
    corpus: Corpus, name: str
) -> None:
    run = invoke(
        "compare-jurisdictions",
        "--dossier",
        corpus.intake / name,
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ).clean()
    assert run.code == 0
    # The stderr summary names every jurisdiction with a full-width colon,
    # then its verdict in words (or the gaps that make it one).
    summary = run.stderr.strip().splitlines()[-1]
    parts = dict(part.split("：", 1) for part in summary.split(" | "))
    assert set(parts) == {"national", "liaoning", "heilongjiang", "xuchang", "shaoguan"}
    assert all(parts.values())
    json.loads(run.stdout)


@pytest.mark.usefixtures("read_once", "untouched")
def test_compare_csv_and_xlsx_of_a_hostile_dossier_are_inert(
    corpus: Corpus, tmp_path: Path
) -> None:
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"cmp.{fmt}"
        run = invoke(
            "compare-jurisdictions",
            "--dossier",
            corpus.workbooks["hostile_text"],
            "--format",
            fmt,
            "--output",
            out,
        ).clean()
        assert run.code == 0
    assert_no_formula(tmp_path / "cmp.xlsx")
    import csv

    with (tmp_path / "cmp.csv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            assert not any(v.startswith(FORMULA_STARTS) for v in row), row


@pytest.mark.slow
@pytest.mark.usefixtures("untouched")
def test_compare_as_a_subprocess_over_the_bad_files(
    corpus: Corpus, private_dirs: dict[str, Path]
) -> None:
    run = run_main(
        "compare-jurisdictions",
        "--dossier",
        corpus.files,
        "--format",
        "json",
        "--as-of",
        AS_OF,
        private=private_dirs,
    ).clean()
    assert run.code == 0 and json.loads(run.stdout)
    assert leftovers(private_dirs["tmp"], private_dirs["cache"]) == []
