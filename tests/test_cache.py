"""The extraction cache: a re-check reads nothing again, a broken or stale entry is only a miss.

Extraction calls are counted by wrapping the readers (text layer, render, seal
test, Word, workbook) and faking the OCR engine, so these tests say what was
*read*, not how long it took; `make bench` times it.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pingtai_cli import cli
from pingtai_cli.api import check_dossier, read_dossier
from pingtai_cli.intake import cache
from pingtai_cli.intake.limits import Limits
from test_ocr_budget import AUDIT, FakeOcr, flat_page, scan_pdf

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
TEXT_DOSSIER = (
    SAMPLES / "liaoning_eligible"
)  # workbook, text PDFs, a stamped declaration, .docx, photo
AS_OF = "2026-03-15"
LICENCE = "营业执照\n统一社会信用代码 91350100M000100Y43\n名称 某某有限公司"
LICENCE_PAGE = 4  # the audit report stops at its balance sheet (page 4) and never reads page 5
TEXTS = AUDIT[:LICENCE_PAGE] + [LICENCE] + AUDIT[LICENCE_PAGE + 1 :]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each expensive reader ran; OCR is faked (a flat grey page per text, see test_ocr_budget)."""
    from pingtai_cli.intake.sources import docx, excel, pdf, seal

    counts: Counter[str] = Counter()

    def counting(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(pdf.PdfFile, "_read_text", counting("text layer", pdf.PdfFile._read_text))
    monkeypatch.setattr(pdf.PdfFile, "render", counting("render", pdf.PdfFile.render))
    monkeypatch.setattr(seal, "detect_seal", counting("seal", seal.detect_seal))
    monkeypatch.setattr(docx, "read_docx", counting("docx", docx.read_docx))
    monkeypatch.setattr(excel, "read_workbook", counting("workbook", excel.read_workbook))
    fake = FakeOcr(TEXTS)
    monkeypatch.setattr("pingtai_cli.intake.sources.ocr.ocr_text", counting("ocr", fake))
    return counts


def check(path: Path, **kwargs: Any) -> dict[str, Any]:
    from datetime import date

    return check_dossier(path, "liaoning", as_of=date.fromisoformat(AS_OF), **kwargs).to_dict()


def scanned_dossier(tmp_path: Path) -> Path:
    """The text dossier plus a 30-page scanned audit report and a scanned licence under bare names."""
    folder = tmp_path / "dossier"
    shutil.copytree(TEXT_DOSSIER, folder)
    (folder / "scan0007.pdf").write_bytes(scan_pdf(30))
    flat_page(LICENCE_PAGE).save(folder / "scan0001.pdf", format="PDF", resolution=75)
    return folder


def entries() -> list[Path]:
    return sorted(cache.cache_dir().rglob("*.json"))


def test_a_recheck_of_an_unchanged_dossier_reads_no_file_again_and_says_the_same(
    tmp_path: Path, reads: Counter[str]
) -> None:
    folder = scanned_dossier(tmp_path)
    first = check(folder)
    assert reads["ocr"] > 0 and reads["text layer"] > 0 and reads["seal"] > 0
    assert reads["docx"] == 1 and reads["workbook"] == 1
    assert {f["path"]: f["facts"].get("credit_code", {}).get("value") for f in first["files"]}[
        "scan0001.pdf"
    ] == "91350100M000100Y43"
    reads.clear()
    second = check(folder)
    assert +reads == Counter()  # nothing read, rendered, OCR'd or seal-tested again
    assert second == first


def test_the_result_is_the_same_with_and_without_the_cache(
    tmp_path: Path, reads: Counter[str]
) -> None:
    folder = scanned_dossier(tmp_path)
    cold = check(folder)
    warm = check(folder)
    uncached = check(folder, use_cache=False)
    assert cold == warm == uncached
    assert [f["ocr_pages"] for f in warm["files"]] == [f["ocr_pages"] for f in uncached["files"]]


def test_a_later_need_for_more_pages_ocrs_only_the_pages_not_read_before(
    tmp_path: Path, reads: Counter[str]
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "scan0007.pdf").write_bytes(scan_pdf(30))
    read_dossier(folder, limits=Limits(max_ocr_pages=2), use_cache=False)
    fresh = reads["ocr"]  # what the full budget costs from scratch, measured below
    reads.clear()
    read_dossier(folder, limits=Limits(max_ocr_pages=2))  # heads of pages 1–2
    first = reads["ocr"]
    reads.clear()
    dossier = read_dossier(folder)  # budget 6: goes on to the balance sheet on page 4
    assert dossier.files[0].facts["total_assets"].value == pytest.approx(320.0)
    second = reads["ocr"]
    reads.clear()
    read_dossier(folder, use_cache=False)
    assert first == fresh == 2
    assert second == reads["ocr"] - first  # pages 1–2 came from the cache


def test_the_same_bytes_under_two_names_are_read_once_in_a_read_even_without_the_cache(
    tmp_path: Path, reads: Counter[str]
) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    for name in ("02营业执照副本.pdf", "08申报材料真实性声明.pdf"):
        shutil.copy(TEXT_DOSSIER / name, folder / name)
    read_dossier(folder, use_cache=False)
    once = +reads
    reads.clear()
    shutil.copy(folder / "02营业执照副本.pdf", folder / "营业执照（复印）.pdf")
    shutil.copy(folder / "08申报材料真实性声明.pdf", folder / "声明-盖章版.pdf")
    dossier = read_dossier(folder, use_cache=False)
    assert +reads == once
    facts = {f.path: f.facts for f in dossier.files}
    assert facts["营业执照（复印）.pdf"].keys() == facts["02营业执照副本.pdf"].keys() != set()
    assert facts["声明-盖章版.pdf"]["has_seal"].value is True
    assert entries() == []  # and nothing was written


GARBAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "binary": lambda text: "\x00\xff\x13garbage",
    "empty": lambda text: "",
    "foreign json": lambda text: json.dumps([1, 2, 3]),
    "wrong shape": lambda text: json.dumps({"layer": {"0": 5}, "ocr": "x", "seal": {"0": "round"}}),
    "wrong values": lambda text: json.dumps(
        {
            "meta": {"count": -3, "total": "many"},
            "layer": {"0": 7},
            "seal": {"0": [1, "a", None]},
            "docx": {"paragraphs": 3},
            "$dc": "Nope",
        }
    ),
    "deeply nested": lambda text: "[" * 100_000,
}


