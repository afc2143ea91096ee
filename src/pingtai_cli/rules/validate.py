"""`rules validate` beyond the schema: does the ruleset mean something a dossier can meet?

The schema (ruleset.py) checks form. These checks catch files that are valid but wrong:
a misspelt fact key (the rule is then always 缺少数据), a material key no file can ever be
(always 缺件), a function count no dossier can meet, another jurisdiction's code prefix,
an empty materials list with no note, and quotes that are not in the text they cite —
each checked against the text of the file it was written in (a county's own text, its
city's text for what it inherits).

Every message is `file:line: where: reason`, in Chinese.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pingtai_cli import vocab
from pingtai_cli.core import regions
from pingtai_cli.core.errors import PingtaiError, RulesetError
from pingtai_cli.rules.articles import policy_path
from pingtai_cli.rules.files import RulesetFileError, policy_dirs, read_bounded, refuse_aliases
from pingtai_cli.rules.schema import (
    Cited,
    Rule,
    Ruleset,
    _read_yaml,
    _squash_map,
    cited_items,
    load_file,
    nearest_passage,
    parent_chain,
    quote_in_text,
    squash,
)

SECTION_LETTERS = {"basic": "B", "functions": "F", "exclusions": "X", "materials": "M", "forms": "T",
                   "procedure": "P", "relaxations": "R"}
# A section a ruleset may list in `not_encoded`; these are the ones whose emptiness is then no error.
FUNCTIONS_SECTION = "服务功能"
MATERIALS_SECTION = "申报材料"

Chain = list[tuple[Path, dict[str, Any]]]


# ---------------------------------------------------------------- locating a problem


def _lines_of(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def where_code(chain: Chain, code: str) -> str:
    """`file:line` of the `code: XX-B01` line, in the child first, else the file it is inherited from."""
    import re

    pattern = re.compile(rf"code:\s*['\"]?{re.escape(code)}['\"]?\s*$")
    for path, _ in chain:
        for i, line in enumerate(_lines_of(path), 1):
            if pattern.search(line):
                return f"{path}:{i}"
    return f"{chain[0][0]}:?"


def where_text(path: Path, quote: str) -> str:
    """`file:line` of the line that writes a quote (its opening characters), for entries without a code."""
    head = quote.strip()[:12]
    for i, line in enumerate(_lines_of(path), 1):
        if head and head in line:
            return f"{path}:{i}"
    return f"{path}:?"


def where_key(chain: Chain, *keys: str) -> str:
    """`file:line` of a top-level key path such as functions → count (first file of the chain that has it)."""

    for path, _ in chain:
        try:
            _, lines = _read_yaml(path)
        except Exception:  # noqa: BLE001 - a location is a courtesy; the problem is reported anyway
            continue
        for n in range(len(keys), 0, -1):
            if tuple(keys[:n]) in lines:
                return f"{path}:{lines[tuple(keys[:n])]}"
    return f"{chain[0][0]}:?"


# ---------------------------------------------------------------- vocabulary


def known_fact_keys(rs: Ruleset) -> dict[str, str]:
    """Every fact key a rule may test: the contract's, derived, document facts and the ruleset's own."""

    v = vocab.get()
    keys = {k: fk.labels[0] for k, fk in v.facts.items()}
    keys.update({k: d.label for k, d in v.derived.items()})
    keys.update(v.documents)
    keys.update({f.key: f.label for f in rs.facts})
    keys.update({f"region:{r.name}": f"属于{r.name}" for r in rs.region_sets})
    return keys


def known_material_keys(rs: Ruleset) -> dict[str, str]:
    from pingtai_cli.vocab import material_catalogue as catalogue

    keys = {k: m.name for k, m in catalogue().items()}
    keys.update({m.key: m.name for m in rs.new_materials})
    return keys


def suggestion(word: str, known: dict[str, str]) -> str:
    """`smes_servd` → “是否要用 smes_served（年服务中小企业数）？”; a Chinese label finds its key too."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if not close:
        close = [k for k, label in known.items() if word and (word in label or label in word)][:1]
    return f"是否要用 {close[0]}（{known[close[0]]}）？" if close else "用 pingtai rules keys 查看可用的键。"


