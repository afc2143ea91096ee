"""The service functions' names as an applicant writes them (信息 / 信息服务 / 信息服务功能) and their labels."""

from __future__ import annotations

FUNCTION_NAMES: dict[str, tuple[str, ...]] = {
    "information": ("信息",),
    "technology": ("技术",),
    "startup": ("创业",),
    "training": ("培训",),
    "financing": ("融资", "投融资", "担保"),
    "comprehensive": ("综合",),
}
FUNCTION_LABELS = {
    "information": "信息服务",
    "technology": "技术服务",
    "startup": "创业服务",
    "training": "培训服务",
    "financing": "融资服务",
    "comprehensive": "综合服务",
}


def normalise_function(name: str) -> str | None:
    """信息 / 信息服务 / 信息服务功能 / information → information; unknown → None."""
    text = name.strip().lower()
    if text in FUNCTION_NAMES:
        return text
    for key, stems in FUNCTION_NAMES.items():
        if any(text.startswith(s) for s in stems):
            return key
    return None
