"""Run one shipped rule case (rules/cases.py loads them) through the engine, as `evaluate()` would."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class CaseFailure:
    """A case whose rule came out otherwise than the case says (`got` may say why it could not run)."""

    code: str
    name: str
    expected: str
    got: str


@dataclass
class CasesRun:
    """`rules test`: how many cases ran and the ones that failed."""

    total: int = 0
    failures: list[CaseFailure] = field(default_factory=list)


def run_cases(ruleset: Ruleset, cases: dict[str, list[RuleCase]]) -> CasesRun:
    """Run every case of a ruleset (rules/cases.py: load_cases); a case that cannot run is a failure, not an error."""
    run = CasesRun()
    for code, items in cases.items():
        for case in items:
            run.total += 1
            try:
                got: str = run_case(ruleset, code, case).status
            except Exception as e:  # noqa: BLE001 - an unknown code or a broken case is a failure to report
                got = f"无法运行（{e}）"
            if got != case.status:
                run.failures.append(CaseFailure(code, case.name, case.status, got))
    return run