def _fields_of(rs: Ruleset) -> Iterator[tuple[str, str]]:
    """(code, fact key) of every place a ruleset names a fact."""
    for r in rs.all_rules():
        if r.field:
            yield r.code, r.field
        for v in r.variants:
            if v.when.field:
                yield r.code, v.when.field
        for reading in r.readings:
            if reading.field:
                yield r.code, reading.field
    for x in rs.relaxations:
        for flag in x.flags:
            yield x.code, flag
    for m in rs.materials:
        if m.when and m.when.field:
            yield m.code, m.when.field
    for f in rs.facts:
        for source in f.inputs():
            yield f"facts.{f.key}", source


# ---------------------------------------------------------------- the checks


def meaning_problems(rs: Ruleset, chain: Chain) -> tuple[list[str], list[str]]:
    """(problems, warnings) about what the ruleset means, each `file:line: where: reason`."""
    problems: list[str] = []
    warnings: list[str] = []
    problems += _unknown_facts(rs, chain)
    problems += _region_problems(rs, chain)
    problems += _unknown_materials(rs, chain)
    problems += _prefix_problems(rs, chain)
    fn, lenient = _function_problems(rs, chain), _not_encoded(rs, FUNCTIONS_SECTION)
    (warnings if lenient else problems).extend(fn)
    if not rs.materials and rs.materials_note is None:
        msg = (f"{where_key(chain, 'materials')}: materials: 没有列出申报材料，也没有 materials_note 说明原因"
               "（文件未列材料时写 materials_note，引用说明材料来源的条文）")
        (warnings if _not_encoded(rs, MATERIALS_SECTION) else problems).append(msg)
    return problems, warnings


def _not_encoded(rs: Ruleset, section: str) -> bool:
    return rs.status == "draft" or any(n.section == section for n in rs.not_encoded)


def _unknown_facts(rs: Ruleset, chain: Chain) -> list[str]:
    known = known_fact_keys(rs)
    out = []
    for code, key in _fields_of(rs):
        if key not in known:
            where = where_code(chain, code) if not code.startswith("facts.") else where_key(chain, "facts")
            out.append(f"{where}: {code}: 未知的事实字段 {key!r}，此条将永远“缺少数据”。{suggestion(key, known)}"
                       "（新的字段可在规则文件的 facts: 中声明）")
    return out


def _region_problems(rs: Ruleset, chain: Chain) -> list[str]:
    """Each division a region set names must be one division of the table (广州市, not 广州 or 朝阳区)."""

    out = []
    for r in rs.region_sets:
        if not r.codes and not r.divisions:  # a draft's stub: every rule keyed on it stays 待审核
            out.append(f"{where_key(chain, 'region_sets')}: region_sets.{r.name}: 尚未列出属于“{r.name}”的行政区划"
                       f"（divisions: 地名，或 codes: 行政区划代码前缀）；在此之前按地区区分的门槛一律待审核")
        for name in r.divisions:
            found = regions.find_in_address(name)
            if len(found) != 1:
                why = f"行政区划表中没有{_nearest_division(name, r.divisions, r.codes)}" if not found else \
                    f"有 {len(found)} 处同名（{'、'.join(d.chain_names() for d in found[:3])}）"
                out.append(f"{where_key(chain, 'region_sets')}: region_sets.{r.name}: {name}：{why}，请改用 codes 写行政区划代码")
        for code in r.codes:
            if not code.isdigit() or len(code) not in (2, 4, 6):
                out.append(f"{where_key(chain, 'region_sets')}: region_sets.{r.name}: {code!r} 应为 2、4 或 6 位行政区划代码前缀")
    return out


