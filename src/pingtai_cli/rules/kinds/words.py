"""Words several kinds (and describe/explain) share: a fact's short name, a condition, a symbol."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pingtai_cli.factkeys import label_of

if TYPE_CHECKING:
    from pingtai_cli.rules.schema import When

SYMBOLS = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": "＝"}
# Short names inside a structure sentence, where the full label would drown the numbers.
SHORT_LABELS = {
    "financing_activities": "活动",
    "financing_amount": "融资",
    "guarantee_amount": "新增担保",
    "financing_business_share": "融资性业务占比",
    "small_agri_share": "支小支农占比",
    "info_offline_smes": "线下服务企业",
    "info_activities": "活动",
    "tech_activities": "活动",
    "startup_events": "活动",
    "training_person_times": "培训",
}


def short_label(field: str) -> str:
    label = SHORT_LABELS.get(field) or label_of(field)
    return label[2:] if label.startswith("是否") else label


def when_text(when: When) -> str:
    """`is_renewal == true` → 再次申报; `platform_type == 综合性` → 平台类型为综合性."""
    label = short_label(when.field)
    if when.equals is True:
        return label
    if when.equals is False:
        return f"不{label}" if label.startswith(("具有", "属于", "持有")) else f"非{label}"
    return f"{label}为{when.equals}"
