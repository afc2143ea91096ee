"""Transition only: the fact keys now live in `pingtai_cli.vocab` (vocab/facts.yaml).

Kept so old imports keep working while modules move; new code imports pingtai_cli.vocab.
"""

from __future__ import annotations

from typing import Any

from pingtai_cli.vocab import DECLARED_LABELS, FactKey, label_of, unit_of

__all__ = ["DECLARED_LABELS", "FactKey", "label_of", "unit_of"]


def __getattr__(name: str) -> Any:  # read the vocabulary only when a table is asked for
    from pingtai_cli import vocab

    v = vocab.get()
    tables = {
        "FACT_KEYS": lambda: tuple(v.facts.values()),
        "BY_KEY": lambda: dict(v.facts),
        "DERIVED_KEYS": lambda: {k: (d.label, d.unit) for k, d in v.derived.items()},
        "DOCUMENT_KEYS": lambda: dict(v.documents),
        "YEARLY_COLUMNS": lambda: {c.key: c.header for c in v.yearly.columns if c.key != "year"},
    }
    if name in tables:
        return tables[name]()
    raise AttributeError(name)
