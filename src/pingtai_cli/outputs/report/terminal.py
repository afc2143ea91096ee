"""The terminal report: the verdict on top, then the groups, problems spelled out, the rest one line each.

Every string that may come from a dossier is put into a rich `Text` (never
parsed as markup) after `view.clean` has made control characters visible, so
an org_name like `[red]x` or `\\x1b[2J` prints as itself.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from pingtai_cli.core.models import CheckResult
from pingtai_cli.outputs.report.labels import check_lang, t
from pingtai_cli.outputs.report.view import (
    GROUPS,
    MARKS,
    Counts,
    ResultView,
    Row,
    build_view,
    counts,
    gap_words,
    main_problems,
    outside_note,
)
from pingtai_cli.outputs.report.wrap import Wrapped

TONE_STYLES = {
    "ok": "green",
    "fail": "bold red",
    "absent": "yellow",
    "missing": "yellow",
    "relax": "magenta",
    "warn": "yellow",
    "review": "cyan",
    "off": "dim",
}
VERDICT_STYLES = {
    "eligible": "bold white on green",
    "ineligible": "bold white on red",
    "incomplete": "bold black on yellow",
    "review": "bold white on magenta",
    "error": "bold white on red",
}
VERDICT_ORDER = ("eligible", "ineligible", "incomplete", "review", "error")
DETAIL_INDENT = 6


def render_terminal(
    results: Sequence[CheckResult],
    *,
    verbose: bool = False,
    lang: str = "zh",
    summary: bool = False,
) -> RenderableType:
    """The report for one or several results, one after another; `summary` appends the batch table."""
    check_lang(lang)
    parts: list[RenderableType] = []
    for i, result in enumerate(results):
        if i:
            parts.append(Rule(style="dim"))
        parts.append(render_one(build_view(result, lang), verbose=verbose))
    if summary:
        parts += [Rule(style="dim"), render_summary(results, lang=lang)]
    return Group(*parts)


def print_results(
    console: Console, results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh"
) -> None:
    """Print the report on `console` (the check command passes its own, stdout)."""
    console.print(render_terminal(results, verbose=verbose, lang=lang))


def print_summary(console: Console, results: Sequence[CheckResult], *, lang: str = "zh") -> None:
    """Print the batch summary on `console` (the check command uses stderr)."""
    console.print(render_summary(results, lang=lang))


def render_text(
    results: Sequence[CheckResult], *, verbose: bool = False, lang: str = "zh", width: int = 100
) -> str:
    """The terminal report as plain text (with the batch table for several), for `--output`."""
    console = Console(
        record=True, width=width, file=io.StringIO(), color_system=None, force_terminal=False
    )
    console.print(render_terminal(results, verbose=verbose, lang=lang, summary=len(results) > 1))
    return console.export_text()


def render_one(view: ResultView, *, verbose: bool = False) -> RenderableType:
    lang = view.lang
    parts: list[RenderableType] = [Text(view.org, style="bold"), _verdict_line(view), _header(view)]
    if view.banner:
        parts.append(Panel(Text(view.banner, style="bold red"), title="⚠", border_style="bold red"))
    if view.result.error:
        parts.append(
            Panel(Text(view.result.error), title=t("label.error", lang), border_style="red")
        )
        return Group(*parts)
    for group in GROUPS:
        rows = view.rows[group]
        if not rows and group != "consistency":
            continue
        parts.append(_group(view, group, rows, verbose))
    readings = _readings(view, verbose)
    if readings is not None:
        parts.append(readings)
    return Group(*parts)


def _readings(view: ResultView, verbose: bool) -> RenderableType | None:
    """Readings of the text: those that decide otherwise always, every one with -v."""
    shown = [r for r in view.readings if r.differs or verbose]
    if not shown:
        return None
    lang = view.lang
    lines: list[RenderableType] = [Text(t("label.readings", lang), style="bold")]
    for r in shown:
        line = Text()
        if r.differs:
            line.append(f"⚠ {t('label.reading_differs', lang)} ", style=TONE_STYLES["warn"])
        line.append(f"{r.code} {r.name}", style="bold")
        line.append(f"（{r.article}）{t('label.colon', lang)}{r.note}")
        lines.append(_hanging(Text("·"), Wrapped(line), 2))
    return Group(*lines)


def _header(view: ResultView) -> Text:
    r = view.result
    text = Text()
    text.append(f"{t('label.dossier', view.lang)} ", style="dim")
    text.append(view.dossier)
    text.append(f" · {t('label.as_of', view.lang)} {r.as_of.isoformat()}", style="dim")
    text.append(f"\n{r.jurisdiction_name} {r.document}", style="dim")
    return text


def _verdict_line(view: ResultView) -> Text:
    lang = view.lang
    text = Text()
    text.append(t("verdict.title", lang) + t("label.colon", lang), style="bold")
    text.append(f" {view.verdict_word} ", style=VERDICT_STYLES.get(view.verdict, "bold"))
    if not view.result.error:
        c = counts(view.result)
        for key, n in c.tally():
            if n:
                text.append("  ")
                text.append(f"{t(key, lang)} {n}", style=COUNT_STYLES[key])
    return text


def _group(view: ResultView, group: str, rows: list[Row], verbose: bool) -> RenderableType:
    lang = view.lang
    head = Text("\n")
    head.append(t(f"group.{group}", lang), style="bold underline")
    tally = Counter(
        r.mark for r in rows if r.depth < 2 and not (group == "functions" and r.depth == 0)
    )
    for mark, n in sorted(tally.items(), key=lambda kv: list(MARKS.values()).index(kv[0])):
        head.append(f"  {mark}{n}", style="dim")
    lines: list[RenderableType] = [head]
    if group == "functions":
        lines += _function_lines(view, rows, verbose)
    else:
        lines += _plain_lines(view, rows, verbose)
    if group == "consistency" and not rows:
        lines.append(Text(f"  {MARKS['ok']} {t('label.no_findings', lang)}", style="green"))
    return Group(*lines)


def _plain_lines(view: ResultView, rows: list[Row], verbose: bool) -> list[RenderableType]:
    lang = view.lang
    out: list[RenderableType] = []
    collapsed = [r for r in rows if not verbose and _collapsible(r)]
    optional = [r for r in rows if r.tone == "off"]
    hidden = {id(r) for r in collapsed} | ({id(r) for r in optional} if not verbose else set())
    for row in rows:
        if id(row) in hidden:
            continue
        out += _row(row, lang, detail=verbose or row.is_problem)
    if optional and not verbose:
        names = "、".join(r.name for r in optional)
        out.append(
            Text(
                f"  {MARKS['off']} {t('label.optional_materials', lang, names=names)}", style="dim"
            )
        )
    if collapsed:
        out.append(_collapsed_line(collapsed, lang))
    return out


def _collapsible(row: Row) -> bool:
    """Qualitative review items and info findings fold into one count line unless -v."""
    return row.qualitative or (row.group == "consistency" and row.status == "info")


def _collapsed_line(rows: list[Row], lang: str) -> Text:
    key = (
        "label.info_collapsed"
        if all(r.group == "consistency" for r in rows)
        else "label.review_collapsed"
    )
    return Text(f"  {MARKS['review']} {t(key, lang, n=len(rows))}", style=TONE_STYLES["review"])


def _function_lines(view: ResultView, rows: list[Row], verbose: bool) -> list[RenderableType]:
    """The count rule, each declared function, and the open conditions of functions that matter."""
    lang = view.lang
    fr = view.result.functions
    open_ = fr is not None and fr.status != "pass"
    out: list[RenderableType] = []
    collapsed: list[Row] = []
    not_declared: list[str] = []
    parent: Row | None = None
    for row in rows:
        if row.depth == 0:
            out += _row(row, lang, detail=verbose or row.is_problem)
        elif row.depth == 1:
            parent = row
            if row.status == "not_declared" and not verbose:
                not_declared.append(row.name)
            else:
                out += _row(row, lang, detail=False)
        elif verbose:
            out += _row(row, lang, detail=True)
        elif parent is not None and parent.status not in ("not_declared", "pass") and open_:
            if row.qualitative:
                collapsed.append(row)
            elif row.tone != "ok":
                out += _row(row, lang, detail=row.is_problem)
    if not_declared:
        names = "、".join(not_declared)
        out.append(
            Text(f"    {MARKS['off']} {t('label.off_functions', lang, names=names)}", style="dim")
        )
    if collapsed:
        out.append(_collapsed_line(collapsed, lang))
    return out


def _row(row: Row, lang: str, *, detail: bool) -> list[RenderableType]:
    """One line for the item; below it, when asked, the clause, the source and the fix."""
    style = TONE_STYLES[row.tone]
    indent = "  " + "  " * row.depth
    line = Text()
    line.append(row.name, style="bold" if row.is_problem else "")
    keep: list[tuple[int, int]] = []  # the value, each file and the article stay on one line
    value = _value_text(row, lang)
    if value:
        line.append("  ")
        keep.append((len(line), len(line) + len(value)))
        line.append(value)
    if row.gap:
        line.append("  ")
        line.append(row.gap, style=style)
    if row.files and row.group == "materials" and row.tone in ("ok", "review"):
        line.append("  ")
        for i, name in enumerate(row.files):  # a file's name stays whole
            keep.append((len(line) + bool(i), len(line) + bool(i) + len(name)))
            line.append(("、" if i else "") + name, style="dim")
    code = row.code if row.tone != "ok" and (row.group != "functions" or row.depth != 1) else ""
    ref = " ".join(x for x in (row.article, code) if x)
    if ref and row.group != "consistency":
        keep.append((len(line) + 2, len(line) + 2 + len(ref)))
        line.append(f"  {ref}", style="dim")
    out: list[RenderableType] = [_hanging(Text(row.mark, style=style), Wrapped(line, tuple(keep)), len(indent))]
    if detail:
        out += _details(row, lang, len(indent) + 2)
    elif row.tone == "review" and row.message and not row.qualitative:  # why a reviewer must look
        colon = t("label.colon", lang)
        out.append(_detail_line(t("label.message", lang), row.message, len(indent) + 2, colon))
    return out


def _hanging(mark: Text, line: Wrapped, indent: int) -> RenderableType:
    """`  ✔ text…` whose folded lines stay under the text, not at column 0."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(mark, line)
    return Padding(grid, (0, 0, 0, indent))


