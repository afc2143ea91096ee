"""Nested data — lists and dicts of values, as YAML and JSON hold them — rebuilt with its leaves
converted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def map_leaves(value: Any, leaf: Callable[[Any], Any], key: Callable[[Any], Any] | None = None) -> Any:
    """`value` with every list and dict in it rebuilt (a dict's keys through `key`, when given) and
    `leaf` applied to everything else."""
    if isinstance(value, list):
        return [map_leaves(v, leaf, key) for v in value]
    if isinstance(value, dict):
        return {(k if key is None else key(k)): map_leaves(v, leaf, key) for k, v in value.items()}
    return leaf(value)
