"""A shipped ruleset's validated record (rules/record.py): what it revives is what a full
validation gives, and a stale, torn or altered record is never used."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pingtai_cli.rules import model, pydantic_schema, record, schema
from pingtai_cli.rules.files import available

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The record of every shipped ruleset goes to one temporary file (the package's own stays)."""
    target = tmp_path / "record.json"
    real = record.record_path
    monkeypatch.setattr(record, "record_path", lambda p: target if real(p) else None)
    return target


def loaded(key: str) -> model.Ruleset:
    return schema._load_recorded(available()[key], None)


def test_every_plain_class_has_exactly_the_fields_of_its_pydantic_model():
    models = {n: c for n, c in vars(pydantic_schema).items() if isinstance(c, type) and issubclass(c, pydantic_schema.Strict)}
    assert set(models) - {"Strict"} == set(model.CLASSES)
    for name, cls in model.CLASSES.items():
        assert tuple(models[name].model_fields) == cls.FIELDS, name


@pytest.mark.parametrize("key", ["liaoning", "national", "shaoguan"])
def test_a_ruleset_read_from_its_record_equals_the_fully_validated_one(where: Path, key: str):
    full = schema.load_file(available()[key])
    first = loaded(key)  # validated, then recorded
    assert where.is_file() and first == full
    again = loaded(key)
    assert again == full and again is not first
    assert again.model_dump() == full.model_dump()
    assert type(again.document.in_force_from).__name__ == "date"


def _rewrite(where: Path, change) -> None:
    data = json.loads(where.read_text(encoding="utf-8"))
    change(data)
    where.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _poison_title(data: dict) -> None:
    data["ruleset"]["name"] = "篡改"


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(schema="0" * 64),  # another pingtai's validation
        lambda d: d["chain"][0].__setitem__(1, "0" * 64),  # the file changed since
        lambda d: d["chain"][-1].__setitem__(1, "0" * 64),  # the file it extends changed since
        lambda d: d["chain"].pop(),  # its parent is no longer where it was
        lambda d: d["ruleset"].pop("basic"),  # a field missing
        lambda d: d["ruleset"]["document"].update(extra=1),  # a field no model has
        lambda d: d.update(ruleset=[]),  # not a ruleset at all
    ],
    ids=["schema", "file", "parent file", "parent", "missing field", "extra field", "not a ruleset"],
)
def test_a_stale_or_altered_record_is_a_miss_and_the_file_is_validated_again(where: Path, damage):
    loaded("liaoning")
    _rewrite(where, lambda d: (_poison_title(d), damage(d)))
    assert record.load(available()["liaoning"], lambda p, k: schema.find_parent(p, k, None)) is None
    assert loaded("liaoning").name == schema.load_file(available()["liaoning"]).name != "篡改"


def test_an_intact_record_is_what_is_read(where: Path):
    """The counterpart of the test above: the same edit alone is read (so those misses are the checks')."""
    loaded("liaoning")
    _rewrite(where, _poison_title)
    assert loaded("liaoning").name == "篡改"


def test_a_torn_record_is_a_miss(where: Path):
    loaded("national")
    where.write_bytes(where.read_bytes()[:1000])
    assert loaded("national") == schema.load_file(available()["national"])


def test_a_user_ruleset_is_always_validated_in_full(tmp_path: Path, where: Path):
    mine = tmp_path / "mine"
    shutil.copytree(available()["xuchang"].parent, mine / "xuchang")
    rs = schema._load_recorded(mine / "xuchang" / "ruleset.yaml", mine)
    assert rs.key == "xuchang" and not where.exists()


@pytest.mark.slow
def test_a_check_of_a_recorded_ruleset_imports_no_pydantic(tmp_path: Path):
    args = ["check", str(ROOT / "sample_dossiers" / "liaoning_eligible"), "-j", "liaoning", "--as-of", "2026-03-15",
            "-f", "json", "-q", "--no-cache"]  # fmt: skip
    cmd = [sys.executable, "-X", "importtime", "-m", "pingtai_cli", *args]
    outputs = [subprocess.run(cmd, capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [p.returncode for p in outputs] == [0, 0]
    assert outputs[0].stdout == outputs[1].stdout
    assert " pydantic" not in outputs[1].stderr  # the first run left the record
    listed = subprocess.run([sys.executable, "-m", "pingtai_cli", "rules", "list"], capture_output=True, timeout=120)
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)  # `rules list` left the parsed records
    assert listed.returncode == 0 and again.stdout == outputs[0].stdout
    assert " yaml" not in again.stderr  # the listing order read from them, not from the YAML


def test_rules_list_reads_a_shipped_file_from_its_parsed_record_only_while_the_text_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from pingtai_cli.rules import files

    monkeypatch.setattr(files, "PARSED_DIR", tmp_path)
    path = available()["national"]
    fresh = files.read_plain(path)
    kept = tmp_path / "parsed-national.json"
    assert kept.is_file() and files.read_plain(path) == fresh
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["data"]["name"] = "篡改"
    kept.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert files.read_plain(path)["name"] == "篡改"  # an intact record is what is read
    data["digest"] = "0" * 64  # as if the file had changed since
    kept.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert files.read_plain(path) == fresh
    kept.write_bytes(kept.read_bytes()[:300])  # torn
    assert files.read_plain(path) == fresh


@pytest.mark.parametrize("source", ["rules/model.py", "rules/pydantic_schema.py", "rules/kinds/threshold.py", "vocab/functions.yaml"])
def test_the_record_key_changes_when_any_schema_source_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str):
    """model.py holds the fields, pydantic_schema.py the checks: an edit of either is another validation."""
    package = tmp_path / "pingtai_cli"
    shutil.copytree(record._PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(record, "_PACKAGE", package)
    record.schema_digest.cache_clear()
    try:
        before = record.schema_digest()
        edited = package / source
        edited.write_bytes(edited.read_bytes() + b"\n")
        record.schema_digest.cache_clear()
        assert record.schema_digest() != before
    finally:
        record.schema_digest.cache_clear()


def test_the_listing_order_read_from_the_parsed_records_is_the_one_the_yaml_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from pingtai_cli.rules import files

    monkeypatch.setattr(files, "PARSED_DIR", tmp_path)
    paths = list(files.rulesets_in(files.shipped_dir()).values())
    from_yaml = [files._header_rank(p) for p in paths]  # no records yet: the `document:` blocks
    for p in paths:
        files.read_plain(p)  # leaves each file's parsed record
    assert len(list(tmp_path.glob("parsed-*.json"))) == len(paths)
    assert [files._header_rank(p) for p in paths] == from_yaml
    assert len(set(from_yaml)) > 1  # the ranks tell the files apart
