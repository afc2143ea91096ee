"""`--format markdown`: a report a reviewer can paste into a ticket or print.

Dossier strings are escaped twice over: Markdown punctuation gets a backslash
(no links, emphasis or tables forged from a file name) and `< > &` become
entities, so a renderer that passes raw HTML through shows `<script>` as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Unpack

from pingtai_cli.core.models import CheckResult
from pingtai_cli.outputs.report.labels import t
from pingtai_cli.outputs.report.view import (
    GROUPS,
    Document,
    ReportOptions,
    ResultView,
    Row,
    counts,
    document,
    fact_rows,
    file_rows,
)

_MD_PUNCT = re.compile(r"([\\`*_\[\]|~#$])")


# GitHub and GitLab turn bare `https://…` and `www.…` into links (GFM autolinks, no markup
# needed): a zero-width space after the scheme's colon or the `www` keeps dossier text inert.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)")


def esc(text: str) -> str:
    """Inline Markdown text that renders as exactly these characters, and never as a link."""
    text = re.sub(r"\s*\n\s*", " ", text)
    text = _AUTOLINK.sub("\u200b", text)
    return html.escape(_MD_PUNCT.sub(r"\\\1", text), quote=False)


def _table(heads: list[str], rows: list[list[str]]) -> list[str]:
    """A GFM table; cells are escaped here, so callers pass plain text."""
    out = ["| " + " | ".join(esc(h) for h in heads) + " |", "|" + "---|" * len(heads)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out + [""]


def render_markdown(results: Sequence[CheckResult], **options: Unpack[ReportOptions]) -> str:
    """Several dossiers: an index first (counts per verdict, a row per dossier); then one section
    per dossier, then the generated-by line."""
    doc = document(results, **options)
    parts = [_one(v, doc.verbose) for v in doc.views]
    if doc.index is not None:
        parts.insert(0, _index(doc))
    return "\n---\n\n".join(parts) + f"\n---\n\n*{esc(doc.generated)}*\n"


def _index(doc: Document) -> str:
    """As the HTML index: the count per verdict, then dossier, org, credit code, verdict, key gaps."""
    lang, tl, index = doc.lang, doc.tally, doc.index
    assert tl is not None and index is not None  # the index and the tally come together
    counts_row = [
        f"{n}{t('label.of_which_error', lang, n=tl.unreadable) if verdict == 'incomplete' and tl.unreadable else ''}"
        for verdict, _, n in tl.per_verdict
    ]
    lines = [f"# {esc(t('label.summary', lang, n=len(doc.views)))}", ""]
    lines += _table([word for _, word, _ in tl.per_verdict] + [t("label.total", lang)], [[*counts_row, str(tl.total)]])
    if tl.duplicates:
        lines += [esc(t("label.duplicates", lang, n=tl.duplicates).strip()), ""]
    heads = [t(k, lang) for k in ("col.no", "label.dossier", "col.org", "col.credit_code", "col.verdict", "col.gaps")]
    rows = [[str(r.no), r.dossier, r.org, r.credit_code, r.verdict_word, "；".join(r.gaps) or "—"] for r in index]
    return "\n".join(lines + _table(heads, rows))


def _one(view: ResultView, verbose: bool) -> str:
    lang = view.lang
    r = view.result
    c = counts(r)
    lines = [f"# {esc(t('label.title', lang))}", ""]
    head = [
        (t("col.org", lang), view.org),
        (t("label.dossier", lang), view.dossier),
        (t("label.jurisdiction", lang), f"{r.jurisdiction_name} {r.document}"),
        (t("label.as_of", lang), r.as_of.isoformat()),
    ]
    colon = t("label.colon", lang)
    lines += [f"**{esc(k)}**{colon}{esc(v)}  " for k, v in head]
    tally = " · ".join(
        f"{t(key, lang)} {n}"
        for key, n in c.tally()
        if n
    )
    lines += [
        f"**{esc(t('verdict.title', lang))}**{colon}**{esc(view.verdict_word)}**"
        + (f"（{esc(tally)}）" if tally else ""),
        "",
    ]
    if view.banner:
        lines += [f"> ⚠ **{esc(view.banner)}**", ""]
    if r.error:
        lines += [f"> **{esc(t('label.error', lang))}**{colon}{esc(r.error)}", ""]
        return "\n".join(lines)
    if r.reasons:
        lines += (
            [f"**{esc(t('label.reasons', lang))}**", ""] + [f"- {esc(x)}" for x in r.reasons] + [""]
        )
    for group in GROUPS:
        rows = view.rows[group]
        if rows or group == "consistency":
            lines += _group(group, rows, lang)
    problems = view.problems()
    if problems:
        lines += [f"## {esc(t('label.details', lang))}", ""]
        for row in problems:
            lines += _details(row, lang)
    lines += _readings(view)
    lines += _evidence(view)
    return "\n".join(lines)


def _group(group: str, rows: list[Row], lang: str) -> list[str]:
    lines = [f"## {esc(t(f'group.{group}', lang))}", ""]
    if group == "consistency":
        if not rows:
            return lines + [f"✔ {esc(t('label.no_findings', lang))}", ""]
        heads = [t(k, lang) for k in ("col.status", "col.code", "label.message", "col.evidence")]
        body = [
            [f"{r.mark} {r.word}", r.code, r.message, "；".join(r.evidence + r.files)] for r in rows
        ]
        return lines + _table(heads, body)
    if group == "materials":
        heads = [
            t(k, lang) for k in ("col.status", "col.code", "col.name", "label.files", "col.article")
        ]
        body = [[f"{r.mark} {r.word}", r.code, r.name, "、".join(r.files), r.article] for r in rows]
        return lines + _table(heads, body)
    keys = (
        "col.status",
        "col.code",
        "col.name",
        "col.actual",
        "col.required",
        "col.gap",
        "col.article",
    )
    body = [
        [
            f"{r.mark} {r.word}",
            r.code,
            "　" * r.depth + r.name,
            r.actual,
            r.required,
            r.gap,
            r.article,
        ]
        for r in rows
    ]
    return lines + _table([t(k, lang) for k in keys], body)


def _details(row: Row, lang: str) -> list[str]:
    lines = [f"### {row.mark} {esc(' '.join(x for x in (row.code, row.name) if x))}", ""]
    items: list[tuple[str, str]] = []
    if row.message:
        items.append((t("label.message", lang), row.message))
    if row.quote:
        items.append((t("label.quote", lang), f"{row.article}“{row.quote}”"))
    if row.evidence:
        items.append((t("label.source", lang), "；".join(row.evidence)))
    if row.files:
        items.append((t("label.files", lang), "、".join(row.files)))
    items += [(t("label.note", lang), n) for n in row.notes]
    if row.fix:
        items.append((t("label.fix", lang), row.fix))
    colon = t("label.colon", lang)
    return lines + [f"- **{esc(k)}**{colon}{esc(v)}" for k, v in items] + [""]


def _readings(view: ResultView) -> list[str]:
    """Every reading of the text behind a condition; those that decide otherwise are marked."""
    if not view.readings:
        return []
    lang = view.lang
    colon = t("label.colon", lang)
    lines = [f"## {esc(t('label.readings', lang))}", ""]
    for r in view.readings:
        mark = f"**⚠ {esc(t('label.reading_differs', lang))}** " if r.differs else ""
        lines.append(f"- {mark}**{esc(r.code)} {esc(r.name)}**（{esc(r.article)}）{colon}{esc(r.note)}")
    return lines + [""]


def _evidence(view: ResultView) -> list[str]:
    lang = view.lang
    lines: list[str] = []
    files = file_rows(view.result)
    if files:
        heads = [
            t(k, lang)
            for k in ("col.file", "col.kind", "col.recognised", "col.pages", "label.problems")
        ]
        lines += [f"## {esc(t('label.files_section', lang))}", ""]
        lines += _table(heads, [[f.path, f.kind, f.recognised, f.pages, f.problem] for f in files])
    facts = fact_rows(view.result, lang)
    if facts:
        heads = [t(k, lang) for k in ("col.item", "col.value", "col.source")]
        lines += [f"## {esc(t('label.facts_section', lang))}", ""]
        lines += _table(heads, [[f.label, f.value, f.source] for f in facts])
    return lines
