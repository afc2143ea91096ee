"""A shipped ruleset, once validated, kept as a JSON record, as Python keeps bytecode in .pyc.

Validating with pydantic costs a cold check ~0.5 G instructions (importing and building the
models, then the validation itself, and the YAML parse), ~40 % of pingtai's own start-up work;
the shipped files seldom change. The record sits in the package's own `__pycache__`
(rules/__pycache__/ruleset-<key>.json; never in the rulesets folder, never in the extraction
cache, so `--no-cache` stays true to its word), and holds:

- `schema`: the SHA-256 of the sources validation depends on (the models, the loader, the check
  kinds, the vocabulary): a new pingtai or an edited vocabulary misses;
- `chain`: the file and each file it `extends`, with its SHA-256 and parent key: an edited file,
  or a parent now found elsewhere, misses;
- `ruleset`: the validated result (rules/model.py `to_json`).

A record is JSON, never pickle, and is read strictly: any mismatch, a missing or extra field, a
torn or altered file is a miss, and the file is validated in full again. User rulesets
(`--rulesets-dir`) are always validated in full; `rules validate` always is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pingtai_cli.core.files import write_atomic
from pingtai_cli.rules import model
from pingtai_cli.rules.files import is_shipped

Chain = list[tuple[Path, str | None]]  # each file of the ruleset, child first, with its `extends:`
FindParent = Callable[[Path, str], Path | None]

_PACKAGE = Path(__file__).resolve().parent.parent
_SOURCES = ("rules/model.py", "rules/pydantic_schema.py", "rules/schema.py", "rules/files.py", "rules/record.py",
            "core/patterns.py", "core/yamlload.py", "core/version.py", "vocab/__init__.py")  # fmt: skip
_SOURCE_GLOBS = ("rules/kinds/*.py", "vocab/*.yaml")


@lru_cache(maxsize=1)
def schema_digest() -> str:
    """SHA-256 over the sources a ruleset's validation depends on."""
    h = hashlib.sha256()
    files = [_PACKAGE / s for s in _SOURCES] + sorted(p for g in _SOURCE_GLOBS for p in _PACKAGE.glob(g))
    for p in files:
        h.update(p.relative_to(_PACKAGE).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_path(path: Path) -> Path | None:
    """Where a shipped ruleset's record goes; None for a user's file (always validated)."""
    if not is_shipped(path):
        return None
    return Path(__file__).resolve().parent / "__pycache__" / f"ruleset-{path.resolve().parent.name}.json"


def load(path: Path, find_parent: FindParent) -> model.Ruleset | None:
    """The record's ruleset if it still stands for `path` and every file it extends, else None."""
    where = record_path(path)
    if where is None:
        return None
    try:
        data = json.loads(where.read_text(encoding="utf-8"), object_hook=model.revive)
        if not _still_valid(data, path, find_parent):
            return None
        rs = data["ruleset"]
    except (OSError, ValueError, TypeError, KeyError, RecursionError):  # torn, altered, stale: a miss
        return None
    return rs if isinstance(rs, model.Ruleset) else None


def _still_valid(data: Any, path: Path, find_parent: FindParent) -> bool:
    if not isinstance(data, dict) or data.get("schema") != schema_digest():
        return False
    chain = data.get("chain")
    if not isinstance(chain, list) or not chain or Path(chain[0][0]) != path.resolve():
        return False
    for i, (file, digest, parent) in enumerate(chain):
        here = Path(file)
        if _file_digest(here) != digest:
            return False
        found = find_parent(here, parent) if parent else None
        following = Path(chain[i + 1][0]) if i + 1 < len(chain) else None
        if (found.resolve() if found else None) != following:
            return False
    return True


def save(path: Path, chain: Chain, rs: model.Ruleset) -> None:
    """Keep a freshly validated shipped ruleset; a folder that cannot be written costs time only."""
    where = record_path(path)
    if where is None:
        return
    links = [[str(p.resolve()), _file_digest(p), parent] for p, parent in chain]
    try:
        text = model.to_json({"schema": schema_digest(), "chain": links, "ruleset": rs})
        where.parent.mkdir(exist_ok=True)
        write_atomic(where, text, durable=False)  # a record torn by a power cut is a miss
    except (OSError, TypeError, ValueError):  # TypeError: a value JSON cannot keep (no record then)
        with contextlib.suppress(OSError):
            where.unlink()
