"""Rulesets: one YAML file per jurisdiction, validated strictly, with `extends:` inheritance.

The law is data. Every rule carries its article and the verbatim clause; the
schema (rules/pydantic_schema.py) rejects unknown keys and reports
`file:line: field: reason` per problem. A validated ruleset is made of the plain
classes of rules/model.py, re-exported here; `load_ruleset` keeps it as a record
(rules/record.py) so a check of an unchanged file imports no pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a YAML text is read: a check of a kept record reads none
    import yaml

from pingtai_cli.core.errors import PingtaiError, RulesetError, UnknownJurisdiction, UnknownRule
from pingtai_cli.rules.files import (  # noqa: F401 - re-exported
    RULESETS_ENV,
    available,
    bad_date,
    key_of,
    package_data_dir,
    ruleset_dirs,
    ruleset_in,
)
from pingtai_cli.rules.model import (  # noqa: F401 - re-exported: the parts of a ruleset
    REGION_FACT,
    ApplicationReport,
    Area,
    Cited,
    DeclaredFact,
    Document,
    Form,
    FunctionCount,
    FunctionReq,
    Functions,
    Growth,
    ListMinimum,
    MaterialReq,
    NewMaterial,
    NotEncoded,
    Option,
    ProcedureFact,
    Ratio,
    Reading,
    Record,
    RegionSet,
    Relaxation,
    Rule,
    Ruleset,
    Variant,
    When,
)


def cited_items(obj: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every object of a ruleset that carries article + quote, with a readable location."""
    if isinstance(obj, Record):
        code = getattr(obj, "code", None)
        here = f"{where}({code})" if code else where
        if isinstance(getattr(obj, "quote", None), str) and hasattr(obj, "article"):
            yield here, obj
        for name in obj.FIELDS:
            yield from cited_items(getattr(obj, name), f"{here}.{name}" if here else name)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from cited_items(item, f"{where}[{i}]")


def unquoted(rs: Ruleset, policy_text: str) -> list[tuple[str, str]]:
    """(where, quote) of every quote that is not verbatim in the policy text."""
    out = [(where, item.quote) for where, item in cited_items(rs) if not quote_in_text(item.quote, policy_text)]
    doc = rs.document
    if doc.in_force_quote and not quote_in_text(doc.in_force_quote, policy_text):
        out.append(("document.in_force_quote", doc.in_force_quote))
    if rs.application_report:
        out += [("application_report", s) for s in rs.application_report.sections if not quote_in_text(s, policy_text)]
    return out


def _date_reason(e: ValueError) -> str:
    """The date library's reason in Chinese (month must be in 1..12 → 月份应为1–12)."""
    text = str(e)
    for english, chinese in (("month must be in", "月份应为1–12"), ("day is out of range", "该月没有这一天"),
                             ("year", "年份超出范围")):
        if english in text:
            return chinese
    return "不是有效的日期，应写如 2025-03-18"


def squash(text: str) -> str:
    """Text without whitespace and with full-width forms folded (`，（）％` = `,()%`): policy texts
    break lines, pad numbers (`不低于 50 万元`) and mix full- and half-width punctuation."""
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def quote_in_text(quote: str, text: str) -> bool:
    """Is `quote` a verbatim substring of a policy text, whitespace and character width aside?"""
    return squash(quote) in squash(text)


def nearest_passage(quote: str, text: str) -> tuple[str, int, str]:
    """(the passage of `text` closest to a quote not found in it, the 1-based character of the quote
    where they part, what the text has there). Both compared folded, as `quote_in_text` does."""
    import difflib

    q, t = squash(quote), squash(text)
    lo, hi = 0, len(q)  # the longest prefix of the quote that is in the text
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if q[:mid] in t:
            lo = mid
        else:
            hi = mid - 1
    if lo >= min(4, len(q)):
        start = t.find(q[:lo])
    else:  # not even its opening is there: the longest common piece anywhere
        m = difflib.SequenceMatcher(None, q, t, autojunk=False).find_longest_match(0, len(q), 0, len(t))
        start, lo = max(0, m.b - m.a), 0
    folded, where = _squash_map(text)
    if folded != t:  # a character NFKC composes with its neighbour: show the folded form
        return t[start : start + len(q) + 6], lo + 1, t[start + lo : start + lo + 1]
    end = min(start + len(q) + 6, len(t))  # shown in the text's own characters (；, not ;), to copy
    passage = re.sub(r"\s+", " ", text[where[start] : where[end - 1] + 1]) if end > start else ""
    there = text[where[start + lo]] if start + lo < len(t) else ""
    return passage, lo + 1, there