@pytest.fixture(scope="module")
def checked_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], Path]:
    """The scanned dossier, its check from a fresh cache and the cache that check filled, made once
    for the garbage cases (each copies the cache, then spoils it): each case checked it from
    scratch first, a third of its time, and got the same result and entries every time."""
    base = tmp_path_factory.mktemp("garbage")
    mp = pytest.MonkeyPatch()
    mp.setenv("PINGTAI_CACHE_DIR", str(base / "cache"))
    mp.setattr("pingtai_cli.intake.sources.ocr.ocr_text", FakeOcr(TEXTS))  # as `reads` fakes it
    try:
        folder = scanned_dossier(base)
        return folder, check(folder), base / "cache"
    finally:
        mp.undo()


@pytest.mark.parametrize("kind", list(GARBAGE))
def test_garbage_in_every_cache_entry_is_a_miss_and_the_result_stays_right(
    kind: str, checked_scan: tuple[Path, dict[str, Any], Path], reads: Counter[str]
) -> None:
    folder, first, filled = checked_scan
    shutil.copytree(filled, cache.cache_dir(), dirs_exist_ok=True)
    assert entries() != []
    for entry in entries():
        entry.write_text(
            GARBAGE[kind](entry.read_text(encoding="utf-8")),
            encoding="utf-8",
            errors="surrogateescape",
        )
    reads.clear()
    again = check(folder)
    assert again == first
    assert reads["ocr"] > 0 and reads["workbook"] == 1  # read again, not taken from the garbage
    reads.clear()
    assert check(folder) == first and +reads == Counter()  # and stored right this time


