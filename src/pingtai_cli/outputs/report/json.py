"""`--format json` and `jsonl`: the spec §3 objects, exactly as `CheckResult.to_dict()` builds them.

The shape is described by `pingtai_cli/schemas/check.schema.json`, shipped in the wheel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pingtai_cli.core.models import CheckResult, Finding
from pingtai_cli.outputs.report.labels import check_lang

SCHEMA_RESOURCE = "check.schema.json"


def _default(value: Any) -> Any:
    """Values a dataclass may carry that json cannot: dates, sets, anything else as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    return str(value)


def _finite(obj: Any) -> Any:
    """NaN and infinities are not JSON: they become null rather than an unreadable file."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def _dump(obj: Any, *, indent: int | None) -> str:
    """The walk that replaces NaN is paid only by the rare result that holds one."""
    try:
        return json.dumps(obj, ensure_ascii=False, indent=indent, default=_default, allow_nan=False)
    except ValueError:
        return json.dumps(
            _finite(obj), ensure_ascii=False, indent=indent, default=_default, allow_nan=False
        )


@dataclass(frozen=True)
class Encoded:
    """A result's compact JSON, made by the batch worker that checked it and cut after its last
    finding: a finding the batch adds afterwards (a duplicate) is spliced in, so the parent never
    dumps a whole result again (0.1 s of a 100-dossier batch, all of it after the workers)."""

    head: str  # the object up to its last finding; the findings' closing bracket is in `tail`
    tail: str
    findings: int  # how many findings `head` holds
    stripped: bool = False  # the result was sent without what this JSON holds (api/batch.py _stripped)

    def text(self) -> str:
        return self.head + self.tail

    def with_finding(self, finding: Finding) -> Encoded:
        sep = ", " if self.findings else ""  # json's own separator: the text is what one dump makes
        added = _dump(finding.to_dict(), indent=None)
        return Encoded(self.head + sep + added, self.tail, self.findings + 1, self.stripped)


def compact(result: CheckResult) -> str:
    """The result's spec §3 object on one line; the worker's JSON while it holds every finding
    (`add_finding` keeps it so; anything else that changes a result must drop `encoded`)."""
    made = result.encoded
    if made is not None and made.findings == len(result.findings):
        return made.text()
    if made is not None and made.stripped:  # no dump of what is left could stand for it
        raise RuntimeError(f"{result.dossier}: 结果在批量检查后被改动，无法输出 JSON")
    return _dump(result.to_dict(), indent=None)


def _whole(result: CheckResult) -> dict[str, Any]:
    """The spec §3 object, also of a result stripped in its batch worker."""
    made = result.encoded
    return json.loads(compact(result)) if made is not None and made.stripped else result.to_dict()


def encode(result: CheckResult) -> None:
    """Make the compact JSON now (in a batch worker, so that the parent does not, one by one).

    Dumped in three parts (before the findings, the findings, after them) that join into exactly
    the text of one dump: json writes an object as `{` + `"key": value` joined by `, ` + `}`.
    """
    whole = result.to_dict()
    keys = list(whole)
    at = keys.index("findings")
    before = _dump({k: whole[k] for k in keys[:at]}, indent=None)
    after = {k: whole[k] for k in keys[at + 1 :]}
    head = before[:-1] + ', "findings": ' + _dump(whole["findings"], indent=None)[:-1]
    tail = "]" + (", " + _dump(after, indent=None)[1:] if after else "}")
    result.encoded = Encoded(head, tail, len(result.findings))


def add_finding(result: CheckResult, finding: Finding) -> None:
    """A finding the batch adds once every result is in (a duplicate), in the worker's JSON too."""
    made = result.encoded
    if made is not None:  # out of step with the findings already: dumped afresh by `compact`
        result.encoded = made.with_finding(finding) if made.findings == len(result.findings) else None
    result.findings.append(finding)


def render_json(results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh") -> str:
    """One object for one result, an array for several (spec §3). `lang` does not apply: keys are a contract.

    One result is indented for reading. A batch puts one compact result per line: json's
    indenting encoder is pure Python, 4× slower than the compact one (0.1 s per 100 dossiers).
    """
    check_lang(lang)
    if len(results) == 1:
        return _dump(_whole(results[0]), indent=2) + "\n"
    if not results:
        return "[]\n"
    return "[\n" + ",\n".join(compact(r) for r in results) + "\n]\n"


def render_jsonl(results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh") -> str:
    """One compact object per line, for streams and `jq -c`."""
    check_lang(lang)
    return "".join(compact(r) + "\n" for r in results)


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `pingtai check --format json`."""
    from importlib import resources  # here: a batch imports this module for add_finding alone

    text = (
        resources.files("pingtai_cli")
        .joinpath("schemas", SCHEMA_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return json.loads(text)
