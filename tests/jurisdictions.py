"""The jurisdictions the tests cover: discovered from the rulesets, never typed by hand.

Every meta-test and the rule cases are parametrized over `keys()`: the shipped jurisdiction
folders (`rulesets/<key>/ruleset.yaml`) plus any jurisdiction folder in PINGTAI_RULESETS_DIR, so a
sixth folder dropped into `rulesets/` (or a bureau's own folder, pointed at by the variable) is
checked like the five without editing a test (tests/test_sixth_jurisdiction.py proves it). Flat
user files (`<key>.yaml`: a county's changes, a year's notice) are not whole jurisdictions and are
left to the tests that name them.
"""

from __future__ import annotations

from pathlib import Path

from pingtai_cli.rules.articles import policy_path
from pingtai_cli.rules.files import RULESET_FILE, available, policy_dirs, shipped
from pingtai_cli.rules.schema import load_ruleset


def keys() -> list[str]:
    """Every jurisdiction folder found, in listing order (shipped first)."""
    home = set(shipped())
    return [k for k, p in available().items() if k in home or p.name == RULESET_FILE]


def shipped_keys() -> list[str]:
    """The jurisdictions this checkout ships (no user directory)."""
    return list(shipped())


def ruleset_file(key: str) -> Path:
    return available()[key]


def policy_file(key: str) -> Path:
    """The policy text a jurisdiction's ruleset quotes (`document.source_file`)."""
    source = load_ruleset(key).document.source_file
    assert source, f"{key}: document.source_file 未填写"
    found = policy_path(source, policy_dirs(ruleset_file(key)))
    assert found is not None, f"{key}: 找不到政策原文 {source}"
    return found


def code_prefix(key: str) -> str:
    """The code prefix a ruleset's rules share (NA of NA-B01): read from its first basic rule."""
    return load_ruleset(key).basic[0].code.split("-")[0]