def test_a_changed_extractor_version_reads_everything_again(
    tmp_path: Path, reads: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = scanned_dossier(tmp_path)
    check(folder)
    monkeypatch.setattr("pingtai_cli.intake.cached.extractor_version", lambda: "next")
    reads.clear()
    check(folder)
    assert reads["ocr"] > 0 and reads["text layer"] > 0 and reads["workbook"] == 1


def test_a_changed_vocabulary_reads_the_workbook_again(tmp_path: Path, reads: Counter[str]) -> None:
    import shutil

    from pingtai_cli import vocab

    check(TEXT_DOSSIER)
    folder = tmp_path / "vocab"
    shutil.copytree(vocab.DIRECTORY, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    facts = folder / "facts.yaml"
    facts.write_text(facts.read_text("utf-8").replace("[平台名称]", "[平台名称, 示范平台名称]"), "utf-8")
    reads.clear()
    with vocab.use(folder):
        check(TEXT_DOSSIER)
    assert reads["workbook"] == 1 and reads["text layer"] == 0  # the labels changed, not the files' text
    reads.clear()
    check(TEXT_DOSSIER)
    assert reads["workbook"] == 0  # the package's vocabulary again: its entry is still there


def test_a_changed_page_limit_is_a_different_entry(tmp_path: Path, reads: Counter[str]) -> None:
    check(TEXT_DOSSIER)
    reads.clear()
    read_dossier(TEXT_DOSSIER, limits=Limits(max_pages=1))
    assert reads["text layer"] > 0


def run_cli(*args: str) -> Any:
    cli._register()
    return CliRunner().invoke(cli.app, list(args))


def poison_text_layers() -> int:
    """Replace every recorded text layer by a text that names no material and holds no fact."""
    poisoned = 0
    for entry in entries():
        record = json.loads(entry.read_text(encoding="utf-8"))
        if record.get("layer"):
            record["layer"] = {page: "无关内容" for page in record["layer"]}
            entry.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            poisoned += 1
    return poisoned


def test_no_cache_neither_reads_nor_writes_the_cache() -> None:
    args = ("check", str(TEXT_DOSSIER), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    assert run_cli(*args, "--no-cache").exit_code == 0
    assert entries() == []
    right = json.loads(run_cli(*args).stdout)
    assert entries() and poison_text_layers() > 0
    poisoned = json.loads(run_cli(*args).stdout)
    licence = {f["path"]: f["facts"] for f in poisoned["files"]}["02营业执照副本.pdf"]
    assert "credit_code" not in licence  # the cache was read: the poison shows
    assert json.loads(run_cli(*args, "--no-cache").stdout) == right


def test_cache_clear_empties_the_cache_and_info_counts_the_entries() -> None:
    run_cli("check", str(TEXT_DOSSIER), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    count = len(entries())
    assert count > 5
    assert f"条目：{count}" in run_cli("cache", "info").stdout
    res = run_cli("cache", "clear")
    assert res.exit_code == 0 and f"已清除 {count} 个缓存文件" in res.stdout
    assert entries() == []
    assert "条目：0" in run_cli("cache", "info").stdout


def _age(path: Path, days: float) -> None:
    then = time.time() - days * cache.DAY
    os.utime(path, (then, then))


def _put(key: str) -> Path:
    with cache.enabled():
        cache.put("files", key, {"text": "营业执照"})
    return cache.cache_dir() / "files" / key[:2] / f"{key}.json"


def test_entries_unused_for_the_retention_period_are_swept_at_most_once_a_day() -> None:
    old, recent = _put("01" * 32), _put("02" * 32)
    _age(old, cache.RETENTION_DAYS + 1)
    _age(recent, cache.RETENTION_DAYS - 1)
    size = old.stat().st_size
    assert cache.sweep() == (1, size)
    assert not old.exists() and recent.exists()
    _age(recent, cache.RETENTION_DAYS + 1)
    assert cache.sweep() is None  # swept less than a day ago
    assert recent.exists()
    assert cache.sweep(now=time.time() + cache.DAY + 1) == (1, size)
    assert not recent.exists()


def test_clear_and_sweep_touch_only_the_caches_own_files() -> None:
    """A PINGTAI_CACHE_DIR pointed at a person's folder by mistake loses nothing."""
    root = cache.cache_dir()
    own = _put("06" * 32)
    foreign = [root / "important.txt", root / "sub" / "a.json", root / "files" / "zz" / "b.json",
               root / "files" / "06" / "notes.json"]  # fmt: skip
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("keep")
        _age(path, cache.RETENTION_DAYS + 5)
    (root / "empty").mkdir()
    assert cache.stats()[0] == 1
    assert run_cli("cache", "clear").stdout.startswith("已清除 1 个缓存文件")
    assert not own.exists()
    assert all(p.read_text() == "keep" for p in foreign) and (root / "empty").is_dir()
    assert cache.sweep() == (0, 0)
    assert all(p.exists() for p in foreign)


def test_a_cache_hit_restarts_the_retention_clock() -> None:
    entry = _put("03" * 32)
    _age(entry, cache.RETENTION_DAYS + 1)
    with cache.enabled():
        assert cache.get("files", "03" * 32) == {"text": "营业执照"}
    assert cache.sweep() == (0, 0)
    assert entry.exists()


def test_a_check_sweeps_stale_entries_and_clear_older_than_keeps_recent_ones() -> None:
    stale = _put("04" * 32)
    _age(stale, cache.RETENTION_DAYS + 5)
    run_cli("check", str(TEXT_DOSSIER), "-j", "liaoning", "--as-of", AS_OF, "-f", "json")
    assert not stale.exists() and len(entries()) > 5
    week_old = _put("05" * 32)
    _age(week_old, 7)
    res = run_cli("cache", "clear", "--older-than", "3")
    assert res.exit_code == 0 and "已清除 1 个缓存文件" in res.stdout
    assert not week_old.exists() and len(entries()) > 5
    assert "30 天未用" in run_cli("cache", "info").stdout


KEY = "ab" * 32


def _writer(cache_dir: str, fill: str, rounds: int) -> None:
    import os

    os.environ[cache.CACHE_ENV] = cache_dir
    with cache.enabled():
        for i in range(rounds):
            cache.put("files", KEY, {"fill": fill * 200_000, "round": i})


@pytest.mark.slow
def test_two_processes_writing_the_same_entry_never_leave_it_torn(tmp_path: Path) -> None:
    cache_dir = str(tmp_path / "shared")
    ctx = mp.get_context("fork")
    writers = [ctx.Process(target=_writer, args=(cache_dir, fill, 40)) for fill in "甲乙"]
    for w in writers:
        w.start()
    seen: list[Any] = []
    import os

    os.environ[cache.CACHE_ENV] = cache_dir  # monkeypatched back by the conftest fixture
    with cache.enabled():
        while any(w.is_alive() for w in writers):
            seen.append(cache.get("files", KEY))
            cache._state.memory.clear()  # type: ignore[union-attr]  # read the disk every time
    for w in writers:
        w.join()
        assert w.exitcode == 0
    with cache.enabled():
        final = cache.get("files", KEY)
    for value in [*seen, final]:
        assert value is None or (value["fill"] in ("甲" * 200_000, "乙" * 200_000))
    assert final is not None and final["round"] == 39
    entries = [p.relative_to(cache_dir).as_posix() for p in Path(cache_dir).rglob("*") if p.is_file()]
    assert entries == [f"files/ab/{KEY}.json"]  # no temporary file left beside it


@pytest.mark.parametrize("workbook", sorted(SAMPLES.glob("*/*.xlsx")), ids=lambda p: p.parent.name)
def test_a_parsed_workbook_survives_the_json_round_trip(workbook: Path) -> None:
    from pingtai_cli.intake.cached import decode, encode
    from pingtai_cli.intake.sources.excel import read_workbook

    result = read_workbook(workbook.read_bytes(), workbook.name)
    stored = json.loads(json.dumps(encode(result), ensure_ascii=False))
    assert decode(stored) == result


@pytest.mark.slow
def test_a_rechecked_real_scan_is_read_from_the_cache_without_the_ocr_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = SAMPLES / "heilongjiang_scan_license"
    first = check(folder)
    licence = next(f for f in first["files"] if f["path"] == "scan0001.pdf")
    assert licence["facts"]["credit_code"]["value"] == "91230103MA17P62J67"

    def no_ocr(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("OCR ran on a re-check")

    monkeypatch.setattr("pingtai_cli.intake.sources.ocr.ocr_text", no_ocr)
    assert check(folder) == first


def test_a_recheck_runs_no_table_extraction_again_on_the_pdf_lists_and_says_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """xuchang_comprehensive's 设备清单, 人员名单 and 服务企业名单 are text PDFs whose tables are read
    (pdfplumber, ~0.7 s of a re-check before they were kept in the file's record)."""
    from datetime import date

    from pingtai_cli.intake import classify

    calls: list[list[int]] = []
    real = classify.pdf_grids

    def counting(data: bytes, indexes: list[int]) -> Any:
        calls.append(list(indexes))
        return real(data, indexes)

    monkeypatch.setattr(classify, "pdf_grids", counting)
    folder = SAMPLES / "xuchang_comprehensive"
    first = check_dossier(folder, "xuchang", as_of=date.fromisoformat(AS_OF)).to_dict()
    assert calls, "the sample no longer has a PDF whose tables are read"
    calls.clear()
    again = check_dossier(folder, "xuchang", as_of=date.fromisoformat(AS_OF)).to_dict()
    assert calls == [] and again == first
    assert check_dossier(folder, "xuchang", as_of=date.fromisoformat(AS_OF), use_cache=False).to_dict() == first


def test_a_thread_reading_without_the_cache_is_not_switched_on_by_another_thread() -> None:
    import threading

    seen: dict[str, bool] = {}
    inside = threading.Barrier(2)

    def read(name: str, on: bool) -> None:
        with cache.enabled(on):
            inside.wait(timeout=10)  # both threads are inside their read now
            seen[name] = cache.is_enabled()
            inside.wait(timeout=10)

    threads = [
        threading.Thread(target=read, args=(n, on)) for n, on in (("on", True), ("off", False))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"on": True, "off": False}


def test_an_entry_whose_clock_cannot_be_reset_is_still_a_hit(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _put("07" * 32)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "utime", refuse)
    with cache.enabled():
        assert cache.get("files", "07" * 32) == {"text": "营业执照"}
    assert entry.exists()


def _package_copy(tmp_path: Path) -> Path:
    import shutil

    from pingtai_cli.intake.cached import PACKAGE

    copy = tmp_path / "pingtai_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_data"))
    return copy


def test_editing_any_intake_source_changes_the_extractor_version(tmp_path: Path) -> None:
    """No hand bump: an edit to the code that reads files is a new version, so a stale record is a miss."""
    from pingtai_cli.intake.cached import source_digest

    package = _package_copy(tmp_path)
    before = source_digest(package)
    edited = [
        package / "intake" / "sources" / "excel.py",
        package / "intake" / "sources" / "ocr.py",
        package / "intake" / "cached.py",
        package / "core" / "models.py",
        package / "vocab" / "__init__.py",
        package / "vocab" / "facts.yaml",
    ]
    for path in edited:
        original = path.read_bytes()
        path.write_bytes(original.replace(b"\n", b"\n\n", 1))  # one blank line more
        assert source_digest(package) != before, path
        path.write_bytes(original)
    assert source_digest(package) == before
    (package / "intake" / "sources" / "newreader.py").write_text("X = 1\n")
    assert source_digest(package) != before  # a new module counts too


def test_editing_a_report_or_a_ruleset_keeps_the_extractor_version(tmp_path: Path) -> None:
    from pingtai_cli.intake.cached import source_digest

    package = _package_copy(tmp_path)
    before = source_digest(package)
    for path in (package / "outputs" / "report" / "html.py", package / "engine" / "checks.py"):
        path.write_bytes(path.read_bytes() + b"\n# edited\n")
    assert source_digest(package) == before


def test_the_running_extractor_version_is_the_digest_of_the_installed_sources() -> None:
    from pingtai_cli.intake.cached import PACKAGE, extractor_version, source_digest

    assert extractor_version().endswith("+" + source_digest(PACKAGE)[:16])
    assert extractor_version() is extractor_version()  # memoised: computed once per process
