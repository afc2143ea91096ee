"""`--format html`: one standalone, printable file — inline CSS, no script, no network.

Rendered by Jinja2 with autoescape on: every dossier string (org name, file
names, messages quoting the dossier) reaches the page as text. A
Content-Security-Policy meta tag forbids scripts and remote loads as a second wall.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Unpack

from pingtai_cli.core.models import CheckResult
from pingtai_cli.core.version import __version__
from pingtai_cli.outputs.report.labels import t
from pingtai_cli.outputs.report.view import (
    GROUPS,
    ReportOptions,
    counts,
    document,
    fact_rows,
    file_rows,
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


def render_html(results: Sequence[CheckResult], **options: Unpack[ReportOptions]) -> str:
    """The whole report as one HTML document (several dossiers: one section each, a page apiece in print)."""
    doc = document(results, **options)
    lang = doc.lang
    title = t("label.title", lang)
    if len(doc.views) == 1:
        title += f" — {doc.views[0].org}"
    return _template().render(
        views=doc.views,
        index=doc.index,
        tally=doc.tally,
        groups=GROUPS,
        lang=lang,
        title=title,
        version=__version__,
        generated=doc.generated,
        t=lambda key, **kw: t(key, lang, **kw),
        counts=counts,
        fact_rows=fact_rows,
        file_rows=file_rows,
    )
