"""The material catalogue (vocab/materials.yaml) and classification of files to material keys (spec §2).

A file is recognised by its name and by its content, and every match says
why (“文件名含“营业执照””, “第1页内容含“统一社会信用代码””). Name and title
matches are strong; a group of body words only counts when nothing strong
matched, so a credit report that also prints 统一社会信用代码 and 法定代表人 is
not taken for a business licence.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from pingtai_cli import vocab
from pingtai_cli.vocab import Material

TITLE_LINES = 4  # the opening lines of the first page with text, where a title stands
TITLE_CHARS = 80  # … at most this many characters of them
CONTENT_PAGES = 3  # pages whose body words count
TITLE_PAGES = 20  # pages whose titles count: a combined PDF holds several materials
CONTENTS_LINES = 60  # a table of contents fits on a page
SCAN_TITLE_PAGES = 5  # of a scan, pages OCR'd (their top band) looking for a title


def catalogue() -> dict[str, Material]:
    """Material key → Material, in the order of vocab/materials.yaml, its words folded for matching."""
    return vocab.material_catalogue()


def name_of(key: str) -> str:
    """The Chinese name of a material key, for messages."""
    material = catalogue().get(key)
    return material.name if material else key


_fold = vocab.fold  # full-width folded, upper case, no whitespace: how words are compared


def classify_name(name: str) -> list[tuple[str, str]]:
    """(key, reason) for each material the file name points to, else its folders' names.

    `12服务证明/IMG_0001.jpg` is a service record by the folder it was put in.
    """
    path = PurePosixPath(name)
    out = _name_hits(_fold(path.stem), "文件名")
    for folder in reversed(path.parts[:-1]):
        if out:
            break
        out = _name_hits(_fold(folder), "所在文件夹名")
    return out


def _name_hits(text: str, where: str) -> list[tuple[str, str]]:
    out = []
    for material in catalogue().values():
        word = next((w for w in material.file_names if w in text), None)
        if word:
            out.append((material.key, f"{where}含“{word}”"))
    return out


def _opening(page: str) -> str:
    """The first lines of a page, folded: where its title stands (not a heading further down)."""
    lines = [line for line in page.splitlines() if line.strip()][:TITLE_LINES]
    return _fold("".join(lines))[:TITLE_CHARS]


_LEADER_RE = re.compile(r"(?:…{2,}|\.{4,}|·{4,}|-{4,}|—{3,})\s*(?:第\s*)?\d{1,3}\s*页?\s*$")


def is_contents(page: str) -> bool:
    """A table of contents: headed 目录, or most lines end in a page number after a leader.

    It names every material of the dossier and is none of them.
    """
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    if not lines or len(lines) > CONTENTS_LINES:  # a whole Word document is one "page"
        return False
    if any(_fold(line) in ("目录", "目次", "材料目录", "申报材料目录") for line in lines[:3]):
        return True
    leaders = sum(1 for line in lines if _LEADER_RE.search(line))
    return len(lines) >= 4 and leaders >= 0.6 * len(lines)


def classify_content(text_pages: list[str]) -> list[tuple[str, str]]:
    """(key, reason) for each material the text shows: titles first, body words if no title matched.

    Every page's title counts (up to TITLE_PAGES), so a PDF that binds the licence behind a
    cover and the audit report behind that provides both; a table of contents counts for nothing.
    """
    raw = [p or "" for p in text_pages[:TITLE_PAGES]]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    contents = {i for i, p in enumerate(raw) if is_contents(p)}
    for index, page in enumerate(raw):
        if index in contents or not page.strip():
            continue
        opening = _opening(page)
        for material in catalogue().values():
            word = next((w for w in material.titles if w in opening), None)
            if word and material.key not in seen:
                seen.add(material.key)
                out.append((material.key, f"第{index + 1}页标题含“{word}”"))
    if out:
        return out
    pages = ["" if i in contents else _fold(p) for i, p in enumerate(raw[:CONTENT_PAGES])]
    for material in catalogue().values():
        hit = _content_hit(material, pages)
        if hit:
            out.append((material.key, hit))
    return out


_PAGE_RE = re.compile(r"第(\d+)页")


def first_pages(hits: list[tuple[str, str]]) -> dict[str, int]:
    """Material key → the 0-based page where its content was recognised (from the reasons)."""
    out: dict[str, int] = {}
    for key, reason in hits:
        m = _PAGE_RE.match(reason)
        if m and key not in out:
            out[key] = int(m[1]) - 1
    return out


def _content_hit(material: Material, pages: list[str]) -> str | None:
    for index, text in enumerate(pages):
        for group in material.content:
            if text and all(w in text for w in group):
                return f"第{index + 1}页内容含" + "".join(f"“{w}”" for w in group)
    return None


def classify(name: str, text_pages: list[str]) -> list[tuple[str, str]]:
    """(material key, reason in Chinese) for a file, by its name and by its content.

    A key may appear twice (name and content both say so); callers keep both
    reasons. An empty list means the file matched no material.
    """
    return classify_name(name) + classify_content(text_pages)


def classify_sections(headings: list[str]) -> list[tuple[str, str]]:
    """Materials that sections of the 申请报告 satisfy (管理制度, 发展规划 …), with the heading."""
    out = []
    for material in catalogue().values():
        for heading in headings:
            word = next((w for w in material.report_sections if w in _fold(heading)), None)
            if word:
                out.append((material.key, f"申请报告章节“{heading}”"))
                break
    return out


def material_for_sheet(list_key: str) -> str | None:
    """The material a workbook list (staff, served_smes, equipment) satisfies, if any."""
    return next((m.key for m in catalogue().values() if m.sheet == list_key), None)


def sealed(keys: list[str]) -> bool:
    """Whether a file recognised as `keys` is checked for a red seal."""
    table = catalogue()
    return any(table[k].seal for k in keys if k in table)


def needs_text(keys: list[str]) -> bool:
    """Whether facts must be read from the text of a file recognised as `keys`."""
    table = catalogue()
    return any(table[k].needs_text for k in keys if k in table)
