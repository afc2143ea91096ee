"""Where ruleset files are, and what their headers say, without importing pydantic.

`pingtai rules list` only needs each file's header and a few counts. Validating
five rulesets with pydantic costs ~0.4 s (the schema classes alone ~70 ms to
build); reading the YAML with libyaml costs ~3 ms a file. So the listing reads
files here, and the full, strict load (`ruleset.load_ruleset`) is kept for the
commands that use the rules.

A rulesets directory holds one folder per jurisdiction:

    rulesets/<key>/ruleset.yaml    the ruleset
    rulesets/<key>/cases.yaml      its per-rule cases
    rulesets/<key>/<text>.txt      its policy text (`document.source_file`)
    rulesets/<key>/README.md       its readings (written by scripts/sync_readings.py)

A user's directory (`--rulesets-dir`, PINGTAI_RULESETS_DIR) may also use the older flat layout,
`<key>.yaml` with `cases/<key>.yaml` and the text beside it or in `policies/`; both are read.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a YAML text is read: kept records (a check, `rules list`) need none
    import yaml

RULESETS_ENV = "PINGTAI_RULESETS_DIR"
RULESET_FILE = "ruleset.yaml"  # inside a jurisdiction's folder
CASES_FILE = "cases.yaml"


def package_data_dir(name: str) -> Path:
    """Where shipped data lives: inside the wheel (`_data/`), or the repo root in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the pingtai_cli package
    bundled = here / "_data" / name
    if bundled.is_dir():
        return bundled
    return here.parent.parent / name


def shipped_dir() -> Path:
    """The shipped rulesets: one folder per jurisdiction."""
    return package_data_dir("rulesets")


def ruleset_dirs(extra: Path | None = None) -> list[Path]:
    """User directories first (flag, then environment), the shipped rulesets last."""
    dirs: list[Path] = []
    if extra:
        dirs.append(extra)
    env = os.environ.get(RULESETS_ENV)
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    dirs.append(shipped_dir())
    return dirs


def key_of(path: Path) -> str:
    """The jurisdiction key a ruleset file stands for: its folder's name, or a flat file's stem."""
    return path.parent.name if path.name == RULESET_FILE else path.stem


def rulesets_in(directory: Path) -> dict[str, Path]:
    """Key → ruleset file of one directory, in either layout (a folder wins over a flat file)."""
    found: dict[str, Path] = {}
    if not directory.is_dir():
        return found
    for p in sorted(directory.glob("*.yaml")):
        if not p.name.startswith("_"):
            found[key_of(p)] = p
    for p in sorted(directory.glob(f"*/{RULESET_FILE}")):
        if not p.parent.name.startswith(("_", ".")) and p.is_file():
            found[p.parent.name] = p
    return found


def ruleset_in(directory: Path, key: str) -> Path | None:
    """The ruleset file of `key` in one directory, if it has one (folder first, then flat)."""
    for p in (directory / key / RULESET_FILE, directory / f"{key}.yaml"):
        if p.is_file():
            return p
    return None


def cases_path(ruleset_file: Path) -> Path:
    """Where the cases of a ruleset file are: `cases.yaml` in its folder, or `cases/<key>.yaml` beside a flat file."""
    if ruleset_file.name == RULESET_FILE:
        return ruleset_file.parent / CASES_FILE
    return ruleset_file.parent / "cases" / f"{ruleset_file.stem}.yaml"


def readme_path(ruleset_file: Path) -> Path:
    """The README of a jurisdiction's folder (its readings)."""
    return ruleset_file.parent / "README.md"


