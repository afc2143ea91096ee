"""Write the generated parts of the READMEs from the shipped rulesets themselves.

- `rulesets/<key>/README.md`, one per jurisdiction folder: what the folder holds, then every
  interpretation (the ruleset's `readings:`) and every second reading of a clause (a rule's
  `readings[]`);
- the table of jurisdictions and the index of readings in `rulesets/README.md`;
- the table of encoded texts at the top of `README.md`.

Jurisdictions are discovered (`rulefiles.shipped()`), so a folder dropped into `rulesets/` gets its
README and its rows without editing this script. tests/test_ruleset_meta.py checks the files are
current (`render()` equals what is committed).

    .venv/bin/python scripts/sync_readings.py            # rewrite
    .venv/bin/python scripts/sync_readings.py --check    # exit 1 when a file is stale
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pingtai_cli.rules.files import cases_path, package_data_dir, readme_path, shipped
from pingtai_cli.rules.schema import Ruleset, load_file

ROOT = Path(__file__).resolve().parent.parent
RULESETS_README = ROOT / "rulesets" / "README.md"
TOP_README = ROOT / "README.md"
GENERATED = "<!-- 由 scripts/sync_readings.py 从 ruleset.yaml 生成；请改规则文件后重新运行，勿手改。 -->"


def prefix(rs: Ruleset) -> str:
    codes = [r.code for r in rs.all_rules()]
    return codes[0].split("-")[0] + "-" if codes else ""


def readings_lines(rs: Ruleset) -> list[str]:
    lines = [f"- {r}" for r in rs.readings]
    second = [(rule, reading) for rule in rs.all_rules() for reading in rule.readings]
    if second:
        lines += ["", "另一读法（规则的 `readings[]`，结论不同时一并显示，结论为“待审核”）：", ""]
        lines += [f"- {rule.code} {r.article}“{r.quote}”：{r.note}" for rule, r in second]
    return lines


def folder_readme(rs: Ruleset, path: Path) -> str:
    """The README of one jurisdiction's folder."""
    doc = rs.document
    templates = package_data_dir("templates") / rs.key
    n_cases = 0
    if cases_path(path).is_file():
        n_cases = sum(1 for line in cases_path(path).read_text(encoding="utf-8").splitlines()
                      if line.lstrip().startswith("- name:"))
    lines = [
        f"# {rs.name}（`{rs.key}`）",
        "",
        GENERATED,
        "",
        f"{doc.cited} — {doc.issuer}，{doc.issued}（{doc.level}）。",
        "",
        "| file | what |",
        "|---|---|",
        f"| `{path.name}` | the ruleset: every threshold, material and deadline with its article and quote (codes `{prefix(rs)}`) |",
    ]
    if cases_path(path).is_file():
        lines.append(f"| `{cases_path(path).name}` | per-rule cases ({n_cases}): facts in → status out |")
    if doc.source_file:
        lines.append(f"| `{doc.source_file}` | the policy text the quotes are from (`document.source_file`) |")
    lines.append("| `README.md` | this file |")
    if templates.is_dir():
        forms = ", ".join(f"`{p.name}`" for p in sorted(templates.glob("*.docx")))
        lines += ["", f"Its Word forms are in `templates/{rs.key}/` ({forms})."]
    lines += ["", "## 读法 / Readings", "", *readings_lines(rs), ""]
    return "\n".join(lines)


def rulesets_table(found: list[tuple[Ruleset, Path]]) -> list[str]:
    lines = ["| key | folder | document | issuer | issued | level | text | codes |", "|---|---|---|---|---|---|---|---|"]
    for rs, _ in found:
        doc = rs.document
        lines.append(f"| `{rs.key}` | [`{rs.key}/`]({rs.key}/README.md) | {doc.cited} | {doc.issuer} | {doc.issued} "
                     f"| {doc.level} | `{doc.source_file or '—'}` | `{prefix(rs)}` |")
    return lines


def readings_index(found: list[tuple[Ruleset, Path]]) -> list[str]:
    return [f"- [{rs.name}（`{rs.key}`）]({rs.key}/README.md#读法--readings)：{len(rs.readings)} 条读法，"
            f"{sum(len(r.readings) for r in rs.all_rules())} 条另一读法" for rs, _ in found]


def top_table(found: list[tuple[Ruleset, Path]]) -> list[str]:
    lines = ["| 地区 key | 文件 | 发文机关 | 文号 |", "|---|---|---|---|"]
    for rs, _ in found:
        doc = rs.document
        lines.append(f"| `{rs.key}` | 《{doc.title}》 | {doc.issuer} | {doc.number or '（原文无文号）'} |")
    return lines


def _between(text: str, name: str, body: list[str]) -> str:
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    block = "\n".join([begin, *body, end])
    new, n = re.subn(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    if n != 1:
        raise SystemExit(f"missing {begin} … {end}")
    return new


def render() -> dict[Path, str]:
    """Every generated file → its text as it should be."""
    found = [(load_file(path), path) for path in shipped().values()]
    out = {readme_path(path): folder_readme(rs, path) for rs, path in found}
    text = RULESETS_README.read_text(encoding="utf-8")
    text = _between(text, "jurisdictions", rulesets_table(found))
    out[RULESETS_README] = _between(text, "readings", ["", *readings_index(found), ""])
    out[TOP_README] = _between(TOP_README.read_text(encoding="utf-8"), "jurisdictions", top_table(found))
    return out


def stale() -> list[Path]:
    return [p for p, text in render().items() if not p.is_file() or p.read_text(encoding="utf-8") != text]


def main() -> None:
    if "--check" in sys.argv[1:]:
        old = stale()
        for p in old:
            print(f"stale: {p} (run scripts/sync_readings.py)")
        raise SystemExit(1 if old else 0)
    for path, text in render().items():
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
