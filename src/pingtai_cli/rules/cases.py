"""Per-rule cases shipped beside the rulesets (`rulesets/<key>/cases.yaml`): facts in → status out.

Each case names its expected result in a sentence ("资产总额恰为100万元时满足辽宁第十二条（一）").
The test suite runs every case; `pingtai rules explain` can show one passing and one
failing case of a rule as its examples.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pingtai_cli import vocab
from pingtai_cli.core.errors import RulesetError
from pingtai_cli.core.models import Dossier, Fact, Status
from pingtai_cli.rules.files import RulesetFileError, cases_path, load_untrusted, read_bounded
from pingtai_cli.rules.schema import Ruleset, available, load_ruleset
from pingtai_cli.vocab import unit_of

DEFAULT_AS_OF = date(2026, 3, 15)


class RuleCase(BaseModel):
    """One case: the facts of a dossier and the status the rule must give them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=4)
    as_of: date = DEFAULT_AS_OF
    facts: dict[str, Any] = {}
    yearly: list[dict[str, Any]] = []
    lists: dict[str, list[dict[str, Any]]] = {}  # list sheets: staff, served_smes, partners (spec §1.3)
    status: Status
    required: str | None = None  # the threshold in force, e.g. ">= 50" when a variant applies
    notes_contain: list[str] = []  # words the notes must hold (other readings, relaxations)


def cases_file(key: str, extra_dir: Path | None = None) -> Path | None:
    """`cases.yaml` in the folder of `key` (or `cases/<key>.yaml` beside a flat file), if there is one."""
    files = available(extra_dir)
    if key not in files:
        return None
    path = cases_path(files[key])
    return path if path.is_file() else None


def load_cases(key: str, extra_dir: Path | None = None) -> dict[str, list[RuleCase]]:
    """Rule code → its cases; empty when the ruleset ships none."""
    path = cases_file(key, extra_dir)
    if path is None:
        return {}

    try:
        data = load_untrusted(read_bounded(path))[0] or {}
    except RulesetFileError as e:
        raise RulesetError(f"用例文件 {path}：{e}") from e
    if not isinstance(data, dict):
        raise RulesetError(f"用例文件 {path} 顶层应为“规则编号: [用例…]”的映射")
    out: dict[str, list[RuleCase]] = {}
    problems: list[str] = []
    for code, items in data.items():
        for i, item in enumerate(items or []):
            try:
                case = RuleCase.model_validate(item)
            except ValidationError as e:
                problems += [
                    f"{path.name}: {code}[{i}].{'.'.join(map(str, x['loc']))}: {x['msg']}"
                    for x in e.errors()
                ]
                continue
            unknown = [k for k in case.facts if k not in vocab.get().facts and k not in _declared(key, extra_dir)]
            problems += [f"{path.name}: {code}[{i}]: 未知的事实字段 {k}" for k in unknown]
            out.setdefault(str(code), []).append(case)
    if problems:
        raise RulesetError(f"用例文件 {path} 校验失败：", problems)
    return out


def _declared(key: str, extra_dir: Path | None) -> set[str]:
    """The fact keys the ruleset itself declares (`facts:`), which its cases may set."""

    return {f.key for f in load_ruleset(key, extra_dir).facts}


def case_dossier(case: RuleCase) -> Dossier:
    """A dossier holding exactly the case's facts and yearly rows."""
    facts = {k: Fact(k, v, unit_of(k)) for k, v in case.facts.items()}
    lists = {k: [dict(r) for r in rows] for k, rows in case.lists.items()}
    return Dossier(path=f"case:{case.name}", facts=facts, yearly=[dict(r) for r in case.yearly], lists=lists)


def examples(ruleset: Ruleset, code: str, extra_dir: Path | None = None) -> dict[str, RuleCase]:
    """One passing and one failing case of a rule (for `rules explain`), where the cases have them."""
    cases = load_cases(ruleset.key, extra_dir).get(code, [])
    out: dict[str, RuleCase] = {}
    for status in ("pass", "fail"):
        found = next((c for c in cases if c.status == status), None)
        if found:
            out[status] = found
    return out
