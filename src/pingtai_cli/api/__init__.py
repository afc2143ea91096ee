"""The Python API for bureau scripts: every command's work, as typed objects, without Typer.

    from pingtai_cli import check_dossier
    result = check_dossier("dossiers/某平台", "liaoning", as_of=date(2026, 3, 15))
    result.verdict            # 'eligible' | 'ineligible' | 'incomplete' | 'review'
    result.to_dict()          # exactly `pingtai check --format json`

One function per command: check_dossier / check_batch (`check`), validate_ruleset
(`rules validate`), fill_forms (`fill-forms`, in api/forms.py), init_dossier (`init`),
compare_jurisdictions (`compare-jurisdictions`). Messages for people go to a `say` callback
(default: nowhere); errors are PingtaiError with the CLI's exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pingtai_cli.core.dates import as_of_date
from pingtai_cli.core.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, DossierError, PingtaiError
from pingtai_cli.core.models import CheckResult, Dossier, Finding

if TYPE_CHECKING:
    from pingtai_cli.api.forms import FilledForms, fill_forms  # noqa: F401 - re-exported
    from pingtai_cli.intake.limits import Limits
    from pingtai_cli.rules.schema import Ruleset


def read_dossier(path: str | Path, *, limits: Limits | None = None, use_cache: bool = True) -> Dossier:
    """Read one dossier folder or .zip into facts, materials and findings (never raises for bad files)."""
    from pingtai_cli.intake import dossier
    from pingtai_cli.intake.cache import enabled

    kwargs = {"limits": limits} if limits is not None else {}
    with enabled(use_cache):  # off: still no file extracted twice within this read
        return dossier.read_dossier(Path(path), **kwargs)


def check_dossier(
    path: str | Path,
    jurisdiction: str,
    *,
    as_of: date | None = None,
    rulesets_dir: Path | None = None,
    limits: Limits | None = None,
    use_cache: bool = True,
) -> CheckResult:
    """Check one dossier against one jurisdiction's ruleset (default date: today)."""
    return check_many(path, [jurisdiction], as_of=as_of, rulesets_dir=rulesets_dir, limits=limits, use_cache=use_cache)[0]


def check_many(
    path: str | Path,
    jurisdictions: list[str],
    *,
    as_of: date | None = None,
    rulesets_dir: Path | None = None,
    limits: Limits | None = None,
    use_cache: bool = True,
) -> list[CheckResult]:
    """Read a dossier once and check it against several rulesets (compare-jurisdictions --dossier)."""
    from pingtai_cli.engine.verdict import evaluate
    from pingtai_cli.rules.schema import load_ruleset

    when = as_of or date.today()
    rulesets = [load_ruleset(j, rulesets_dir) for j in jurisdictions]  # unknown key: fail before reading
    try:
        dossier = read_dossier(path, limits=limits, use_cache=use_cache)
    except PingtaiError as e:
        return [error_result(str(path), rs, when, str(e)) for rs in rulesets]
    return [evaluate(dossier, rs, when) for rs in rulesets]


def error_result(path: str, ruleset: Ruleset, as_of: date, reason: str) -> CheckResult:
    """A dossier that could not be checked at all: its own result (with `error` set), so a batch goes on."""
    finding = Finding("dossier.unreadable", "error", f"无法检查卷宗 {path}：{reason}", [path])
    return CheckResult(
        dossier=path,
        jurisdiction=ruleset.key,
        jurisdiction_name=ruleset.name,
        document=ruleset.document.cited,
        as_of=as_of,
        verdict="incomplete",
        in_force=True,
        findings=[finding],
        reasons=[finding.message],
        error=reason,
    )


def _quiet(message: str) -> None:
    """The default `say`: messages for people go nowhere unless asked."""


Say = Callable[[str], None]


def exit_code(results: list[CheckResult], missing: list[str]) -> int:
    """Spec §3: 2 when a path is missing or nothing given could be checked at all."""
    if missing or (results and all(r.error for r in results)):
        return EXIT_USAGE
    return EXIT_OK if results and all(r.verdict == "eligible" for r in results) else EXIT_FINDINGS


@dataclass
class BatchChecked:
    """`pingtai check PATH...`: every dossier's result, the paths that were not there, the exit code."""

    results: list[CheckResult]
    missing_paths: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return exit_code(self.results, self.missing_paths)


