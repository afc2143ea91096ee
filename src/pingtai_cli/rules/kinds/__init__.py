"""The check kinds a ruleset entry picks by name (`check: threshold`): one module each.

Each module holds one `Kind`: the fields a rule of it needs (the schema's check), its evaluation
(engine/checks.evaluate_rule runs it), its wording (rules show/explain, compare-jurisdictions,
the 申请表's 说明 column, `rules new`), and its documentation with a worked example
(`pingtai rules kinds NAME`; tests/test_kinds.py evaluates the example). A new kind is a new
module here and one line in `_MODULES`; no other module names a kind.
"""

from __future__ import annotations

import difflib
from typing import Any

from pingtai_cli.core.errors import UnknownKind
from pingtai_cli.rules.kinds import any_of, flag, in_area, one_of, review, text_match, threshold
from pingtai_cli.rules.kinds.base import HEADINGS, REGISTRY, Kind, kind_of

__all__ = ["HEADINGS", "NAMES", "REGISTRY", "Kind", "documentation", "get", "kind_of", "listing", "table"]

# In the order the ruleset schema lists them.
_MODULES = (threshold, flag, review, any_of, text_match, one_of, in_area)
for _module in _MODULES:
    REGISTRY[_module.KIND.name] = _module.KIND
NAMES: tuple[str, ...] = tuple(REGISTRY)


def get(name: str) -> Kind:
    """The kind of that name, or an error that lists the kinds (and the closest names)."""
    kind = REGISTRY.get(name.strip())
    if kind is None:
        close = difflib.get_close_matches(name.strip(), NAMES, n=2)
        hint = f"是否要找：{'、'.join(close)}；" if close else ""
        raise UnknownKind(f"没有检查类型 {name!r}（{hint}可选：{'、'.join(NAMES)}）。")
    return kind


def listing() -> list[dict[str, Any]]:
    """Every kind in a line: `rules kinds` (and its JSON)."""
    return [{"name": k.name, "title": k.title, "summary": k.summary, "needs": list(k.needs)}
            for k in REGISTRY.values()]


def table() -> str:
    """The kinds as a Markdown table (`rules kinds --format markdown`, rulesets/README.md)."""
    lines = ["| check | 名称 | 检查什么 | 必填字段 |", "|---|---|---|---|"]
    for k in listing():
        needs = "、".join(f"`{n}`" for n in k["needs"]) or "—"
        lines.append(f"| `{k['name']}` | {k['title']} | {k['summary']} | {needs} |")
    return "\n".join(lines) + "\n"


def documentation(kind: Kind) -> dict[str, Any]:
    """A kind's documentation as `rules kinds NAME` prints it (and its JSON)."""
    sections = kind.sections()
    example = kind.example()
    return {
        "name": kind.name,
        "title": kind.title,
        "summary": kind.summary,
        "needs": list(kind.needs),
        "sections": {h: sections.get(h, "") for h in HEADINGS},
        "example": {
            "rule": example.rule,
            "cases": [{"name": c.name, "facts": c.facts, "status": c.status, "message": c.message}
                      for c in example.cases],
        },
        "text": kind.doc,
    }
