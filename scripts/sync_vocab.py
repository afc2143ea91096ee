"""Rewrite README's vocabulary tables from pingtai_cli/vocab/*.yaml (tests/test_vocab.py checks).

The tables between `<!-- vocab:NAME:begin -->` and `<!-- vocab:NAME:end -->` are generated: the
fact keys pingtai adds to the contract, the service functions and the material keys.

    .venv/bin/python scripts/sync_vocab.py
"""

from __future__ import annotations

from pathlib import Path

from pingtai_cli import vocab

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


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


def main() -> None:
    text = README.read_text(encoding="utf-8")
    README.write_text(render(text, vocab.get()), encoding="utf-8")


if __name__ == "__main__":
    main()
