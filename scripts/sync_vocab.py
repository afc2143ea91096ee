"""Rewrite what is derived from pingtai_cli/vocab/*.yaml (tests/test_vocab.py checks it is current).

- README's tables between `<!-- vocab:NAME:begin -->` and `<!-- vocab:NAME:end -->`: the fact keys
  pingtai adds to the contract, the service functions and the material keys;
- the JSON Schema's list of service-function keys (schemas/check.schema.json, `$defs.function`),
  so a function added to functions.yaml is valid in `check --format json` output.

    .venv/bin/python scripts/sync_vocab.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pingtai_cli import vocab

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SCHEMA = ROOT / "src" / "pingtai_cli" / "schemas" / "check.schema.json"
# the one line of the hand-formatted schema that lists the function keys (in $defs.function)
_FUNCTION_ENUM = re.compile(r'("function": \{"enum": )\[[^\]]*\](\})')


def extension_facts(v: vocab.Vocabulary) -> list[str]:
    rows = ["| key | labels in the 申请表 | unit |", "|---|---|---|"]
    for k, fk in v.facts.items():
        if fk.extra:
            inside = f"（填写栏内也作：{fk.segment}）" if fk.segment else ""  # 其中：自有 0 平方米
            rows.append(f"| `{k}` | {'、'.join(fk.labels)}{inside} | {fk.unit or ''} |")
    return rows


def functions(v: vocab.Vocabulary) -> list[str]:
    rows = ["| key | 功能 | written in 申报服务功能 as |", "|---|---|---|"]
    rows += [f"| `{k}` | {f.label} | {'、'.join(f.stems)}… |" for k, f in v.functions.items()]
    return rows


def materials(v: vocab.Vocabulary) -> list[str]:
    rows = ["| key | 材料 | suggested file name (init) | also satisfied by |", "|---|---|---|---|"]
    for k, m in v.materials.items():
        stem = f"{m.stem}{'.docx' if m.docx else '.pdf'}" if m.stem else ""
        sheet = v.list_sheets[m.sheet].sheet if m.sheet in v.list_sheets else ""
        also = f"工作表“{sheet}”" if sheet else ("申请报告的章节" if m.report_sections else "")
        rows.append(f"| `{k}` | {m.name}{'（pingtai 扩展）' if m.extra else ''} | {stem} | {also} |")
    return rows


TABLES = {"extensions": extension_facts, "functions": functions, "materials": materials}


def render(text: str, v: vocab.Vocabulary) -> str:
    """README's text with every vocabulary table regenerated."""
    for name, table in TABLES.items():
        begin, end = f"<!-- vocab:{name}:begin -->", f"<!-- vocab:{name}:end -->"
        body = "\n".join([begin, *table(v), end])
        start, stop = text.find(begin), text.find(end)
        if start < 0 or stop < start:
            raise SystemExit(f"README.md has no {begin} … {end}")
        text = text[:start] + body + text[stop + len(end) :]
    return text


def render_schema(text: str, v: vocab.Vocabulary) -> str:
    """The schema's text with the function keys of the vocabulary, in its order."""
    keys = json.dumps(list(v.functions), ensure_ascii=False)
    new, count = _FUNCTION_ENUM.subn(lambda m: f"{m[1]}{keys}{m[2]}", text)
    if count != 1:
        raise SystemExit(f"{SCHEMA.name}: expected one function enum line, found {count}")
    return new


def main() -> None:
    v = vocab.get()
    README.write_text(render(README.read_text(encoding="utf-8"), v), encoding="utf-8")
    SCHEMA.write_text(render_schema(SCHEMA.read_text(encoding="utf-8"), v), encoding="utf-8")


if __name__ == "__main__":
    main()
