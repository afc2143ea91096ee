"""Rewrite the readings section of rulesets/README.md from the rulesets themselves.

Every interpretation is a `readings:` entry of its ruleset; every second reading of a clause is a
rule's `readings[]`. The README lists both, per jurisdiction (tests/test_ruleset_meta.py checks).

    .venv/bin/python scripts/sync_readings.py
"""

from __future__ import annotations

import re
from pathlib import Path

from pingtai_cli.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "rulesets" / "README.md"
ORDER = ["national", "liaoning", "heilongjiang", "xuchang", "shaoguan"]


def section(key: str) -> list[str]:
    rs = load_ruleset(key)
    lines = [f"### {rs.name}（`{key}`）", ""]
    lines += [f"- {r}" for r in rs.readings]
    second = [(rule, reading) for rule in rs.all_rules() for reading in rule.readings]
    if second:
        lines += ["", "另一读法（规则的 `readings[]`，结论不同时一并显示，结论为“待审核”）：", ""]
        lines += [f"- {rule.code} {r.article}“{r.quote}”：{r.note}" for rule, r in second]
    return lines + [""]


def main() -> None:
    text = README.read_text(encoding="utf-8")
    body = ["<!-- readings:begin -->", ""]
    for key in ORDER:
        body += section(key)
    body.append("<!-- readings:end -->")
    new = re.sub(r"<!-- readings:begin -->.*<!-- readings:end -->", "\n".join(body), text, flags=re.S)
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