def _squash_map(text: str) -> tuple[str, list[int]]:
    """squash(text), folded character by character, with the index in `text` of each character kept."""
    import unicodedata

    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for f in unicodedata.normalize("NFKC", ch):
            if not f.isspace():
                out.append(f)
                where.append(i)
    return "".join(out), where


# ---------------------------------------------------------------- locating files


# package_data_dir, ruleset_dirs and available live in rulefiles.py (no pydantic there, so
# `pingtai rules list` can read headers fast); they are re-exported here unchanged.


# ---------------------------------------------------------------- loading


def _line_index(
    node: yaml.Node, path: tuple[Any, ...] = (), lines: dict[tuple[Any, ...], int] | None = None
) -> dict[tuple[Any, ...], int]:
    """Map every key path of a YAML document to its 1-based line, for error messages (one dict
    filled in place: merging a dict per node made it quadratic in the depth)."""
    import yaml

    lines = {} if lines is None else lines
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _line_index(v, (*path, k.value), lines)
            lines[(*path, k.value)] = k.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _line_index(v, (*path, i), lines)
    return lines


def _read_yaml(path: Path, *, lines: bool = True) -> tuple[dict[str, Any], dict[tuple[Any, ...], int]]:
    """The file's mapping and (with `lines`) its line index; loading skips the index, which only
    says where a problem is."""
    import yaml

    from pingtai_cli.core.yamlload import YAML_LOADER
    from pingtai_cli.rules.files import RulesetFileError, load_untrusted, read_bounded

    try:
        text = read_bounded(path)
        data, node = load_untrusted(text)
    except RulesetFileError as e:
        raise RulesetError(f"规则文件 {path}：{e}") from e
    except (OSError, UnicodeDecodeError) as e:  # before ValueError, of which UnicodeDecodeError is one
        raise RulesetError(f"无法读取规则文件 {path}: {e}") from e
    except ValueError as e:  # an impossible date: the loader says which value, the node where
        bad = bad_date(yaml.compose(text, Loader=YAML_LOADER))
        line = bad.start_mark.line + 1 if bad is not None else "?"
        value = bad.value if bad is not None else ""
        raise RulesetError(f"规则文件 {path} 中有无效的日期", [f"{path.name}:{line}: (YAML): 日期无效：{value}（{_date_reason(e)}）"]) from e
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else "?"
        raise RulesetError(f"规则文件 {path} 不是有效的 YAML", [f"{path.name}:{line}: (YAML): {e.problem or e}"]) from e
    except yaml.YAMLError as e:
        raise RulesetError(f"规则文件 {path} 不是有效的 YAML", [str(e)]) from e
    if not isinstance(data, dict) or node is None:
        raise RulesetError(f"规则文件 {path} 顶层应为映射（key: value）")
    return data, (_line_index(node) if lines else {})


