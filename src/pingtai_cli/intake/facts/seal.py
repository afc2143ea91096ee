"""A red seal (公章) on a declaration or a credit report → has_seal.

A declaration is signed at its end, so its last pages are looked at; a seal already seen on a page
rendered for OCR counts too. No fact when no page could be looked at, and has_seal None (uncertain)
when the pages looked at are greyscale scans, on which red ink cannot show, or show only a pale pink
ring, perhaps a faded stamp (raw says which): the seal is then for a person to check.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pingtai_cli.core.models import Evidence, Fact
from pingtai_cli.intake.sources.common import UnreadableFile

if TYPE_CHECKING:
    from pingtai_cli.intake.sources.pages import Pages
    from pingtai_cli.intake.sources.seal import SealResult

SEAL_PAGES = 3  # last pages of a declaration checked for a seal


def read(pages: Pages, file: str, *, last_pages: int = SEAL_PAGES) -> dict[str, Fact]:
    """has_seal: whether one of the last pages carries a red seal."""
    checked = list(range(pages.count - 1, max(-1, pages.count - 1 - last_pages), -1))
    best = None
    for index in checked:
        try:
            result = pages.seal(index)
        except UnreadableFile:
            continue  # no image of that page (a Word document's text): cannot tell
        if best is None or _rank(result) > _rank(best[1]):
            best = (index, result)
        if result.found:
            break
    if best is None:
        return {}
    index, result = best
    if result.colourless and not pages.is_scan(index):
        result = replace(result, colourless=False)  # a page drawn without colour shows no seal for sure
    evidence = Evidence(file=file, page=index + 1, snippet=result.describe())
    if result.uncertain:
        # a grey scan of a sealed page looks like no seal, and a faded stamp like a pink mark:
        # for a person to check on the original
        return {"has_seal": Fact("has_seal", None, evidence=evidence, raw=result.describe())}
    return {"has_seal": Fact("has_seal", result.found, evidence=evidence, raw=result.describe())}


def _rank(result: SealResult) -> tuple[bool, bool, float]:
    """A seal found beats a faint ring, which beats the likeliest of the rest."""
    return result.found, result.faint, result.score


def seen(pages: Pages, file: str) -> dict[str, Fact]:
    """has_seal=True when a page already rendered (for OCR) showed a seal; nothing otherwise."""
    for index, result in sorted(pages.seals.items()):
        if result.found:
            evidence = Evidence(file=file, page=index + 1, snippet=result.describe())
            return {"has_seal": Fact("has_seal", True, evidence=evidence, raw=result.describe())}
    return {}
