"""`--format html`: one standalone, printable file — inline CSS, no script, no network.

Rendered by Jinja2 with autoescape on: every dossier string (org name, file
names, messages quoting the dossier) reaches the page as text. A
Content-Security-Policy meta tag forbids scripts and remote loads as a second wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from pingtai_cli.core.models import CheckResult
from pingtai_cli.core.version import __version__
from pingtai_cli.outputs.report.labels import check_lang, generated_line, t
from pingtai_cli.outputs.report.view import (
    GROUPS,
    build_view,
    counts,
    fact_rows,
    file_rows,
    index_rows,
    tally,
)


@lru_cache(maxsize=1)
def _template() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pingtai_cli", "outputs/report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2")


def render_html(
    results: Sequence[CheckResult],
    *,
    verbose: bool = False,
    lang: str = "zh",
    today: date | None = None,
) -> str:
    """The whole report as one HTML document (several dossiers: one section each, a page apiece in print)."""
    check_lang(lang)
    views = [build_view(r, lang) for r in results]
    title = t("label.title", lang)
    if len(views) == 1:
        title += f" — {views[0].org}"
    index = index_rows(views) if len(views) > 1 else None
    return _template().render(
        views=views,
        index=index,
        tally=tally(list(results), lang) if index else None,
        groups=GROUPS,
        lang=lang,
        title=title,
        version=__version__,
        generated=generated_line(lang, today),
        t=lambda key, **kw: t(key, lang, **kw),
        counts=counts,
        fact_rows=fact_rows,
        file_rows=file_rows,
    )