def _unknown_materials(rs: Ruleset, chain: Chain) -> list[str]:
    known = known_material_keys(rs)
    return [
        f"{where_code(chain, m.code)}: {m.code}: 未知的材料键 {m.key!r}，任何文件都不会被认作该材料，此项将永远“缺件”。"
        f"{suggestion(m.key, known)}（新的材料可在规则文件的 new_materials: 中声明）"
        for m in rs.materials
        if m.key not in known
    ]


def _codes_by_section(rs: Ruleset) -> Iterator[tuple[str, str]]:
    for r in rs.basic:
        yield from (("basic", x.code) for x in r.walk())
    for item in rs.functions.items:
        yield from (("functions", x.code) for top in item.rules for x in top.walk())
    for r in rs.exclusions:
        yield from (("exclusions", x.code) for x in r.walk())
    yield from (("materials", m.code) for m in rs.materials)
    yield from (("forms", f.code) for f in rs.forms)
    yield from (("procedure", p.code) for p in rs.procedure)
    yield from (("relaxations", x.code) for x in rs.relaxations)


def own_prefix(rs: Ruleset, chain: Chain) -> set[str]:
    """The code prefixes this ruleset may use: in each file of the chain, the one most used by the
    codes it adds (a county overriding XC-B05 and adding WD-B01 adds WD), and its parents'."""
    import re

    allowed: set[str] = set()
    later: set[str] = set()
    for path, _ in reversed(chain):  # the root first: a child's own codes are those its parents lack
        codes = re.findall(r"code:\s*['\"]?([A-Z]{2,4}-[A-Z]\d{2}[a-z]?)", "\n".join(_lines_of(path)))
        added = Counter(c.split("-")[0] for c in codes if c not in later)
        if added:
            allowed.add(added.most_common(1)[0][0])
        later.update(codes)
    return allowed


def _prefix_problems(rs: Ruleset, chain: Chain) -> list[str]:
    allowed = own_prefix(rs, chain)
    out = []
    for section, code in _codes_by_section(rs):
        prefix, _, rest = code.partition("-")
        if allowed and prefix not in allowed:
            out.append(f"{where_code(chain, code)}: {code}: 编号前缀 {prefix}- 与本规则文件的 "
                       f"{'、'.join(sorted(p + '-' for p in allowed))} 不一致（复制其他地区的规则时请改编号）")
        letter = SECTION_LETTERS[section]
        if rest[:1] != letter:
            out.append(f"{where_code(chain, code)}: {code}: 位于 {section}，编号类别字母应为 {letter}"
                       f"（{prefix}-{letter}{rest[1:]}）")
    return out


def _function_problems(rs: Ruleset, chain: Chain) -> list[str]:
    fn = rs.functions
    out = []
    here = where_key(chain, "functions", "items")
    if fn.count.min == 0:
        return [f"{here}: functions.items[{i}]: 服务功能“{item.name}”没有规则"
                for i, item in enumerate(fn.items) if not item.rules]
    need = max([fn.count.min, *fn.count.by_platform_type.values()])
    if not fn.items:
        out.append(f"{here}: functions.items: 没有列出任何服务功能，而 {fn.count.article} 要求至少 {need} 项："
                   "任何申报都无法满足（文本没有服务功能数量要求时写 count: {min: 0}）")
    elif len(fn.items) < need:
        out.append(f"{here}: functions.count: 要求至少 {need} 项，但只列出 {len(fn.items)} 项服务功能，任何申报都无法满足")
    for i, item in enumerate(fn.items):
        if not item.rules:
            out.append(f"{here}: functions.items[{i}]: 服务功能“{item.name}”没有规则，申报该功能即算满足")
    return out


# ---------------------------------------------------------------- quotes


def _raw_quotes(data: Any) -> set[str]:
    """Every `quote:` (and in_force_quote, section) string written in one file."""
    found: set[str] = set()
    if isinstance(data, dict):
        for k, v in data.items():
            if k in ("quote", "in_force_quote") and isinstance(v, str):
                found.add(v)
            elif k == "sections" and isinstance(v, list):
                found.update(x for x in v if isinstance(x, str))
            else:
                found |= _raw_quotes(v)
    elif isinstance(data, list):
        for x in data:
            found |= _raw_quotes(x)
    return found