def _value_text(row: Row, lang: str) -> str:
    if row.group == "consistency":
        return ""
    yes = t("label.yes", lang)
    required = row.required if row.required and row.required != yes else ""
    if row.actual and required and row.tone == "ok":
        return f"{row.actual}（{required}）"
    if row.actual and required:
        return f"{row.actual} / {t('col.required', lang)} {required}"
    if row.actual:
        return row.actual
    if required and row.tone != "ok":
        return f"{row.word} / {t('col.required', lang)} {required}"
    return "" if row.tone == "ok" else row.word


def _details(row: Row, lang: str, indent: int) -> list[RenderableType]:
    lines: list[tuple[str, str]] = []
    if row.message and (not row.gap or not row.quote) and row.group != "consistency":
        lines.append((t("label.message", lang), row.message))
    if row.quote:
        lines.append((t("label.quote", lang), f"“{row.quote}”"))
    if row.evidence:
        lines.append((t("label.source", lang), "；".join(row.evidence)))
    if row.files and row.tone not in ("ok", "review"):
        lines.append((t("label.files", lang), "、".join(row.files)))
    lines += [(t("label.note", lang), note) for note in row.notes]
    if row.fix and row.tone != "ok":
        lines.append((t("label.fix", lang), row.fix))
    colon = t("label.colon", lang)
    return [_detail_line(label, body, indent, colon) for label, body in lines]


