"""The committed sample dossiers and their hand-written expectations agree with each other.

Regenerating the samples is too slow for the suite; these checks only read what is
committed: every sample is listed in expected.yaml, has its workbook, and every file
the expectations name exists (and the other way round).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from jurisdictions import keys, shipped_keys
from pingtai_cli.intake.sources.uscc import problem

SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"
NOT_SAMPLES = {"README.md", "expected.yaml"}
JURISDICTIONS = set(keys())  # discovered from the rulesets
VERDICTS = {"eligible", "ineligible", "incomplete", "review"}
AREA_PREFIX = {"liaoning": "21", "heilongjiang": "23", "xuchang": "4110", "shaoguan": "4402"}


def _expected() -> dict:
    return yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))["samples"]


EXPECTED = _expected()


def _members(path: Path) -> set[str]:
    """File paths inside a dossier folder or zip (GBK names decoded), '/' separated."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, metadata_encoding="cp936") as z:
            return {n for n in z.namelist() if not n.endswith("/")}
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


def test_expected_yaml_lists_exactly_the_sample_dossiers_on_disk() -> None:
    on_disk = {p.name for p in SAMPLES.iterdir() if p.name not in NOT_SAMPLES}
    listed = {s["path"] for s in EXPECTED.values()}
    assert listed == on_disk


def test_there_are_at_least_ten_samples_covering_every_shipped_jurisdiction() -> None:
    covered = {j for s in EXPECTED.values() for j in s["checks"]}
    assert len(EXPECTED) >= 10
    assert set(shipped_keys()) <= covered <= JURISDICTIONS  # a shipped text gets a sample dossier too


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_has_exactly_the_workbook_expected(name: str) -> None:
    """One workbook, or none where the 申请表 is a Word or PDF file (`workbook: null`)."""
    sample = EXPECTED[name]
    workbooks = {m for m in _members(SAMPLES / sample["path"]) if m.endswith(".xlsx")}
    assert workbooks == ({sample["workbook"]} if sample["workbook"] else set())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_file_of_a_sample_is_listed_with_its_material_keys(name: str) -> None:
    sample = EXPECTED[name]
    members = _members(SAMPLES / sample["path"])
    listed = {f for f in sample["files"] if not f.startswith("workbook:")}
    assert listed == members - {sample["workbook"]}
    for doc in sample["documents"].values():
        assert doc["file"] in members


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expectations_use_only_contract_verdicts_and_jurisdictions(name: str) -> None:
    for jurisdiction, check in EXPECTED[name]["checks"].items():
        assert jurisdiction in JURISDICTIONS
        assert check["verdict"] in VERDICTS
        assert check["functions"]["met"] <= sum(
            1 for s in check["functions"]["status"].values() if s == "pass"
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_credit_code_has_a_valid_check_character_and_the_jurisdictions_area(name: str) -> None:
    sample = EXPECTED[name]
    code = str(sample["facts"]["credit_code"])
    assert problem(code) is None, (code, problem(code))  # the check the tool itself runs
    for jurisdiction in sample["checks"]:
        assert code[2:8].startswith(AREA_PREFIX.get(jurisdiction, "")), (jurisdiction, code)


def test_zip_sample_stores_member_names_as_gbk_without_the_utf8_flag() -> None:
    zips = [s for s in EXPECTED.values() if s["path"].endswith(".zip")]
    assert zips
    for sample in zips:
        with zipfile.ZipFile(SAMPLES / sample["path"]) as z:
            infos = z.infolist()
        assert all(not i.flag_bits & 0x800 for i in infos)
        assert any(
            i.orig_filename.encode("cp437") == sample["workbook"].encode("cp936") for i in infos
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_sample_runs_the_ocr_engine_exactly_when_its_cases_are_marked_slow(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pytest -m "not slow"` keeps the samples read without OCR (tests/samples.py decides from
    expected.yaml); the engine is replaced by one that reads nothing, so this test costs no OCR."""
    from pingtai_cli.api import read_dossier
    from pingtai_cli.intake.sources import ocr
    from samples import read_by_ocr

    runs: list[tuple[int, ...]] = []

    def counting_engine() -> object:
        def run(bgr: object) -> tuple[None, float]:
            runs.append(getattr(bgr, "shape", ()))
            return None, 0.0

        return run

    monkeypatch.setattr(ocr, "engine", counting_engine)
    read_dossier(SAMPLES / EXPECTED[name]["path"], use_cache=False)
    assert bool(runs) == read_by_ocr(name), runs