def _quotes(rs: Ruleset) -> Iterator[tuple[str, str, str | None, str | None]]:
    """(where, quote, code, source) of every quote in a ruleset."""
    for where, item in cited_items(rs):
        yield where, item.quote, getattr(item, "code", None), item.source
    if rs.document.in_force_quote:
        yield "document.in_force_quote", rs.document.in_force_quote, None, None
    if rs.application_report:
        yield from (("application_report", s, None, rs.application_report.source) for s in rs.application_report.sections)


def policy_text_of(path: Path, data: dict[str, Any]) -> tuple[Path | None, str | None, str | None]:
    """(text file, its content, the problem) for the `document.source_file` a ruleset file names."""

    source = (data.get("document") or {}).get("source_file") if isinstance(data.get("document"), dict) else None
    if not source:
        return None, None, None
    policy = policy_path(str(source), policy_dirs(path))
    if policy is None:
        return None, None, (f"{where_key([(path, data)], 'document', 'source_file')}: document.source_file: "
                            f"找不到 document.source_file 所指的政策原文 {source}"
                            "（放在规则文件所在文件夹或其下的 policies/ 中）")
    try:
        return policy, policy.read_text(encoding="utf-8", errors="replace"), None
    except OSError as e:
        return policy, None, (f"{where_key([(path, data)], 'document', 'source_file')}: document.source_file: "
                              f"政策原文 {policy} 无法读取（{e.strerror or e}）")


def quote_problems(rs: Ruleset, chain: Chain) -> tuple[list[str], list[str]]:
    """(problems, warnings): each quote is looked up in the text of the file that wrote it."""
    texts = [policy_text_of(p, d) for p, d in chain]
    written = [_raw_quotes(d) for _, d in chain]
    problems = [t[2] for t in texts if t[2]]
    warnings: list[str] = []
    unchecked: dict[int, int] = {}
    for where, quote, code, source in _quotes(rs):
        owner = next((i for i, w in enumerate(written) if quote in w), len(chain) - 1)
        path = chain[owner][0]
        if source:  # a notice's or a county's own words, from a document not shipped here
            continue
        policy, text, missing = texts[owner]
        if missing:
            continue
        if text is None:
            unchecked[owner] = unchecked.get(owner, 0) + 1
            continue
        if not quote_in_text(quote, text):
            loc = where_code(chain[owner:], code) if code else where_text(path, quote)
            passage, at, there = nearest_passage(quote, text)
            got = f"原文此处为“{there}”" if there else "原文到此为止"
            problems.append(
                f"{loc}: {code or where}: 引文在政策原文 {policy.name if policy else ''} 中找不到：“{quote[:40]}”；"
                f"最接近的原文：“{passage[:60]}”，自引文第 {at} 个字起不同（引文为“{_quote_char(quote, at)}”，{got}）"
            )
    for owner, n in unchecked.items():
        path = chain[owner][0]
        warnings.append(f"{where_key([chain[owner]], 'document')}: document.source_file: 未指定政策原文，{n} 条引文未核对"
                        "（在 document.source_file 写上原文文件名，放在规则文件旁）")
    return problems, warnings


def _squash(text: str) -> str:

    return squash(text)


def cited_count(rs: Ruleset) -> int:
    return sum(1 for _ in _quotes(rs))


__all__ = ["Cited", "Rule", "meaning_problems", "quote_problems"]


def _quote_char(quote: str, at: int) -> str:
    """The quote's own `at`-th character, counted as the folded comparison counts (spaces skipped)."""

    folded, where = _squash_map(quote)
    if folded != _squash(quote):
        return _squash(quote)[at - 1 : at]
    return quote[where[at - 1]] if 0 < at <= len(where) else ""


