"""The vocabulary (pingtai_cli/vocab/*.yaml) against the contract, ../shared/spec/dossier-format.md.

The contract is extended, never renamed: every fact key, label, unit, list header, material key and
function of the spec is in the vocabulary under the same name. tests/spec/ holds a copy of the spec
so the check runs on any machine; where the shared spec is present (the project's checkout) the copy
must equal it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pingtai_cli import vocab

HERE = Path(__file__).resolve().parent
COPY = HERE / "spec" / "dossier-format.md"
UNITS = {"万元", "亿元", "平方米", "人", "家", "%", "次", "人次"}


def shared_spec() -> Path | None:
    for parent in HERE.parents:
        candidate = parent / "shared" / "spec" / "dossier-format.md"
        if candidate.is_file():
            return candidate
    return None


def spec() -> str:
    return COPY.read_text(encoding="utf-8")


def section(title: str) -> str:
    text = spec()
    start = text.index(title)
    end = text.find("\n#", start + len(title))
    return text[start : end if end > 0 else None]


def table_rows(text: str) -> list[list[str]]:
    """The cells of each `| \\`key\\` | … |` row of a markdown table."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| `"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def without_notes(text: str) -> str:
    """`单位性质 (企业法人, …)` → `单位性质`: the spec's remarks in brackets are not labels."""
    return re.sub(r"\s*\([^)]*\)", "", text)


def spec_facts() -> dict[str, tuple[list[str], str]]:
    out = {}
    for key, labels, kind in table_rows(section("### 1.1")):
        out[key.strip("`")] = ([s.strip() for s in without_notes(labels).split(",")], kind)
    return out


def test_the_copy_of_the_spec_is_the_shared_contract():
    shared = shared_spec()
    if shared is None:
        pytest.skip("../shared/spec/dossier-format.md is not beside this checkout")
    assert COPY.read_text(encoding="utf-8") == shared.read_text(encoding="utf-8"), (
        f"the contract changed: copy {shared} to {COPY} and check the vocabulary against it"
    )


def test_the_spec_tables_are_read():  # the parsers below must see the tables, or they check nothing
    assert len(spec_facts()) >= 40
    assert len(table_rows(section("## 2. Material keys"))) >= 16


def test_every_fact_key_of_the_spec_is_in_the_vocabulary_with_its_labels_and_unit():
    v = vocab.get()
    problems = []
    for key, (labels, kind) in spec_facts().items():
        fk = v.facts.get(key)
        if fk is None:
            problems.append(f"{key}: missing")
            continue
        if fk.extra:
            problems.append(f"{key}: marked extra, but the spec defines it")
        problems += [f"{key}: label {label} missing" for label in labels if label not in fk.labels]
        if kind in UNITS and fk.unit != kind:
            problems.append(f"{key}: unit {fk.unit}, spec {kind}")
        written = kind.split(",")[0].strip()
        if written in ("text", "date", "bool", "list") and fk.kind != written:
            problems.append(f"{key}: kind {fk.kind}, spec {written}")
        if kind in UNITS and fk.kind != "number":
            problems.append(f"{key}: kind {fk.kind}, spec a number in {kind}")
    assert problems == []


def test_a_key_the_spec_does_not_define_is_marked_extra():
    defined = spec_facts()
    unmarked = [k for k, fk in vocab.get().facts.items() if k not in defined and not fk.extra]
    assert unmarked == []


def test_every_material_key_of_the_spec_is_in_the_vocabulary():
    keys = {row[0].strip("`") for row in table_rows(section("## 2. Material keys"))}
    materials = vocab.get().materials
    assert sorted(keys - materials.keys()) == []
    assert sorted(k for k, m in materials.items() if k not in keys and not m.extra) == []
    assert all(m.stem for k, m in materials.items() if k in keys)  # init suggests a file name


def test_the_list_headers_and_yearly_columns_of_the_spec_are_read_by_those_names():
    lists = vocab.get().lists
    text = section("### 1.3")
    names = {"staff": "staff", "served SMEs": "served_smes", "equipment": "equipment", "partners": "partners"}
    seen = set()
    for line in text.splitlines():
        match = re.match(r"- (staff|served SMEs|equipment|partners): (.*)", line)
        if match:
            kind = names[match.group(1)]
            seen.add(kind)
            labels = {label for c in lists[kind].columns for label in c.labels}
            for header in without_notes(match.group(2)).split(","):
                assert header.strip() in labels, (kind, header)
    assert seen == set(names.values())
    yearly = section("### 1.2").split("A header row holding", 1)[1].split("(any order", 1)[0]
    headers = [h.strip() for h in re.split(r"[,\s]|and|some of", yearly) if h.strip() and h.strip() != "of"]
    labels = {label for c in lists["yearly"].columns for label in c.labels}
    assert headers and all(h in labels for h in headers), headers


def test_every_function_of_the_spec_is_in_the_vocabulary():
    line = next(x for x in spec().splitlines() if '"function": "' in x)
    spec_functions = re.search(r'"function": "([^"]+)"', line)
    assert spec_functions is not None
    keys = [k.strip() for k in spec_functions.group(1).split("|")]
    assert len(keys) == 6
    assert [k for k in keys if k not in vocab.get().functions] == []
    # the declared names are matched loosely (信息 / 信息服务 / 信息服务功能)
    assert vocab.get().functions["information"].stems[0] == "信息"
