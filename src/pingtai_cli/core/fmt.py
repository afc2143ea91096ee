"""How a fact's value is written in a sentence (numbers without float noise, 是/否, lists)."""

from __future__ import annotations

from typing import Any


def fmt(value: Any) -> str:
    """320.0 → '320', 0.5 → '0.5', True → '是'."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return "；".join(str(v) for v in value) or "（空）"
    return str(value)
