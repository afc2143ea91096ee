"""The Python API for bureau scripts: the same results the CLI prints, as typed objects.

    from pingtai_cli import check_dossier
    result = check_dossier("dossiers/某平台", "liaoning", as_of=date(2026, 3, 15))
    result.verdict            # 'eligible' | 'ineligible' | 'incomplete' | 'review'
    result.to_dict()          # exactly `pingtai check --format json`
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pingtai_cli.core.errors import PingtaiError
from pingtai_cli.core.models import CheckResult, Dossier, Finding

if TYPE_CHECKING:
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
