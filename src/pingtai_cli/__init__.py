"""pingtai: check SME public-service platform dossiers against the regulations that recognise them.

Kept light on purpose: `pingtai --help` must not pull in PDF, OCR or Word libraries,
so the public API below is imported lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pingtai_cli.core.version import __version__

__all__ = ["__version__", "check_dossier", "read_dossier", "load_ruleset"]

if TYPE_CHECKING:  # pragma: no cover
    from pingtai_cli.api import check_dossier, read_dossier
    from pingtai_cli.rules.schema import load_ruleset


def __getattr__(name: str) -> Any:
    if name in ("check_dossier", "read_dossier"):
        from pingtai_cli import api

        return getattr(api, name)
    if name == "load_ruleset":
        from pingtai_cli.rules.schema import load_ruleset

        return load_ruleset
    raise AttributeError(name)
