"""The same applicant submitted twice in one intake: same credit code, same org name, or identical files.

Each copy is checked on its own merits (its verdict stands), and each gets a `dossier.duplicate`
warning naming the other copies and what they share, so the reviewer decides which one counts.
Identical files do not make one applicant of two whose credit codes and names both differ (a
city's recognition notice lists several platforms, and each files it): those two get a
`dossier.shared_files` warning instead, naming the files, and neither is the other's copy.
A pure function of the results of a batch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import PurePath

from pingtai_cli.core.models import CheckResult, Finding

DUPLICATE_ID = "dossier.duplicate"
SHARED_FILES_ID = "dossier.shared_files"
MAX_NAMED = 5  # other copies named in a finding; the rest are counted
_FOLD = str.maketrans("（）【】　", "()[] ")


def _name_key(name: str) -> str:
    """单位名称 as compared: spaces and full/half-width brackets do not make another applicant."""
    return re.sub(r"\s+", "", name.translate(_FOLD))


def _code_key(result: CheckResult) -> str | None:
    code = result.facts.get("credit_code")
    if code is not None and isinstance(code.value, str) and code.value.strip():
        return code.value.strip().upper()
    return None


def applicant_keys(result: CheckResult) -> set[str]:
    """What makes two results copies of one applicant here, but for identical files: its credit
    code and its name as compared. Two results sharing a key get each other's duplicate finding."""
    keys = set()
    if (code := _code_key(result)) is not None:
        keys.add(f"code:{code}")
    if result.org_name and _name_key(result.org_name):
        keys.add(f"name:{_name_key(result.org_name)}")
    return keys


def short_names(paths: Sequence[str]) -> list[str]:
    """Each dossier's name as a finding names it: its last part (甲), with as many folders above
    as tell it from another dossier of the same name (魏都区/甲, 长葛市/甲: one applicant sent
    through two counties, each folder named after it)."""
    parts = [PurePath(p).parts or (p,) for p in paths]
    depth = [1] * len(paths)
    while True:
        names = ["/".join(ps[-d:]) for ps, d in zip(parts, depth, strict=True)]
        seen: dict[str, list[int]] = defaultdict(list)
        for i, name in enumerate(names):
            seen[name].append(i)
        grow = [i for same in seen.values() if len(same) > 1 for i in same if depth[i] < len(parts[i])]
        if not grow:
            return names
        for i in grow:
            depth[i] += 1


def mark_duplicates(results: Sequence[CheckResult]) -> int:
    """Add a `dossier.duplicate` finding to every copy, and a `dossier.shared_files` one to every
    dossier that has files of another applicant's; returns how many dossiers are copies."""
    found = duplicate_findings(results)
    for i, finding in found.items():
        results[i].findings.append(finding)
    for i, finding in shared_file_findings(results).items():
        results[i].findings.append(finding)
    return len(found)


def shared_file_findings(results: Sequence[CheckResult]) -> dict[int, Finding]:
    """The `dossier.shared_files` finding of every dossier holding files identical to those of a
    dossier of another applicant (credit codes and names both differ), by index in `results`."""
    found: dict[int, Finding] = {}
    shown = short_names([r.dossier for r in results])
    for a, with_b in _foreign_files(results).items():
        named = sorted(with_b.items())
        parts = [
            f"与 {shown[b]}（统一社会信用代码 {_code_key(results[b])}）有 {len(paths)} 个文件内容完全相同"
            f"（{'、'.join(paths[:3])}{'等' if len(paths) > 3 else ''}）"
            for b, paths in named[:MAX_NAMED]
        ]
        if len(named) > MAX_NAMED:
            parts.append(f"另有 {len(named) - MAX_NAMED} 份")
        message = (
            f"本卷宗（统一社会信用代码 {_code_key(results[a])}）" + "；".join(parts)
            + "。两份卷宗的统一社会信用代码和单位名称都不同，不是同一申请单位，不作重复申报处理；"
            "请核实这些文件是公开文件（如认定通知、政策文件），还是使用了其他单位的材料。"
        )
        files = sorted({p for ps in with_b.values() for p in ps})
        found[a] = Finding(SHARED_FILES_ID, "warning", message, files)
    return found


def duplicate_findings(results: Sequence[CheckResult]) -> dict[int, Finding]:
    """The `dossier.duplicate` finding of every copy, by its index in `results` (none added: a
    batch adds them itself, and splices them into the JSON its workers made)."""
    shared, same_files = _shared(results)
    found: dict[int, Finding] = {}
    shown = short_names([r.dossier for r in results])
    for i, others in shared.items():
        named = sorted(others.items())
        parts = [f"与 {shown[j]}：{'；'.join(why)}" for j, why in named[:MAX_NAMED]]
        if len(named) > MAX_NAMED:  # the rest counted, not written out only to be cut
            parts.append(f"另有 {len(named) - MAX_NAMED} 份")
        files = sorted({p for ps in same_files.get(i, {}).values() for p in ps})
        message = "疑似重复申报（同一申请单位提交了两份以上卷宗）：" + "；".join(parts) + "。请确认以哪一份为准，其余不予受理。"
        found[i] = Finding(DUPLICATE_ID, "warning", message, files)
    return found


