"""Run one shipped rule case (rules/cases.py loads them) through the engine, as `evaluate()` would."""

from __future__ import annotations

from pingtai_cli.core.models import RuleResult
from pingtai_cli.engine.checks import matches_exclusion
from pingtai_cli.engine.derive import derive, derive_declared
from pingtai_cli.engine.verdict import run_rule
from pingtai_cli.rules.cases import RuleCase, case_dossier
from pingtai_cli.rules.schema import Ruleset


def run_case(ruleset: Ruleset, code: str, case: RuleCase) -> RuleResult:
    """Evaluate one rule on a case the way `evaluate()` does (exclusions apply when they match)."""
    rule = ruleset.rule(code)
    dossier = case_dossier(case)
    facts = derive(dossier, case.as_of, ruleset=ruleset)
    derive_declared(ruleset, dossier, facts)
    exclusion_codes = {r.code for x in ruleset.exclusions for r in x.walk()}
    if code in exclusion_codes:
        return matches_exclusion(rule, facts)
    return run_rule(rule, ruleset, facts)