def _detail_line(label: str, body: str, indent: int, colon: str = "：") -> RenderableType:
    text = Text()
    text.append(label + colon, style="dim")
    text.append(body)
    return Padding(Wrapped(text), (0, 0, 0, indent))


COUNT_MARKS = {"short.n_fail": "✘", "short.n_missing": "？", "short.n_absent": "缺", "short.n_invalid": "⚠", "short.n_review": "◎"}
COUNT_STYLES = {"short.n_fail": "red", "short.n_missing": "yellow", "short.n_absent": "yellow", "short.n_invalid": "yellow", "short.n_review": "magenta"}


def _count_words(c: Counts) -> str:
    """`✘4 缺2`: the non-zero counts only, so the column stays narrow (legend under the table)."""
    return " ".join(f"{COUNT_MARKS[key]}{n}" for key, n in c.tally() if n) or "—"


def render_summary(results: Iterable[CheckResult], *, lang: str = "zh") -> RenderableType:
    """The batch summary: one line per dossier and the count of each verdict."""
    results = list(results)
    from rich import box

    from pingtai_cli.engine.duplicates import duplicate_note

    table = Table(
        title=t("label.summary", lang, n=len(results)),
        title_justify="left",
        expand=True,
        box=box.SIMPLE_HEAD,  # no cell borders: the words get the width
    )
    table.add_column(t("col.no", lang), no_wrap=True)
    table.add_column(t("col.org", lang), overflow="fold", ratio=2)
    table.add_column(t("col.verdict", lang), no_wrap=True)
    table.add_column(t("col.counts", lang), overflow="fold", ratio=1)
    table.add_column(t("col.problems", lang), overflow="fold", ratio=4)
    tally: Counter[str] = Counter()
    for i, result in enumerate(results, 1):
        view = build_view(result, lang)
        tally[result.verdict] += 1
        tally["error"] += bool(result.error)
        c = counts(result)
        gaps = gap_words(result) if lang == "zh" else [main_problems(result)]
        area = gaps.pop(0) if lang == "zh" and outside_note(result) else ""
        problems = "；".join(x for x in gaps if x)
        dup = duplicate_note(result)
        if dup:
            tally["duplicate"] += 1
            problems = "；".join(x for x in (dup, problems) if x)
        if area:  # first: a long duplicate note would push it past the cut
            problems = "；".join(x for x in (area.split("（")[0], problems) if x)
        table.add_row(
            str(i),
            Wrapped(Text(view.org)),
            Text(view.verdict_word, style=VERDICT_STYLES.get(view.verdict, "")),
            _count_words(c),
            Wrapped(Text(problems[:100] + ("…" if len(problems) > 100 else ""))),
        )
    legend = Text("  ".join(f"{mark} {t(key, lang)}" for key, mark in COUNT_MARKS.items()), style="dim")
    line = Text(t("label.total", lang) + t("label.colon", lang))
    for verdict in VERDICT_ORDER:
        if verdict == "error":
            continue
        line.append(
            f" {t(f'verdict.{verdict}', lang)} {tally[verdict]} ", style=VERDICT_STYLES[verdict]
        )
        if verdict == "incomplete" and tally["error"]:
            line.append(t("label.of_which_error", lang, n=tally["error"]), style=VERDICT_STYLES["error"])
        line.append(" ")
    if tally["duplicate"]:
        line.append(t("label.duplicates", lang, n=tally["duplicate"]), style="bold")
    return Group(table, legend, line)
