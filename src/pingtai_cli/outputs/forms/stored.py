"""Rendered forms kept in the extraction cache, so that a run renders only what changed.

A reviewer fills an intake's forms, fixes one dossier and fills them again: the other dossiers'
forms are the same bytes as before. A form is kept under its template's digest, the values of every
name the template reads (written out exactly: `canonical`), the .xlsx title of a summary, and the
stamp of this pingtai and the libraries that render it (render.library_stamp).
Anything a form shows that differs (a fact, the verdict, a duplicate finding, the 测评 draw, the
date of the check) is read by the template, hence in the key, and misses.

Entries hold what applicants' documents say, as the extraction cache's do, and go the same way:
unused for 30 days, or `pingtai cache clear`. `--no-cache` neither reads nor writes them. They are
written to disk only (not held in the cache's per-read memory): a thousand dossiers' forms are
hundreds of megabytes. A run renders each form within its time and memory limits as before; a hit
is a form a run of the same template rendered within them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pingtai_cli.intake import cache

NAMESPACE = "forms"  # the cache's namespace for them
FORMAT = 1  # changed whenever what an entry holds changes: older entries then miss
_ZIP = b"PK\x03\x04"  # a .docx and an .xlsx both start so


@dataclass(frozen=True)
class Stored:
    """A form as a run rendered it: the blank fields it shows, its .docx, and a summary's .xlsx."""

    blanks: list[str]
    docx: bytes
    xlsx: bytes | None = None


def key_of(template: Path, context: Mapping[str, Any], xlsx_title: str | None) -> str | None:
    """The entry of the form `template` renders from `context` (with the .xlsx titled so, if any):
    the template's digest and the values of every name it reads (render.renders_alike), written
    out exactly (canonical, below); None when what it reads is not known, or a value is not one
    of the plain types a context holds: that form is rendered, not kept."""
    from pingtai_cli.outputs.forms.render import library_stamp, read_names

    known = read_names(template)
    if known is None:
        return None
    template_digest, names = known
    digest = hashlib.sha256(f"{FORMAT}|{library_stamp()}|{template_digest}|{xlsx_title!r}|".encode("utf-8", "surrogatepass"))
    try:
        for name in names:
            digest.update(canonical([name, name in context, context.get(name)]))
    except (TypeError, ValueError, RecursionError, pickle.PicklingError):
        return None
    return digest.hexdigest()


def canonical(value: Any) -> bytes:
    """`value` written out so that two values give the same bytes only if a template renders them
    alike: a pickle without its memo (fast mode), so that what it writes depends on the values and
    their exact types alone (a tuple is not a list, True is not 1, dicts in their order, which a
    loop follows), not on which of them are one object: equal contexts pickle apart once they
    have crossed a process, which made every form rendered after the batch miss. Only the plain
    types a context holds (and dates) are taken; any other (a str subclass such as Markup, which
    is not escaped, an object of the caller's) raises TypeError, and a cycle ValueError."""
    out = io.BytesIO()
    pickler = _Plain(out, protocol=5)
    pickler.fast = True  # no memo: the same bytes for equal values, however they are shared
    pickler.dump(value)
    return out.getvalue()


_DATES = (date, datetime)


class _Plain(pickle.Pickler):
    """A pickler of plain values: its reducer_override is called for every object but None, bools
    and exact ints, floats, bytes, strs, dicts, sets, lists and tuples (pickle's own fast path)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) in _DATES or obj in _DATES:  # a date, and its class as its reduce names it
            return NotImplemented
        raise TypeError(f"a value of type {type(obj).__name__}")


def fetch(key: str, xlsx: bool) -> Stored | None:
    """The form kept under `key` (with its .xlsx when `xlsx`), or None: a miss, as is an entry
    of another shape (it is rendered again and kept anew)."""
    if not cache.is_enabled():
        return None
    value = cache.get(NAMESPACE, key, remember=False)
    if not isinstance(value, dict):
        return None
    blanks, docx, book = value.get("blanks"), _bytes(value.get("docx")), _bytes(value.get("xlsx"))
    if not (isinstance(blanks, list) and all(isinstance(b, str) for b in blanks)) or docx is None:
        return None
    if xlsx and book is None:
        return None
    return Stored(list(blanks), docx, book if xlsx else None)


def held(key: str) -> bool:
    """Whether an entry is kept under `key` (the cache on), without reading it: fill-forms tells
    the forms left to render from those it only writes, and reads each of those as it writes it."""
    return cache.has(NAMESPACE, key)


def keep(key: str, form: Stored) -> None:
    """`form` kept under `key` (nothing when the cache is off)."""
    if not cache.is_enabled():
        return
    value = {
        "blanks": list(form.blanks),
        "docx": base64.b64encode(form.docx).decode("ascii"),
        "xlsx": None if form.xlsx is None else base64.b64encode(form.xlsx).decode("ascii"),
    }
    cache.put(NAMESPACE, key, value, remember=False)


def _bytes(text: object) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return data if data.startswith(_ZIP) else None
