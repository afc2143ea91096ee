"""Ruleset patterns (text_match) run in RE2, a linear-time engine: a ruleset from outside
cannot hang a check with `^(a+)+$` (catastrophic backtracking in Python's `re`).

RE2 refuses what it cannot run in linear time (backreferences, lookaround); such a pattern
is a ruleset problem, reported in Chinese when the ruleset is loaded or validated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_PATTERN = 2000  # characters: a legal clause is matched by a short phrase, not a program
_MAX_MEM = 8 << 20  # bytes RE2 may use for one compiled pattern


def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # the reason comes back in the exception, not on stderr
    options.max_mem = _MAX_MEM
    return options


@lru_cache(maxsize=512)
def compiled(pattern: str) -> Any:
    """The RE2 program of a pattern (raises ValueError with a Chinese reason)."""
    import re2

    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"正则表达式过长（{len(pattern)} 字符，上限 {MAX_PATTERN}）")
    try:
        return re2.compile(pattern, _options())
    except re2.error as e:
        reason = e.args[0].decode("utf-8", "replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ValueError(
            f"正则表达式 {pattern!r} 不能用线性时间引擎执行（{reason}）："
            "不支持反向引用（\\1）、前瞻/后顾（(?=…)、(?<=…)）等写法，请改写"
        ) from None


def search(pattern: str, text: str) -> bool:
    return compiled(pattern).search(text) is not None
