"""Words several kinds (and describe/explain) share: a fact's short name, a condition, a symbol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pingtai_cli import vocab
from pingtai_cli.vocab import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import When

SYMBOLS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": "＝"}


def short_label(field: str) -> str:
    """A fact's short name inside a structure sentence (vocab `short`), where the full label would
    drown the numbers; else its label, without 是否."""
    fk = vocab.get().facts.get(field)
    label = (fk.short if fk else "") or label_of(field)
    return label[2:] if label.startswith("是否") else label


def when_text(when: When) -> str:
    """`is_renewal == true` → 再次申报; `platform_type == 综合性` → 平台类型为综合性."""
    label = short_label(when.field)
    if when.equals is True:
        return label
    if when.equals is False:
        return f"不{label}" if label.startswith(("具有", "属于", "持有")) else f"非{label}"
    return f"{label}为{when.equals}"
