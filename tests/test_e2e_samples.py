"""Every sample dossier, read and checked for every jurisdiction it is meant for.

The expectations come from sample_dossiers/expected.yaml, written by hand from
the policy texts' thresholds, not from pingtai's output.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from pingtai_cli.api import read_dossier
from pingtai_cli.core.models import CheckResult, Dossier
from pingtai_cli.engine.verdict import evaluate
from pingtai_cli.rules.schema import load_ruleset
from samples import EXPECTED, SAMPLES, first_reader, sample_param

AS_OF = date.fromisoformat(str(EXPECTED["as_of"]))

CASES = [(name, key) for name, s in EXPECTED["samples"].items() for key in s["checks"]]
CASE_PARAMS = [sample_param(n, k, id=f"{n}-{k}") for n, k in CASES]
NAME_PARAMS = [sample_param(n, id=n) for n in EXPECTED["samples"]]


# Read through the run's shared extraction cache (conftest.py): a scanned sample is OCR'd once
# per run, whichever test file needs it first; what these tests check is the evaluation.
pytestmark = pytest.mark.usefixtures("shared_sample_cache")


@cache
def dossier(name: str) -> Dossier:
    path = SAMPLES / EXPECTED["samples"][name]["path"]
    with first_reader(path.name):
        return read_dossier(path)


@cache
def result(name: str, key: str) -> CheckResult:
    return evaluate(dossier(name), load_ruleset(key), AS_OF)


def _fields(r: CheckResult, status: str) -> set[str]:
    return {f for c in r.conditions + r.exclusions if c.status == status for f in c.fields}


@pytest.mark.parametrize("name,key", CASE_PARAMS)
def test_verdict_failing_fields_and_materials_are_as_the_texts_say(name: str, key: str) -> None:
    want = EXPECTED["samples"][name]["checks"][key]
    r = result(name, key)
    assert r.verdict == want["verdict"], r.reasons
    assert _fields(r, "fail") == set(want.get("fail") or [])
    assert _fields(r, "relaxable") == set(want.get("relaxable") or [])
    assert _fields(r, "missing") == set(want.get("missing") or [])
    assert {m.id for m in r.materials if m.status == "missing" and m.required} == set(want.get("materials_missing") or [])
    assert {m.id for m in r.materials if m.status == "invalid"} == set(want.get("materials_invalid") or [])
    assert any(e.status == "fail" for e in r.exclusions) == bool(want.get("exclusion"))


@pytest.mark.parametrize("name,key", CASE_PARAMS)
def test_function_count_and_each_function_status(name: str, key: str) -> None:
    want = EXPECTED["samples"][name]["checks"][key]["functions"]
    fr = result(name, key).functions
    assert fr is not None
    assert (fr.required, fr.met) == (want["required"], want["met"])
    got = {i.function: i.status for i in fr.items}
    assert {k: got.get(k) for k in want["status"]} == want["status"]


@pytest.mark.parametrize("name", NAME_PARAMS)
def test_workbook_facts_are_read_into_the_contract_units(name: str) -> None:
    want = EXPECTED["samples"][name]["facts"]
    d = dossier(name)
    for key, value in want.items():
        fact = d.facts.get(key)
        if value is None:
            assert fact is None, f"{key} should be unreadable"
            continue
        assert fact is not None, f"{key} not read"
        got = fact.value
        if isinstance(value, date):
            assert got == value, key
        elif isinstance(value, bool):
            assert got is value, key
        elif isinstance(value, int | float):
            assert got == pytest.approx(value), key
        elif isinstance(value, list):
            assert [str(x) for x in got] == [str(x) for x in value], key
        else:
            assert str(got) == str(value), key
        assert fact.evidence is not None and fact.evidence.file, f"{key} has no evidence"


@pytest.mark.parametrize("name", NAME_PARAMS)
def test_every_file_is_classified_as_expected(name: str) -> None:
    want = EXPECTED["samples"][name]["files"]
    d = dossier(name)
    got = {f.path: f.material_keys for f in d.files}
    for path, keys in want.items():
        if path.startswith("workbook:"):
            continue
        assert path in got, f"{path} not listed; have {sorted(got)}"
        assert set(keys) <= set(got[path]), f"{path}: {got[path]}"


@pytest.mark.parametrize("name", NAME_PARAMS)
def test_document_facts_agree_with_the_workbook(name: str) -> None:
    docs = EXPECTED["samples"][name].get("documents") or {}
    d = dossier(name)
    by_path = {f.path: f for f in d.files}
    lic = docs.get("business_license")
    if lic:
        mf = by_path[lic["file"]]
        assert mf.facts["credit_code"].value == lic["credit_code"]
    audit = docs.get("audit_report")
    if audit:
        mf = by_path[audit["file"]]
        assert int(mf.facts["audit_year"].value) == audit["year"]
        assert mf.facts["total_assets"].value == pytest.approx(audit["total_assets"])
    decl = docs.get("authenticity_declaration")
    if decl:
        mf = by_path[decl["file"]]
        assert mf.facts["has_seal"].value is decl["sealed"]


@pytest.mark.slow
def test_a_scanned_licence_is_recognised_from_its_content_alone() -> None:
    d = dossier("heilongjiang_scan_license")
    scan = next(f for f in d.files if f.path == "scan0001.pdf")
    assert "business_license" in scan.material_keys
    assert scan.ocr_pages >= 1
    assert any("内容" in why or "第1页" in why for why in scan.matched_by)


@pytest.mark.slow
def test_a_scanned_audit_report_is_ocrd_only_up_to_its_balance_sheet() -> None:
    d = dossier("heilongjiang_remote_relaxed")
    audit = next(f for f in d.files if "audit_report" in f.material_keys)
    assert 1 <= audit.ocr_pages <= 3


@pytest.mark.parametrize("name", [sample_param(n, id=n) for n, s in EXPECTED["samples"].items() if s.get("clean")])
def test_clean_samples_raise_no_error_finding(name: str) -> None:
    for key in EXPECTED["samples"][name]["checks"]:
        errors = [f.message for f in result(name, key).findings if f.severity == "error"]
        assert errors == []


def test_unreadable_satisfaction_and_staff_list_disagreement_are_findings() -> None:
    r = result("national_incomplete", "national")
    fields = {(f.field, f.severity) for f in r.findings}
    assert ("satisfaction_rate", "error") in fields
    bad = next(f for f in r.findings if f.field == "satisfaction_rate")
    assert bad.evidence is not None and bad.evidence.cell == "B15"
    assert any(f.field == "staff_total" and f.severity == "warning" for f in r.findings)


def test_xuchang_staff_rule_shows_both_readings_of_the_text() -> None:
    r = result("xuchang_comprehensive", "xuchang")
    staff = next(c for c in r.conditions if c.fields == ["staff_total"])
    assert staff.status == "review"  # the readings decide 9 staff differently: for the authority
    assert any("10" in n and "附件2" in n for n in staff.notes), staff.notes


@pytest.mark.slow  # every sample, the scanned ones too
def test_every_sample_result_validates_against_the_shipped_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from pingtai_cli.outputs.report.json import load_schema, render_json

    results = [result(n, k) for n, k in CASES]
    data = json.loads(render_json(results))
    jsonschema.validate(data, load_schema())


SEVERITY = {"info": 0, "warning": 1, "error": 2}
FINDING_CASES = [
    (name, i) for name, s in EXPECTED["samples"].items() for i, _ in enumerate(s.get("findings") or [])
]


@pytest.mark.parametrize("name,index", [sample_param(n, i, id=f"{n}-{i}") for n, i in FINDING_CASES])
def test_every_expected_finding_is_reported(name: str, index: int) -> None:
    want = EXPECTED["samples"][name]["findings"][index]
    for key in EXPECTED["samples"][name]["checks"]:
        r = result(name, key)
        if "field" in want:
            found = [f for f in r.findings if f.field == want["field"]]
        else:  # a topic about files: a finding or an invalid material names them
            files = set(want["files"])
            found = [f for f in r.findings if files & {Path(p).name for p in f.files}]
            found += [m for m in r.materials if m.status == "invalid" and files & {Path(p).name for p in m.files}]
        severities = [SEVERITY.get(getattr(f, "severity", "error"), 2) for f in found]
        assert severities and max(severities) >= SEVERITY[want["severity"]], (key, want["about"])


@pytest.mark.slow
def test_every_fact_says_how_it_was_read() -> None:
    """Typed in the workbook, a PDF's text layer, or OCR of a scan: the verdict side weighs them."""
    d = dossier("heilongjiang_scan_license")
    assert {f.evidence.how for f in d.facts.values() if f.evidence} == {"typed"}
    by_path = {f.path: f for f in d.files}
    assert by_path["scan0001.pdf"].facts["credit_code"].evidence.how == "ocr"
    assert by_path["scan0001.pdf"].facts["credit_code"].uncertain
    assert by_path["审计报告.pdf"].facts["total_assets"].evidence.how == "text"
    assert not d.facts["total_assets"].uncertain
