"""The import contract (issue 13): stages import one way, every module sits in a stage.

The contract itself is `[tool.importlinter]` in pyproject.toml (also run by `make lint`);
this test makes CI (`make test`) enforce it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
LAYERS = [  # a layer of independent siblings is written `a | b`
    name.strip()
    for layer in next(c for c in CONFIG["contracts"] if c["type"] == "layers")["layers"]
    for name in layer.split("|")
]
OUTSIDE_LAYERS = {"pingtai_cli", "pingtai_cli.__main__"}  # the lazy public API and `python -m`


def test_stages_import_one_way() -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, "an import crosses the layers of pyproject.toml's [tool.importlinter] (run lint-imports)"


def test_every_module_belongs_to_a_layer() -> None:
    """A new flat module at the package root would escape the contract."""
    graph = grimp.build_graph("pingtai_cli")
    stray = {
        m for m in graph.modules
        if m not in OUTSIDE_LAYERS and not any(m == layer or m.startswith(layer + ".") for layer in LAYERS)
    }
    assert not stray, f"modules in no layer of [tool.importlinter]: {sorted(stray)}"


def test_listing_and_cached_reading_form_no_cycle() -> None:
    """dossier.py and the cached readers imported each other (Limits); the limits live apart now."""
    graph = grimp.build_graph("pingtai_cli")
    assert graph.find_shortest_chain("pingtai_cli.intake.cached", "pingtai_cli.intake.dossier") is None