def duplicate_groups(results: Sequence[CheckResult]) -> list[list[int]]:
    """The copies of each applicant, as indexes into `results` in their order: every dossier linked
    to another by any tie `mark_duplicates` flags (credit code, org name, identical files), directly
    or through a third copy. Dossiers with no copy are not listed."""
    shared, _ = _shared(results)
    seen: set[int] = set()
    groups: list[list[int]] = []
    for start in sorted(shared):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            i = todo.pop()
            if i not in group:
                group.add(i)
                todo.extend(shared[i])
        seen |= group
        groups.append(sorted(group))
    return groups


def _shared(
    results: Sequence[CheckResult],
) -> tuple[dict[int, dict[int, list[str]]], dict[int, dict[int, list[str]]]]:
    """index → other index → what the two share; a → b → the paths of a's files identical in b."""
    by_code: dict[str, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    by_hash: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, r in enumerate(results):
        if (code := _code_key(r)) is not None:
            by_code[code].append(i)
        if r.org_name and _name_key(r.org_name):
            by_name[_name_key(r.org_name)].append(i)
        for f in r.files:
            if f.sha256:
                by_hash[f.sha256].append((i, f.path))
    shared: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for shared_code, idx in by_code.items():
        _pairs(shared, set(idx), f"统一社会信用代码相同（{shared_code}）")
    for idx in by_name.values():
        _pairs(shared, set(idx), "单位名称相同")
    same_files = _same_files(by_hash)
    public = _public_folders(results, same_files)
    for a, with_b in same_files.items():
        for b in [b for b in with_b if _other_applicant(results[a], results[b]) or a in public or b in public]:
            del with_b[b]
        for b, paths in with_b.items():
            shown = "、".join(paths[:3]) + ("等" if len(paths) > 3 else "")
            shared[a][b].append(f"{len(paths)} 个文件内容完全相同（{shown}）")
    return shared, same_files


def _public_folders(results: Sequence[CheckResult], same_files: dict[int, dict[int, list[str]]]) -> set[int]:
    """Dossiers naming nobody (no credit code, no 单位名称: a 公共材料/ folder) whose files two
    different applicants both have: a copy of neither, since it cannot be a copy of both; through
    it, the two would be taken for one applicant."""
    out: set[int] = set()
    for a, with_b in same_files.items():
        name = results[a].org_name
        if _code_key(results[a]) is not None or (name and _name_key(name)):
            continue
        partners = list(with_b)
        if any(_other_applicant(results[b], results[c]) for b in partners for c in partners if b < c):
            out.add(a)
    return out


def _other_applicant(a: CheckResult, b: CheckResult) -> bool:
    """True when two results name two applicants: both credit codes read and different, and the
    names not the same. Files they share then say nothing of who submitted them."""
    code_a, code_b = _code_key(a), _code_key(b)
    if code_a is None or code_b is None or code_a == code_b:
        return False
    return not (a.org_name and b.org_name and _name_key(a.org_name) == _name_key(b.org_name))


def _foreign_files(results: Sequence[CheckResult]) -> dict[int, dict[int, list[str]]]:
    """a → b → a's files whose bytes b has too, where a and b are two applicants."""
    by_hash: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, r in enumerate(results):
        for f in r.files:
            if f.sha256:
                by_hash[f.sha256].append((i, f.path))
    out: dict[int, dict[int, list[str]]] = {}
    for a, with_b in _same_files(by_hash).items():
        for b, paths in with_b.items():
            if _other_applicant(results[a], results[b]):
                out.setdefault(a, {})[b] = paths
    return out


def _same_files(by_hash: dict[str, list[tuple[int, str]]]) -> dict[int, dict[int, list[str]]]:
    """a → b → a's files whose bytes b has too, in the order met. By copy first: with a hundred
    copies of one applicant, gathering a copy's files by scanning every pair was quadratic."""
    out: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for entries in by_hash.values():
        for a, path in entries:
            for b, _ in entries:
                if a != b and path not in out[a][b]:
                    out[a][b].append(path)
    return out


def _pairs(shared: dict[int, dict[int, list[str]]], idx: set[int], why: str) -> None:
    for a in idx:
        for b in idx - {a}:
            shared[a][b].append(why)


def duplicate_note(result: CheckResult) -> str:
    """The duplicate finding's message, or '' (for summary cells)."""
    return next((f.message for f in result.findings if f.id == DUPLICATE_ID), "")