def _nearest_division(name: str, siblings: list[str], codes: list[str]) -> str:
    """`（是否要写 深圳市？）` for a misspelt division name (深川市), looked for among the divisions of
    the provinces the set's other names and codes are in (the whole country has 银川市 nearer)."""
    import difflib


    provinces = {d.code[:2] for n in siblings if n != name for d in regions.find_in_address(n)}
    provinces |= {c[:2] for c in codes if c[:2].isdigit()}
    if not provinces:
        return ""
    names = [d.name for p in sorted(provinces) for d in regions.under(p)]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"（是否要写 {close[0]}？）" if close else ""


# ---------------------------------------------------------------- one file, as `rules validate` reads it


def validate_file(path: Path, extra: Path | None) -> tuple[list[str], list[str], Any]:
    """(problems as `file:line: field: reason`, warnings, the ruleset when valid): `rules validate`."""
    import yaml


    try:
        text = read_bounded(path)
    except RulesetFileError as e:
        return [f"{path}:?: (文件): {e}"], [], None
    except (OSError, UnicodeDecodeError) as e:
        return [f"{path}:?: (文件): 无法读取（{e}）"], [], None
    try:
        refuse_aliases(yaml.compose(text, Loader=yaml.SafeLoader))
    except RulesetFileError as e:
        return [f"{path}:?: (YAML): {e}"], [], None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else "?"
        return [f"{path}:{line}: (YAML): {e.problem or e}"], [], None
    except yaml.YAMLError as e:
        return [f"{path}:?: (YAML): {e}"], [], None
    try:
        rs = load_file(path, extra)
    except RulesetError as e:
        problems = e.problems or [f"{path.name}:?: (文件): {e.args[0]}"]
        return [_with_line(p, path, text) for p in problems], [], None
    except PingtaiError as e:
        return [f"{path}:?: (文件): {e}"], [], None
    return _meaning(rs, path, extra)


def _meaning(rs: Any, path: Path, extra: Path | None) -> tuple[list[str], list[str], Any]:
    """What a valid file means: unknown keys, unmeetable counts, prefixes, quotes (above)."""

    try:
        chain = parent_chain(path, extra)
    except PingtaiError as e:
        return [f"{path}:?: (文件): {e}"], [], None
    problems, warnings = meaning_problems(rs, chain)
    quoted, unchecked = quote_problems(rs, chain)
    problems += quoted
    warnings += unchecked
    if rs.status == "draft" or rs.draft_codes() or rs.not_encoded:
        warnings.append(_draft_words(rs, where_key(chain, "status")))
    return problems, [f"提示：{w}" for w in warnings], None if problems else rs


def _draft_words(rs: Any, where: str) -> str:
    parts = []
    if rs.status == "draft":
        parts.append("整个规则文件为草稿（status: draft）")
    if rs.draft_codes():
        parts.append(f"{len(rs.draft_codes())} 条规则待确认（status: draft）")
    if rs.not_encoded:
        parts.append("未编码：" + "、".join(dict.fromkeys(n.section for n in rs.not_encoded)))
    return f"{where}: status: " + "；".join(parts) + "。检查结论将为“待审核”，直到全部确认"


def _with_line(problem: str, path: Path, text: str) -> str:
    """`national.yaml: 规则编号 NA-B03 重复` → `…/national.yaml:57: NA-B03: 规则编号 NA-B03 重复`."""
    if problem.startswith(f"{path.name}:") and not problem.startswith(f"{path.name}: "):
        return f"{path}{problem[len(path.name):]}"  # already `name:line: field: reason`
    head, _, rest = problem.partition(": ")
    if head != path.name:
        return problem
    m = re.search(r"[A-Z]{2,4}-[A-Z]\d{2}[a-z]?", rest)
    line = "?"
    if m:
        hits = [i for i, ln in enumerate(text.splitlines(), 1) if re.search(rf"code:\s*['\"]?{m.group(0)}\b", ln)]
        line = str(hits[-1]) if hits else "?"
    field = m.group(0) if m else "(文件)"
    return f"{path}:{line}: {field}: {rest}"
