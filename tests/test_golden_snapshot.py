"""Golden snapshot: the JSON of every sample dossier under every jurisdiction it is meant for.

Issue 13 moves every module; behaviour must not change. These files pin the whole output
(`pingtai check DIR -j KEY --format json --as-of 2026-03-15`), byte for byte, with only the
dossier's absolute location replaced by `<samples>`. The compare-jurisdictions JSON (rules only,
and with one dossier) is pinned too.

ONLY A DELIBERATE FIX may regenerate them (`python scripts/update_golden.py`, or
PINGTAI_UPDATE_GOLDEN=1 pytest tests/test_golden_snapshot.py), and the commit that does so says
which snapshot changed and why.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pingtai_cli import cli
from pingtai_cli.api import check_many
from pingtai_cli.outputs.report import render
from samples import first_reader, sample_param

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_dossiers"
GOLDEN = Path(__file__).resolve().parent / "golden"
EXPECTED = yaml.safe_load((SAMPLES / "expected.yaml").read_text(encoding="utf-8"))
AS_OF = str(EXPECTED["as_of"])
UPDATE = os.environ.get("PINGTAI_UPDATE_GOLDEN") == "1"

CASES = [(name, key) for name, s in EXPECTED["samples"].items() for key in s["checks"]]
COMPARE_DOSSIERS = ["liaoning_eligible", "xuchang_excluded"]

HOW_TO_UPDATE = (
    "the output differs from the golden snapshot {file}. Issue 13's moves must not change behaviour. "
    "Only a deliberate fix may regenerate it (python scripts/update_golden.py), and the commit that "
    "does so must say which snapshot changed and why."
)


def normalise(text: str) -> str:
    """Only what differs between machines: where the samples sit on disk."""
    return text.replace(str(SAMPLES), "<samples>")


# The samples are read through the run's shared extraction cache (conftest.py): the first test
# of the run that needs a sample reads it fresh, the others get the same record (a scan is OCR'd
# once per run, not once per test file). A changed reader is a new extractor version, hence a
# fresh read; test_cache pins that a cached read says exactly what a fresh one does.
pytestmark = pytest.mark.usefixtures("shared_sample_cache")


@cache
def results(name: str) -> dict[str, str]:
    """One read of the sample, checked under each of its jurisdictions."""
    from datetime import date

    keys = list(EXPECTED["samples"][name]["checks"])
    path = SAMPLES / EXPECTED["samples"][name]["path"]
    with first_reader(path.name):
        got = check_many(path, keys, as_of=date.fromisoformat(AS_OF))
    return {r.jurisdiction: normalise(render([r], "json")) for r in got}


def cli_json(*args: str) -> str:
    cli._register()
    res = CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "300"})
    assert res.exit_code == 0, (res.output, res.exception)
    return normalise(res.stdout)


def compare_or_update(file: Path, text: str) -> None:
    if UPDATE:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
        return
    assert file.exists(), HOW_TO_UPDATE.format(file=file.name)
    want = file.read_text(encoding="utf-8")
    assert text == want, HOW_TO_UPDATE.format(file=file.name)


@pytest.mark.parametrize("name,key", [sample_param(n, k, id=f"{n}-{k}") for n, k in CASES])
def test_check_json_is_the_golden_snapshot(name: str, key: str) -> None:
    compare_or_update(GOLDEN / f"check.{name}.{key}.json", results(name)[key])


def test_compare_jurisdictions_json_is_the_golden_snapshot() -> None:
    compare_or_update(GOLDEN / "compare.json", cli_json("compare-jurisdictions", "--format", "json"))


@pytest.mark.parametrize("name", COMPARE_DOSSIERS)
def test_compare_jurisdictions_with_a_dossier_is_the_golden_snapshot(name: str, tmp_path: Path) -> None:
    path = SAMPLES / EXPECTED["samples"][name]["path"]
    text = cli_json("compare-jurisdictions", "--format", "json", "--as-of", AS_OF, "--dossier", str(path))
    compare_or_update(GOLDEN / f"compare.{name}.json", text)


def test_every_golden_file_belongs_to_a_case() -> None:
    """A stale snapshot (a sample renamed or dropped) would otherwise pin nothing silently."""
    want = {f"check.{n}.{k}.json" for n, k in CASES} | {"compare.json"}
    want |= {f"compare.{n}.json" for n in COMPARE_DOSSIERS}
    if UPDATE:
        for stale in {p.name for p in GOLDEN.glob("*.json")} - want:
            (GOLDEN / stale).unlink()
        return
    assert {p.name for p in GOLDEN.glob("*.json")} == want
