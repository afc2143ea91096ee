"""Where ruleset files are, and what their headers say, without importing pydantic.

`pingtai rules list` only needs each file's header and a few counts. Validating
five rulesets with pydantic costs ~0.4 s (the schema classes alone ~70 ms to
build); reading the YAML with libyaml costs ~3 ms a file. So the listing reads
files here, and the full, strict load (`ruleset.load_ruleset`) is kept for the
commands that use the rules.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import yaml

RULESETS_ENV = "PINGTAI_RULESETS_DIR"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster, same results



def package_data_dir(name: str) -> Path:
    """Where shipped data lives: inside the wheel (`_data/`), or the repo root in a checkout."""
    here = Path(__file__).resolve().parent
    bundled = here / "_data" / name
    if bundled.is_dir():
        return bundled
    return here.parent.parent / name


def ruleset_dirs(extra: Path | None = None) -> list[Path]:
    """User directories first (flag, then environment), the shipped rulesets last."""
    dirs: list[Path] = []
    if extra:
        dirs.append(extra)
    env = os.environ.get(RULESETS_ENV)
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    dirs.append(package_data_dir("rulesets"))
    return dirs


def available(extra: Path | None = None) -> dict[str, Path]:
    """Jurisdiction key → file; a user file shadows a shipped one of the same key."""
    found: dict[str, Path] = {}
    for d in reversed(ruleset_dirs(extra)):
        if d.is_dir():
            for p in sorted(d.glob("*.yaml")):
                if not p.name.startswith("_"):
                    found[p.stem] = p
    order = listing_order()
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def listing_order() -> dict[str, int]:
    """Display order from the shipped `_index.yaml` (data, so no code names a jurisdiction)."""
    try:
        text = (package_data_dir("rulesets") / "_index.yaml").read_text(encoding="utf-8")
        keys = (yaml.load(text, Loader=YAML_LOADER) or {}).get("order") or []
    except (OSError, yaml.YAMLError, AttributeError):
        keys = []
    return {str(k): i for i, k in enumerate(keys)}


def bad_date(node: yaml.Node | None) -> yaml.Node | None:
    """The first scalar YAML would read as a date that is no date (`issued: 2020-13-01`): the safe
    loader raises a bare ValueError for it, with no line; the composed node has the line."""
    from datetime import date as _date

    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                _date.fromisoformat(str(node.value)[:10])
            except ValueError:
                return node
        return None
    children = node.value if isinstance(node, yaml.SequenceNode | yaml.MappingNode) else []
    for child in children:
        for sub in child if isinstance(child, tuple) else (child,):
            found = bad_date(sub)
            if found is not None:
                return found
    return None


def is_shipped(path: Path) -> bool:
    return path.resolve().parent == package_data_dir("rulesets").resolve()


def read_plain(path: Path) -> dict[str, Any] | None:
    """The file's mapping read with libyaml, or None when it `extends:` another (needs the full load)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):  # ValueError: an impossible date
        return None
    if not isinstance(data, dict) or data.get("extends"):
        return None
    return data


def _codes(rules: Any) -> int:
    """Rules and the rules nested in their `options` (any_of alternatives)."""
    total = 0
    for r in rules or []:
        if isinstance(r, dict):
            total += 1 + sum(_codes(o.get("rules")) for o in r.get("options") or [] if isinstance(o, dict))
    return total


def summary(data: dict[str, Any], path: Path, on: date) -> dict[str, Any]:
    """One line of `rules list`, from a ruleset mapping (raw YAML or a validated model dump)."""
    doc = data.get("document") or {}
    functions = data.get("functions") or {}
    items = functions.get("items") or []
    start, until = doc.get("in_force_from"), doc.get("in_force_until")
    in_force = None
    if isinstance(start, date):
        in_force = start <= on and (not isinstance(until, date) or on <= until)
    return {
        "key": data.get("key", path.stem),
        "name": data.get("name"),
        "title": doc.get("title"),
        "number": doc.get("number"),
        "issuer": doc.get("issuer"),
        "level": doc.get("level"),
        "issued": _iso(doc.get("issued")),
        "in_force_from": _iso(start),
        "in_force_until": _iso(until),
        "in_force": in_force,
        "rules": _codes(data.get("basic")) + sum(_codes(i.get("rules")) for i in items) + _codes(data.get("exclusions")),
        "functions": len(items),
        "materials": len(data.get("materials") or []),
        "forms": len(data.get("forms") or []),
        "relaxations": len(data.get("relaxations") or []),
        "extends": data.get("extends"),
        "status": data.get("status") or "confirmed",
        "file": str(path),
        "shipped": is_shipped(path),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)