def _merge_rules(base: list[dict[str, Any]], child: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Child rules replace base rules of the same code (deep-merged), new codes are appended."""
    out = [dict(r) for r in base]
    index = {r.get("code"): i for i, r in enumerate(out)}
    for r in child:
        if r.get("remove"):
            out = [x for x in out if x.get("code") != r.get("code")]
            index = {x.get("code"): i for i, x in enumerate(out)}
        elif r.get("code") in index:
            out[index[r["code"]]] = _deep_merge(out[index[r["code"]]], r)
        else:
            out.append(r)
    return out


def _deep_merge(base: Any, child: Any) -> Any:
    if isinstance(base, dict) and isinstance(child, dict):
        merged = dict(base)
        for k, v in child.items():
            merged[k] = _deep_merge(base.get(k), v) if k in base else v
        return merged
    if (
        isinstance(base, list)
        and isinstance(child, list)
        and child
        and isinstance(child[0], dict)
        and (all("code" in x for x in child) or all("function" in x for x in child))
    ):
        keyname = "code" if "code" in child[0] else "function"
        return _merge_keyed(base, child, keyname)
    return child


def _merge_keyed(base: list[Any], child: list[Any], keyname: str) -> list[Any]:
    if keyname == "code":
        return _merge_rules(base, child)
    out = list(base)
    for c in child:
        pos = next((i for i, b in enumerate(out) if b.get(keyname) == c.get(keyname)), None)
        if pos is None:
            out.append(c)
        else:
            out[pos] = _deep_merge(out[pos], c)
    return out


def _resolve(
    path: Path, dirs_extra: Path | None, seen: tuple[str, ...] = (), chain: list[tuple[Path, str | None]] | None = None
) -> dict[str, Any]:
    """The file's mapping merged onto the ones it extends; `chain` gets each file read, child first."""
    data, _ = _read_yaml(path, lines=False)
    parent = data.get("extends")
    if chain is not None:
        chain.append((path, str(parent) if parent else None))
    if not parent:
        return data
    if parent in seen:
        raise RulesetError(f"规则文件 {path}: extends 形成循环 ({' → '.join((*seen, parent))})")
    parent_path = find_parent(path, str(parent), dirs_extra)
    if parent_path is None:
        raise RulesetError(
            f"规则文件 {path}: extends 的上级规则 {parent!r} 不存在"
            "（放在同一文件夹，或用 --rulesets-dir 指定其所在文件夹）"
        )
    base = _resolve(parent_path, dirs_extra, (*seen, data.get("key", key_of(path))), chain)
    merged = _deep_merge({k: v for k, v in base.items() if k != "extends"}, data)
    return dict(merged)


def find_parent(path: Path, parent: str, dirs_extra: Path | None) -> Path | None:
    """The file of an `extends:` key: beside the child first (a county ships with its city), then the search dirs.

    Beside means the same directory for a flat `<key>.yaml`, the sibling folders for a `<key>/ruleset.yaml`
    (either layout on either side)."""
    homes = [path.parent] if key_of(path) == path.stem else [path.parent.parent, path.parent]
    for home in homes:
        beside = ruleset_in(home, parent)
        if beside is not None and beside.resolve() != path.resolve():
            return beside
    return available(dirs_extra).get(parent)


def parent_chain(path: Path, dirs_extra: Path | None) -> list[tuple[Path, dict[str, Any]]]:
    """(file, raw mapping) of a ruleset and each ruleset it extends, child first."""
    chain: list[tuple[Path, dict[str, Any]]] = []
    seen: set[Path] = set()
    current: Path | None = path
    while current is not None and current.resolve() not in seen:
        seen.add(current.resolve())
        data, _ = _read_yaml(current, lines=False)
        chain.append((current, data))
        parent = data.get("extends")
        current = find_parent(current, str(parent), dirs_extra) if parent else None
    return chain


def load_file(path: Path, extra_dir: Path | None = None) -> Ruleset:
    """Load and validate one ruleset file (resolving `extends:`), in full."""
    return _validated(path, extra_dir, None)


def _validated(path: Path, extra_dir: Path | None, chain: list[tuple[Path, str | None]] | None) -> Ruleset:
    from pingtai_cli.rules import pydantic_schema

    data = _resolve(path, extra_dir, chain=chain)
    rs = pydantic_schema.validate(data, path, lambda: _read_yaml(path)[1])  # lines: only to say where
    _check_references(rs, path)
    _declare_facts(rs)
    return rs


def _declare_facts(rs: Ruleset) -> None:
    """The labels of the fact keys a ruleset adds, for reports (vocab.label_of)."""
    from pingtai_cli.vocab import DECLARED_LABELS

    for f in rs.facts:
        DECLARED_LABELS.setdefault(f.key, f.label)


def _load_recorded(path: Path, extra_dir: Path | None) -> Ruleset:
    """A shipped file from its record (rules/record.py) when it still stands, else validated and recorded."""
    from pingtai_cli.rules import record

    rs = record.load(path, lambda p, parent: find_parent(p, parent, extra_dir))
    if rs is not None:
        _declare_facts(rs)
        return rs
    chain: list[tuple[Path, str | None]] = []
    rs = _validated(path, extra_dir, chain)
    record.save(path, chain, rs)
    return rs


def _check_references(rs: Ruleset, path: Path) -> None:
    """Codes unique; every relaxable_by names a relaxation of this ruleset."""
    problems = []
    seen: set[str] = set()
    codes = [r.code for r in rs.all_rules()] + [m.code for m in rs.materials]
    codes += [r.code for r in rs.relaxations] + [f.code for f in rs.forms] + [p.code for p in rs.procedure]
    for c in codes:
        if c in seen:
            problems.append(f"{path.name}: 规则编号 {c} 重复")
        seen.add(c)
    relax = {r.code for r in rs.relaxations}
    for r in rs.all_rules():
        problems += [f"{path.name}: {r.code}.relaxable_by: 未定义的放宽条款 {x}" for x in r.relaxable_by if x not in relax]
    problems += _governing_problems(rs, path)
    if problems:
        raise RulesetError(f"规则文件 {path} 校验失败：", problems)


def _governing_problems(rs: Ruleset, path: Path) -> list[str]:
    """A `governing:` entry names a fact of the 申请表 and a material key (of the vocabulary or the
    ruleset's own), once per fact."""
    from pingtai_cli import vocab

    materials = set(vocab.get().materials) | {m.key for m in rs.new_materials}
    out, seen = [], set()
    for i, g in enumerate(rs.governing):
        if g.fact not in vocab.get().facts:
            out.append(f"{path.name}: governing[{i}].fact: 未知的事实键 {g.fact}（`pingtai rules keys` 列出全部）")
        if g.material not in materials:
            out.append(f"{path.name}: governing[{i}].material: 未知的材料键 {g.material}")
        if g.fact in seen:
            out.append(f"{path.name}: governing[{i}].fact: {g.fact} 重复")
        seen.add(g.fact)
    return out


@lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float, extra: str | None) -> Ruleset:
    return _load_recorded(Path(path), Path(extra) if extra else None)


