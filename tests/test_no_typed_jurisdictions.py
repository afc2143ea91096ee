"""No code, help text or schema lists the jurisdictions by hand: they are discovered.

A list typed in one place silently leaves out the next jurisdiction (issue 13: "help texts list
the five keys by hand"). Examples in prose are fine (`如 xuchang`); two or more keys in one string,
or a list/set/dict of keys, are a typed list.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from cli_helpers import invoke
from jurisdictions import shipped_keys

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted((REPO / "src" / "pingtai_cli").rglob("*.py")) + [REPO / "scripts" / "sync_readings.py"]


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


# One pattern for every key, built once: the scan below runs it on each string constant in src/.
_KEY = re.compile(r"(?<![a-z_])(" + "|".join(map(re.escape, shipped_keys())) + r")(?![a-z_])")
_SHIPPED = frozenset(shipped_keys())


def _keys_in(text: str) -> set[str]:
    return set(_KEY.findall(text))


def typed_lists(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if len(_keys_in(node.value)) >= 2:
                found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
        elif isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            named = [x.value for x in items if isinstance(x, ast.Constant) and x.value in _SHIPPED]
            if len(named) >= 2:
                found.append(f"{path.name}:{node.lineno}: {named}")
    return found


def test_no_source_types_a_list_of_jurisdictions() -> None:
    assert [hit for path in SOURCES for hit in typed_lists(path)] == []


def test_the_check_schema_names_no_jurisdiction() -> None:
    text = (REPO / "src" / "pingtai_cli" / "schemas" / "check.schema.json").read_text(encoding="utf-8")
    assert _keys_in(text) == set()


@pytest.mark.parametrize(
    "command",
    [["check"], ["init"], ["fill-forms"], ["compare-jurisdictions"], ["rules", "show"], ["templates", "vars"]],
    ids=" ".join,
)
def test_help_texts_list_no_jurisdictions(command: list[str]) -> None:
    out = invoke(*command, "--help").output
    assert "rules list" in out or command == ["templates", "vars"]
    assert len(_keys_in(out)) <= 1, out  # at most one key as an example
