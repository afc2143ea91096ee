"""统一社会信用代码 (GB 32100-2015): validation and finding codes in OCR'd text.

An 18-character code: 1 registration-authority char, 1 organisation-category
char, 6 digits of administrative division, 9 chars of organisation code, 1
check char. The charset leaves out I, O, Z, S, V so that codes survive
handwriting; OCR still produces them, which `find_credit_codes` repairs — but
only when the repaired code then validates, so a repair is never a guess.

The check character is python-stdnum's (`stdnum.cn.uscc`), a maintained library
with its own test suite; what stays here is what is ours: the reasons in
Chinese, the form this tool accepts (stdnum also wants digits in positions 1–2,
where GB 32100 allows the letters of its 登记管理部门 codes such as N and Y) and
the OCR repair.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 §4: no I, O, Z, S, V

# Characters outside the charset that OCR produces for characters inside it.
OCR_FIXES = str.maketrans({"O": "0", "I": "1", "Z": "2", "S": "5", "V": "U"})

# Dashes people put inside a code (91210102-MAJU6XYH71): hyphen, en and em dash, minus; the
# full-width － is a hyphen after NFKC. A code is read without them, as without spaces.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DASH_RE = re.compile(f"[{re.escape(DASHES)}]")
# A run of code characters; single spaces (OCR splits boxes) and a dash between them are inside it
_RUN_RE = re.compile(
    rf"[0-9A-Za-z](?:[0-9A-Za-z]| (?=[0-9A-Za-z])| ?[{re.escape(DASHES)}] ?(?=[0-9A-Za-z]))*"
)
_PIECE_RE = re.compile(r"[0-9A-Za-z]+")


class CreditCode(NamedTuple):
    """A code found in text: the valid code, the text it was read from, and whether it was repaired."""

    code: str
    raw: str
    start: int
    repaired: bool


def check_char(first17: str) -> str:
    """The 18th character for the first 17 characters, all of CHARSET (GB 32100-2015 §5)."""
    # imported here: stdnum.util loads pydoc and ssl (~13 ms), paid only by a read that has a code
    from stdnum.cn.uscc import calc_check_digit

    if len(first17) != 17 or any(c not in CHARSET for c in first17):
        raise ValueError(f"not 17 characters of the USCC charset: {first17!r}")
    return str(calc_check_digit(first17))


def problem(code: str) -> str | None:
    """Why `code` is not a valid 统一社会信用代码, in Chinese; None when it is valid."""
    code = code.strip()
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return "统一社会信用代码含无效字符：" + "、".join(bad)
    if not code[2:8].isdigit():
        return "统一社会信用代码第3–8位（登记管理机关行政区划码）应为数字"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误（第18位应为{expected}，实际为{code[17]}）"
    return None


def is_valid(code: str) -> bool:
    """True when `code` has the GB 32100-2015 form and check character."""
    return problem(code) is None


def division_code(code: str) -> str:
    """Characters 3–8: the administrative-division code of the registering authority."""
    return code[2:8]


def _normalise(text: str) -> str:
    """Full-width to half-width, upper case: how codes are compared."""
    return unicodedata.normalize("NFKC", text).upper()


def clean_code(text: str) -> str:
    """A code as typed into a form, as it is compared: full-width folded, upper case, without
    spaces and dashes (`９１２１ ０１０２-maju6xyh71` → `91210102MAJU6XYH71`)."""
    return _DASH_RE.sub("", "".join(_normalise(text).split()))


def _candidates(run: str) -> list[tuple[int, str]]:
    """18-character strings made of whole space-separated pieces of a run, with their offsets.

    OCR splits a code into boxes ("9141 1000MA44…") and people write a dash in it
    ("91210102-MAJU…"), so pieces are joined; a window is never cut out of a longer
    unbroken run (an account number), since one random window in 31 passes the check
    character.
    """
    pieces = [(m.start(), m.group()) for m in _PIECE_RE.finditer(run)]
    out: list[tuple[int, str]] = []
    for i, (start, _) in enumerate(pieces):
        joined = ""
        for _, piece in pieces[i:]:
            joined += piece
            if len(joined) >= 18:
                break
        if len(joined) == 18:
            out.append((start, joined))
    return out


def find_credit_codes(text: str) -> list[CreditCode]:
    """Valid codes in `text`, in order of appearance, each once.

    A candidate is accepted as written when it validates, else after mapping
    the characters the standard excludes (O→0, I→1, Z→2, S→5, V→U) when that
    validates. Single spaces and dashes inside the code are tolerated.
    """
    found: list[CreditCode] = []
    seen: set[str] = set()
    norm = _normalise(text)  # positions below refer to the normalised text
    for match in _RUN_RE.finditer(norm):
        for offset, window in _candidates(match.group()):
            fixed = window.translate(OCR_FIXES)
            code = window if is_valid(window) else fixed if is_valid(fixed) else None
            if code is None or code in seen:
                continue
            seen.add(code)
            found.append(CreditCode(code, window, match.start() + offset, code != window))
    return found


def credit_code_near(text: str, label: str = "统一社会信用代码") -> CreditCode | None:
    """The valid code closest after `label` (a licence shows other numbers too), else the first one."""
    codes = find_credit_codes(text)
    if not codes:
        return None
    at = _normalise(text).find(label)
    if at >= 0:
        after = [c for c in codes if c.start >= at]
        if after:
            return after[0]
    return codes[0]