def _suggest(key: str, files: dict[str, Path], extra_dir: Path | None) -> str | None:
    """`lioaning` → liaoning, `辽宁` → liaoning (辽宁省): the key a person probably meant."""
    import difflib

    close = difflib.get_close_matches(key.lower(), list(files), n=1, cutoff=0.6)
    if close:
        return close[0]
    for k, p in files.items():  # a Chinese name: only on this error path is every file read
        try:
            name = _load_cached(str(p), p.stat().st_mtime, str(extra_dir) if extra_dir else None).name
        except (PingtaiError, OSError):
            continue
        if key and (key in name or name.rstrip("省市县区") == key):
            return f"{k}（{name}）"
    return None


def load_ruleset(key: str, extra_dir: Path | None = None) -> Ruleset:
    """The ruleset for a jurisdiction key, from user dirs or the shipped ones."""
    files = available(extra_dir)
    if key not in files:
        known = "、".join(files) or "（无）"
        hint = _suggest(key, files, extra_dir)
        raise UnknownJurisdiction(f"未知的地区 {key!r}。可用：{known}" + (f"。是否要用 {hint}？" if hint else ""))
    p = files[key]
    return _load_cached(str(p), p.stat().st_mtime, str(extra_dir) if extra_dir else None)


def load_all(extra_dir: Path | None = None) -> list[Ruleset]:
    return [load_ruleset(k, extra_dir) for k in available(extra_dir)]


def find_rule(code: str, extra_dir: Path | None = None) -> tuple[Ruleset, Rule]:
    """Look a rule code up across every ruleset (`rules explain CODE`)."""
    for rs in load_all(extra_dir):
        for r in [*rs.all_rules(), *filter(None, [rs.area_rule()])]:
            if r.code == code:
                return rs, r
    raise UnknownRule(f"找不到规则 {code}。用 `pingtai rules show 地区` 查看规则编号。")
