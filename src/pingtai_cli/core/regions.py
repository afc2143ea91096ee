"""China's administrative divisions (GB/T 2260): province → city → county, by code and by name.

The table is `divisions.tsv`, shipped and dated (its header names the source; regenerate with
`scripts/make_divisions.py`). A ruleset's `area.codes` are code prefixes (`4110` = 许昌市 and
everything under it); this module answers whether a credit code or an address lies inside such an
area, so that "在我市注册登记" is decided by division, never by a substring of a place name.

    >>> division("411082").chain_names()
    '河南省许昌市长葛市'
    >>> relation(from_credit_code("91411082MA00000000").code, ["4110"])
    'in'
    >>> [d.code for d in find_in_address("长葛市魏武路1号")]
    ['411082']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

Level = Literal["province", "city", "county"]
Relation = Literal["in", "out", "above"]  # above: the code names a wider division holding the area

# Suffixes a name may be written without (河南 for 河南省, 许昌 for 许昌市); counties are only
# matched by their full name (长葛, 建安 alone are too common as words).
_SHORTENABLE = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


@dataclass(frozen=True)
class Division:
    """One row of GB/T 2260."""

    code: str  # six digits
    name: str
    successor: str | None = None  # a former division (许昌县 → 411003 建安区)
    change: str | None = None  # what became of it, in words

    @property
    def level(self) -> Level:
        return _level(self.code)

    @property
    def prefix(self) -> str:
        """The code without its trailing zero pairs: 410000 → 41, 411000 → 4110, 411082 → 411082."""
        return significant(self.code)

    def parent(self) -> Division | None:
        if self.level == "county":
            return division(self.code[:4] + "00") or division(self.code[:2] + "0000")
        if self.level == "city":
            return division(self.code[:2] + "0000")
        return None

    def chain(self) -> list[Division]:
        """Province first, this division last; a city named like its province (北京市) once."""
        out: list[Division] = []
        node: Division | None = self
        while node is not None:
            if not out or out[0].name != node.name:
                out.insert(0, node)
            node = node.parent()
        return out

    def chain_names(self) -> str:
        return "".join(d.name for d in self.chain())


def _level(code: str) -> Level:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def significant(code: str) -> str:
    """A division code without trailing 00 pairs (the part that names the division)."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@lru_cache(maxsize=1)
def _rows() -> dict[str, list[str]]:
    """Code → its row of the table (code, name[, successor[, change]]). The Division of a code is
    made when it is looked up: a check looks up a few, and making all 3,400 took ~10 ms."""
    text = resources.files("pingtai_cli").joinpath("divisions.tsv").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            out[parts[0]] = parts
    return out


@lru_cache(maxsize=8192)
def _division(code: str) -> Division | None:
    row = _rows().get(code)
    if row is None:
        return None
    return Division(row[0], row[1], row[2] if len(row) > 2 else None, row[3] if len(row) > 3 else None)


def source() -> str:
    """The table's header line naming its source and date (for reports and `--help` texts)."""
    text = resources.files("pingtai_cli").joinpath("divisions.tsv").read_text(encoding="utf-8")
    return next((line[2:] for line in text.splitlines() if line.startswith("# Source:")), "")


def division(code: str) -> Division | None:
    """The division of a six-digit code, or None when GB/T 2260 (as shipped) has no such code."""
    return _division(code.strip())


def from_credit_code(credit_code: str) -> Division | None:
    """The registration authority's division: characters 3–8 of a 统一社会信用代码 (GB 32100).

    A code not in the table (a development zone's own authority code such as 4110xx) falls back
    to its city, then its province, which is as much as it tells.
    """
    code = credit_code.strip().upper()
    if len(code) != 18 or not code[2:8].isdigit():
        return None
    six = code[2:8]
    for candidate in (six, six[:4] + "00", six[:2] + "0000"):
        found = division(candidate)
        if found is not None:
            return found
    return None


def relation(code: str, prefixes: Iterable[str]) -> Relation:
    """`in` when the code lies under one of the area's prefixes; `above` when it names a wider
    division that holds the area (a province-level authority registers firms of every city);
    `out` otherwise."""
    mine = significant(code)
    prefixes = [significant(p) for p in prefixes]
    if any(mine.startswith(p) for p in prefixes):
        return "in"
    if any(p.startswith(mine) for p in prefixes):
        return "above"
    return "out"


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[str]]:
    """Name as it may be written → codes of the divisions of that name (朝阳区: 北京 and 长春);
    from the rows, the Divisions made only for the names an address holds."""
    out: dict[str, list[str]] = {}
    for code, row in _rows().items():
        name = row[1]
        names = [name]
        if _level(code) != "county":
            for suffix in _SHORTENABLE:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    names.append(name[: -len(suffix)])
                    break
        for n in names:
            out.setdefault(n, []).append(code)
    return out


_LONGEST = 12  # 新疆维吾尔自治区 and the longest county names fit


def _current(d: Division) -> Division:
    return (division(d.successor) or d) if d.successor else d


def find_in_address(text: str) -> list[Division]:
    """The most specific divisions an address names at its start, province → city → county.

    `河南省许昌市长葛市…` → [长葛市]; `许昌市中山路…` → [许昌市] (the road is not 中山市: a name
    counts only while each is narrower than and inside the one before); `朝阳区…` → both 朝阳区
    (北京, 长春): the caller decides what an ambiguous address means. A former county (许昌县) is
    returned as its successor. [] when the address starts with no division name.
    """
    compact = "".join(str(text).split())
    i = 2 if compact.startswith("中国") else 0
    chosen: list[Division] = []
    by_name = _by_name()
    while i < len(compact):
        step = None
        for n in range(min(_LONGEST, len(compact) - i), 1, -1):
            codes = by_name.get(compact[i : i + n])
            if not codes:
                continue
            fits = [_current(d) for d in map(_division, codes) if d is not None]
            if chosen:
                fits = [d for d in fits if _rank(d.level) > _rank(chosen[0].level)
                        and any(d.code.startswith(c.prefix) for c in chosen)]
            if fits:
                step = (n, list(dict.fromkeys(fits)))
                break
        if step is None:
            break
        i += step[0]
        chosen = step[1]
    return chosen


def _rank(level: Level) -> int:
    return {"province": 0, "city": 1, "county": 2}[level]


def under(prefix: str) -> list[Division]:
    """Every division under a code prefix (the area of `4110`: 许昌市 and its counties)."""
    p = significant(prefix)
    found = [_division(code) for code in sorted(_rows()) if code.startswith(p)]
    return [d for d in found if d is not None and d.successor is None]


def name_of(prefixes: Iterable[str]) -> str:
    """许昌市 for ["4110"]; the codes themselves when the table has none of them."""
    names = []
    for p in prefixes:
        code = (significant(p) + "0000")[:6]
        d = division(code)
        names.append(d.chain_names() if d else p)
    return "、".join(names)