def available(extra: Path | None = None) -> dict[str, Path]:
    """Jurisdiction key → file; a user file shadows a shipped one of the same key."""
    found: dict[str, Path] = {}
    for d in reversed(ruleset_dirs(extra)):
        found.update(rulesets_in(d))
    order = listing_order()
    return dict(sorted(found.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def shipped() -> dict[str, Path]:
    """The jurisdictions this installation ships, in listing order (no user directory)."""
    files = rulesets_in(shipped_dir())
    order = listing_order()
    return dict(sorted(files.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def policy_dirs(ruleset_file: Path | None = None) -> list[Path]:
    """Where a ruleset's `document.source_file` is looked up: beside the file (and its `policies/`),
    then every shipped jurisdiction's folder (a user's copy of a shipped ruleset names its text)."""
    dirs = [ruleset_file.parent] if ruleset_file is not None else []
    return dirs + [p.parent for p in rulesets_in(shipped_dir()).values()]


LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3}
_DOCUMENT_BLOCK = re.compile(r"^document:[^\n]*\n(?:(?:[ \t#][^\n]*)?\n)*", re.M)


def listing_order() -> dict[str, int]:
    """Display order of the shipped rulesets: the national text first, then provinces, then cities
    (then counties), each by issue date; derived from their `document:` headers, so no file or
    code names a jurisdiction. User rulesets of other keys follow in alphabetical order."""
    files = rulesets_in(shipped_dir())
    stamp = tuple((str(p), _mtime(p)) for p in files.values())
    return _order(stamp)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


@lru_cache(maxsize=8)
def _order(files: tuple[tuple[str, float], ...]) -> dict[str, int]:
    rank = sorted((_header_rank(Path(p)), key_of(Path(p))) for p, _ in files)
    return {key: i for i, (_, key) in enumerate(rank)}


def _yaml_error() -> type[Exception]:
    """yaml's error, for an except clause: its tuple is evaluated only when something was raised,
    so a read that raises nothing imports no yaml (~120 M instructions, a fifth of `rules list`)."""
    import yaml

    return yaml.YAMLError


def _header_rank(path: Path) -> tuple[int, str]:
    """(level rank, issue date) from the `document:` header: the file's parsed record when it still
    stands (no YAML read), else the `document:` block alone: ~1 KB of YAML, not the whole file."""
    try:
        text = path.read_text(encoding="utf-8")
        kept = _kept_parse(path, text)
        if kept is not None:
            doc = (kept["data"] or {}).get("document")
        else:
            m = _DOCUMENT_BLOCK.search(text)
            doc = (_yaml_load(m.group(0)) or {}).get("document") if m else None
    except (OSError, UnicodeDecodeError, _yaml_error(), ValueError, AttributeError):
        doc = None
    if not isinstance(doc, dict):
        return len(LEVEL_RANK), ""
    return LEVEL_RANK.get(str(doc.get("level")), len(LEVEL_RANK)), str(doc.get("issued") or "")


def bad_date(node: yaml.Node | None) -> yaml.Node | None:
    """The first scalar YAML would read as a date that is no date (`issued: 2020-13-01`): the safe
    loader raises a bare ValueError for it, with no line; the composed node has the line."""
    from datetime import date as _date

    import yaml

    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:timestamp":
            try:
                _date.fromisoformat(str(node.value)[:10])
            except ValueError:
                return node
        return None
    children = node.value if isinstance(node, yaml.SequenceNode | yaml.MappingNode) else []
    for child in children:
        for sub in child if isinstance(child, tuple) else (child,):
            found = bad_date(sub)
            if found is not None:
                return found
    return None


def is_shipped(path: Path) -> bool:
    """A file of the shipped rulesets (in its jurisdiction's folder), not of a user directory."""
    home = shipped_dir().resolve()
    return any(p.resolve() == path.resolve() for p in rulesets_in(home).values())


# A ruleset from --rulesets-dir is untrusted: the shipped ones are ~30 KB and ~5,000 YAML nodes,
# and aliases (`&a` … `*a`) can make a few KB expand to gigabytes once walked (billion laughs).
MAX_RULESET_BYTES = 1 << 20
MAX_EXPANDED_NODES = 200_000  # nodes of a file with every alias expanded


class RulesetFileError(Exception):
    """A ruleset or cases file refused before parsing (too large) or after (aliases)."""


def read_bounded(path: Path) -> str:
    """The text of a ruleset or cases file, refused past MAX_RULESET_BYTES."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_RULESET_BYTES + 1)
    if len(data) > MAX_RULESET_BYTES:
        raise RulesetFileError(f"文件过大（超过 {MAX_RULESET_BYTES >> 10} KB），未读取")
    return data.decode("utf-8")


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [x for kv in node.value for x in kv]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def refuse_aliases(node: yaml.Node | None) -> None:
    """Raise when the aliases of a composed file expand past MAX_EXPANDED_NODES or refer to
    themselves. Sizes are summed once per node (shared nodes are not walked again), so the check
    is linear in the file, whatever the expansion would be."""
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)] if node is not None else []
    while stack:
        n, finished = stack.pop()
        if finished:
            open_.discard(id(n))
            size[id(n)] = 1 + sum(size[id(c)] for c in _children(n))
            if size[id(n)] > MAX_EXPANDED_NODES:
                line = n.start_mark.line + 1
                raise RulesetFileError(
                    f"第 {line} 行起的内容经 YAML 别名（*名称）展开后超过 {MAX_EXPANDED_NODES} 项，未读取"
                )
            continue
        if id(n) in size:
            continue
        if id(n) in open_:
            raise RulesetFileError(f"第 {n.start_mark.line + 1} 行的 YAML 别名引用了它自身，未读取")
        open_.add(id(n))
        stack.append((n, True))
        stack.extend((c, False) for c in _children(n) if id(c) not in size)


def load_untrusted(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of a YAML text whose aliases were bounded before anything is constructed.

    The text is parsed once: the data is constructed from the checked node tree (what yaml.load
    does after composing), not from a second parse (~40 % of loading a ruleset)."""
    from pingtai_cli.core.yamlload import YAML_LOADER

    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        refuse_aliases(node)
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def read_plain(path: Path) -> dict[str, Any] | None:
    """The file's mapping read with libyaml, or None when it `extends:` another (needs the full load)."""
    try:
        text = read_bounded(path)
        if "*" in text:  # maybe an alias: the full load refuses it with its reason
            return None
        data = _parsed_shipped(path, text) if is_shipped(path) else _yaml_load(text)
    except (OSError, UnicodeDecodeError, _yaml_error(), ValueError, RulesetFileError):  # ValueError: an impossible date
        return None
    if not isinstance(data, dict) or data.get("extends"):
        return None
    return data


PARSED_DIR = Path(__file__).resolve().parent / "__pycache__"  # beside the bytecode, as .pyc files are


def _yaml_load(text: str) -> Any:
    import yaml

    from pingtai_cli.core.yamlload import YAML_LOADER

    return yaml.load(text, Loader=YAML_LOADER)


def _kept_parse(path: Path, text: str) -> dict[str, Any] | None:
    """The parsed record of a shipped file while it still stands for `text` (its `data` is the
    file's YAML as parsed), else None."""
    import json

    from pingtai_cli.rules.model import revive

    try:
        record = json.loads(_parsed_path(path).read_text(encoding="utf-8"), object_hook=revive)
    except (OSError, ValueError, TypeError, RecursionError):
        return None
    ok = isinstance(record, dict) and record.get("digest") == _digest(text) and "data" in record
    return record if ok else None


def _parsed_path(path: Path) -> Path:
    return PARSED_DIR / f"parsed-{path.resolve().parent.name}.json"


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parsed_shipped(path: Path, text: str) -> Any:
    """A shipped file's YAML as parsed, kept as JSON beside the package's bytecode (keyed by the
    text's SHA-256): PyYAML builds the five shipped files' objects in Python, ~150 M instructions
    of `rules list`; JSON reads them in ~10 M. A stale, torn or altered record is a miss."""
    import json

    from pingtai_cli.core.files import write_atomic
    from pingtai_cli.rules.model import revive, to_json

    record = _kept_parse(path, text)
    if record is not None:
        return record["data"]
    data = _yaml_load(text)
    where = _parsed_path(path)
    try:
        kept = to_json({"digest": _digest(text), "data": data})
        if json.loads(kept, object_hook=revive)["data"] == data:  # JSON gives exactly it back
            where.parent.mkdir(exist_ok=True)
            write_atomic(where, kept, durable=False)
    except (OSError, TypeError, ValueError):  # a read-only install costs time, never the listing
        pass
    return data


def _codes(rules: Any) -> int:
    """Rules and the rules nested in their `options` (any_of alternatives)."""
    total = 0
    for r in rules or []:
        if isinstance(r, dict):
            total += 1 + sum(_codes(o.get("rules")) for o in r.get("options") or [] if isinstance(o, dict))
    return total


def summary(data: dict[str, Any], path: Path, on: date) -> dict[str, Any]:
    """One line of `rules list`, from a ruleset mapping (raw YAML or a validated model dump)."""
    doc = data.get("document") or {}
    functions = data.get("functions") or {}
    items = functions.get("items") or []
    start, until = doc.get("in_force_from"), doc.get("in_force_until")
    in_force = None
    if isinstance(start, date):
        in_force = start <= on and (not isinstance(until, date) or on <= until)
    return {
        "key": data.get("key", key_of(path)),
        "name": data.get("name"),
        "title": doc.get("title"),
        "number": doc.get("number"),
        "issuer": doc.get("issuer"),
        "level": doc.get("level"),
        "issued": _iso(doc.get("issued")),
        "in_force_from": _iso(start),
        "in_force_until": _iso(until),
        "in_force": in_force,
        "rules": _codes(data.get("basic")) + sum(_codes(i.get("rules")) for i in items) + _codes(data.get("exclusions")),
        "functions": len(items),
        "materials": len(data.get("materials") or []),
        "forms": len(data.get("forms") or []),
        "relaxations": len(data.get("relaxations") or []),
        "extends": data.get("extends"),
        "status": data.get("status") or "confirmed",
        "file": str(path),
        "shipped": is_shipped(path),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else None)


def ruleset_summaries(extra: Path | None, on: date) -> list[dict[str, Any]]:
    """`rules list`: header and counts of every ruleset; files using `extends:` (or unreadable ones) get the full load."""
    out = []
    for key, path in available(extra).items():
        data = read_plain(path)
        line = None if data is None else _plain_summary(data, path, on)
        if line is None:  # the full load: the model's summary, or why the file is not a ruleset
            data = _full_dump(key, extra)
            line = {"key": key, "file": str(path), "error": data["error"]} if "error" in data else summary(data, path, on)
        out.append(line)
    return out


def _plain_summary(data: dict[str, Any], path: Path, on: date) -> dict[str, Any] | None:
    """The summary of a mapping read without validation, when it is shaped like a ruleset; None
    for a user's file that is not (no name or title, a section of the wrong type), whose full
    load then says what is wrong instead of a row of blanks or an internal error."""
    doc = data.get("document")
    if not isinstance(doc, dict) or not data.get("name") or not doc.get("title"):
        return None
    try:
        return summary(data, path, on)
    except (AttributeError, TypeError):  # e.g. `functions: [1, 2]`
        return None


def _full_dump(key: str, extra: Path | None) -> dict[str, Any]:
    # pydantic is imported only for a file the plain read cannot summarise
    from pingtai_cli.core.errors import PingtaiError
    from pingtai_cli.rules.schema import load_ruleset

    try:
        return load_ruleset(key, extra).model_dump(mode="python")
    except PingtaiError as e:
        return {"error": str(e).splitlines()[0]}
