"""The `pingtai rules …` commands as Python functions, without Typer.

    from pingtai_cli.api.rules import list_rulesets, show_ruleset, explain_rule, new_ruleset, run_ruleset_cases
    show_ruleset("liaoning")["basic"]           # `rules show liaoning --format json`
    explain_rule("NA-B03")["basis"]["quote"]    # `rules explain NA-B03 --format json`

Each returns what the command prints with `--format json` (or a typed object); the Markdown
views are outputs.ruleviews.render_show_markdown / render_explain_markdown of the same dicts.
`rules validate` is api.validate_ruleset. Errors are PingtaiError with the CLI's exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.dates import as_of_date

if TYPE_CHECKING:
    from pingtai_cli.engine.cases import CaseFailure
    from pingtai_cli.rules.scaffold import DraftWritten


def list_rulesets(rulesets_dir: Path | None = None, as_of: date | str | None = None) -> list[dict[str, Any]]:
    """`rules list --format json`: every ruleset's header, counts and 现行 words (an unreadable one: its error)."""
    from pingtai_cli.outputs.ruleviews import in_force_words
    from pingtai_cli.rules.files import ruleset_summaries

    on = as_of_date(as_of)
    return [r if "error" in r else {**r, "in_force_words": in_force_words(r, on)}
            for r in ruleset_summaries(rulesets_dir, on)]


def show_ruleset(key: str, rulesets_dir: Path | None = None, as_of: date | str | None = None) -> dict[str, Any]:
    """`rules show KEY --format json`: every entry of a ruleset, grouped."""
    from pingtai_cli.outputs.explain import outline
    from pingtai_cli.rules.schema import load_ruleset

    return outline(load_ruleset(key, rulesets_dir), as_of_date(as_of))


def explain_rule(code: str, rulesets_dir: Path | None = None, as_of: date | str | None = None) -> dict[str, Any]:
    """`rules explain CODE --format json`: what the entry checks, its article and text, examples, fix, readings."""
    from pingtai_cli.outputs.explain import explanation

    return explanation(code, as_of_date(as_of), rulesets_dir)


def new_ruleset(
    key: str,
    text: str | Path,
    *,
    extends: str | None = None,
    out_dir: str | Path = ".",
    prefix: str | None = None,
    force: bool = False,
    rulesets_dir: Path | None = None,
) -> DraftWritten:
    """`rules new KEY --text FILE`: draft OUT_DIR/KEY/ruleset.yaml, cases.yaml and a copy of the text
    (rules.scaffold.draft_summary(result) is what the command prints)."""
    from pingtai_cli.rules.scaffold import write_draft

    return write_draft(key, Path(text), extends=extends, out_dir=Path(out_dir), prefix=prefix, force=force,
                       rulesets_dir=rulesets_dir)


@dataclass
class RulesetCases:
    """`rules test KEY`: where its cases file is (or would be), whether it held any, how many ran, which failed."""

    key: str
    cases_path: Path
    found: bool
    total: int
    failures: list[CaseFailure]

    @property
    def exit_code(self) -> int:
        return 0 if self.found and not self.failures else 1


def run_ruleset_cases(key: str, rulesets_dir: Path | None = None) -> RulesetCases:
    """Run a ruleset's cases.yaml through the engine (each rule's expected result on given facts)."""
    from pingtai_cli.engine.cases import run_cases
    from pingtai_cli.rules.cases import load_cases
    from pingtai_cli.rules.files import available, cases_path
    from pingtai_cli.rules.schema import load_ruleset

    rs = load_ruleset(key, rulesets_dir)
    cases = load_cases(key, rulesets_dir)
    run = run_cases(rs, cases)
    return RulesetCases(key, cases_path(available(rulesets_dir)[key]), bool(cases), run.total, run.failures)
