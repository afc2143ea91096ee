"""`--format json` and `jsonl`: the spec §3 objects, exactly as `CheckResult.to_dict()` builds them.

The shape is described by `pingtai_cli/schemas/check.schema.json`, shipped in the wheel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any

from pingtai_cli.core.models import CheckResult
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


def compact(result: CheckResult) -> str:
    """The result's spec §3 object on one line; made by the batch worker that checked it, when
    nothing was added to it since (the batch's duplicate findings)."""
    made = result.encoded
    if made is not None and made[0] == len(result.findings):
        return made[1]
    return _dump(result.to_dict(), indent=None)


def encode(result: CheckResult) -> None:
    """Make the compact JSON now (in a batch worker, so that the parent does not, one by one)."""
    result.encoded = (len(result.findings), _dump(result.to_dict(), indent=None))


def render_json(results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh") -> str:
    """One object for one result, an array for several (spec §3). `lang` does not apply: keys are a contract.

    One result is indented for reading. A batch puts one compact result per line: json's
    indenting encoder is pure Python, 4× slower than the compact one (0.1 s per 100 dossiers).
    """
    check_lang(lang)
    if len(results) == 1:
        return _dump(results[0].to_dict(), indent=2) + "\n"
    if not results:
        return "[]\n"
    return "[\n" + ",\n".join(compact(r) for r in results) + "\n]\n"


def render_jsonl(results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh") -> str:
    """One compact object per line, for streams and `jq -c`."""
    check_lang(lang)
    return "".join(compact(r) + "\n" for r in results)


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `pingtai check --format json`."""
    text = (
        resources.files("pingtai_cli")
        .joinpath("schemas", SCHEMA_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return json.loads(text)