def check_batch(
    paths: Sequence[str | Path],
    jurisdiction: str,
    *,
    as_of: date | str | None = None,
    rulesets_dir: Path | None = None,
    limits: Limits | None = None,
    use_cache: bool = True,
    timeout: float | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    say: Say = _quiet,
    run: Callable[[list[Path], Any], list[CheckResult]] | None = None,
) -> BatchChecked:
    """Check dossiers, or folders of dossiers, as `pingtai check` does (workers, time limit,
    duplicates marked); `run` replaces the plain run (the CLI's adds progress)."""
    from pingtai_cli.api.batch import Job, announce, check_all
    from pingtai_cli.core.deadline import check_seconds
    from pingtai_cli.rules.schema import load_ruleset

    load_ruleset(jurisdiction, rulesets_dir)  # unknown jurisdiction: fail before any reading
    job = Job([jurisdiction], as_of_date(as_of), rulesets_dir, limits, use_cache, check_seconds(timeout), jobs,
              scheduler=scheduler)
    given = [Path(p) for p in paths]
    results = run(given, job) if run is not None else check_all(announce(given, job, say), job)
    return BatchChecked(results, job.missing_paths)


@dataclass
class RulesetValidation:
    """`pingtai rules validate FILE`: problems (`file:line: field: reason`), hints, the ruleset if valid."""

    problems: list[str]
    warnings: list[str]
    ruleset: Ruleset | None


def validate_ruleset(path: str | Path, rulesets_dir: Path | None = None) -> RulesetValidation:
    """Validate one ruleset file: its form (schema), then its meaning (keys, counts, quotes)."""
    from pingtai_cli.rules.validate import validate_file

    return RulesetValidation(*validate_file(Path(path), rulesets_dir))


@dataclass
class InitDossier:
    """`pingtai init DIR`: the files written and what the CLI tells the applicant about them."""

    written: list[Path]
    skeleton: Any  # outputs.skeleton.Skeleton
    shipped: bool  # the ruleset is one shipped with pingtai (else `check` needs --rulesets-dir)


def init_dossier(
    directory: str | Path,
    jurisdiction: str,
    *,
    as_of: date | str | None = None,
    force: bool = False,
    rulesets_dir: Path | None = None,
) -> InitDossier:
    """Create a dossier folder: 申请表.xlsx with the jurisdiction's items, 材料清单.md, README.txt."""
    import dataclasses

    from pingtai_cli.outputs.forms.fill import applicant_form_keys
    from pingtai_cli.outputs.skeleton import build_skeleton, write_dossier
    from pingtai_cli.rules.files import is_shipped
    from pingtai_cli.rules.schema import available, load_ruleset

    ruleset = load_ruleset(jurisdiction, rulesets_dir)
    skeleton = build_skeleton(ruleset, as_of_date(as_of), applicant_form_keys(ruleset))
    shipped = is_shipped(available(rulesets_dir)[jurisdiction])
    skeleton = dataclasses.replace(skeleton, user_ruleset=not shipped)
    written = write_dossier(skeleton, Path(directory), force=force)
    return InitDossier(written, skeleton, shipped)


def compare_jurisdictions(
    keys: Sequence[str] = (),
    *,
    rulesets_dir: Path | None = None,
    dossier: str | Path | None = None,
    as_of: date | str | None = None,
) -> Any:
    """The regulations side by side (outputs.comparison.Comparison; all shipped keys when none),
    with one dossier's verdict and gaps under each on top when `dossier` is given."""
    from pingtai_cli.outputs.comparison import comparison
    from pingtai_cli.rules.schema import available, load_ruleset

    chosen = list(dict.fromkeys(keys)) or list(available(rulesets_dir))
    cmp = comparison([load_ruleset(k, rulesets_dir) for k in chosen])
    if dossier is not None:
        add_dossier(cmp, dossier, as_of=as_of, rulesets_dir=rulesets_dir)
    return cmp


def add_dossier(
    cmp: Any, path: str | Path, *, as_of: date | str | None = None, rulesets_dir: Path | None = None
) -> list[CheckResult]:
    """Check the dossier once under every column's ruleset and put verdicts and gaps on top."""
    from pingtai_cli.outputs.comparison import dossier_rows

    path = Path(path)
    if not path.exists():
        raise DossierError(f"卷宗路径不存在：{path}")
    results = check_many(path, [c.key for c in cmp.columns], as_of=as_of_date(as_of), rulesets_dir=rulesets_dir)
    cmp.rows[:0] = dossier_rows(results)
    return results


def __getattr__(name: str) -> Any:
    """fill_forms and FilledForms live in api/forms.py, imported when first used."""
    if name in ("fill_forms", "FilledForms"):
        from pingtai_cli.api import forms

        return getattr(forms, name)
    raise AttributeError(name)
