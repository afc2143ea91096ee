"""Every per-rule case of rulesets/<key>/cases.yaml as its own test, named by the case's sentence.

The jurisdictions are discovered (tests/jurisdictions.py): a new folder's cases run without editing this file."""

from __future__ import annotations

import pytest

from jurisdictions import keys
from pingtai_cli.engine.cases import run_case
from pingtai_cli.rules.cases import RuleCase, load_cases
from pingtai_cli.rules.schema import available, load_ruleset

SHIPPED = keys()


def _all_cases() -> list[tuple[str, str, RuleCase]]:
    return [
        (key, code, case)
        for key in SHIPPED
        for code, cases in load_cases(key).items()
        for case in cases
    ]


CASES = _all_cases()


def test_every_shipped_jurisdiction_has_cases() -> None:
    assert set(SHIPPED) <= set(available())
    assert {key for key, _, _ in CASES} == set(SHIPPED)


@pytest.mark.parametrize(
    ("key", "code", "case"), CASES, ids=[f"{k}/{c}:{case.name}" for k, c, case in CASES]
)
def test_rule_case(key: str, code: str, case: RuleCase) -> None:
    ruleset = load_ruleset(key)
    result = run_case(ruleset, code, case)
    shown = f"{code} {result.status}: {result.message} {result.notes}"
    assert result.status == case.status, shown
    if case.required is not None:
        assert result.required == case.required, shown
    for words in case.notes_contain:
        assert any(words in note for note in result.notes), f"notes lack {words!r}: {shown}"
