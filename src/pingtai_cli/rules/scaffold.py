"""`rules new`: a new jurisdiction's folder drafted from its policy text.

rules/draft.py turns the text into a ruleset mapping and synthesised cases; this module reads
the text (bounded, UTF-8 or GB18030), picks a free code prefix, refuses to overwrite without
`force`, and writes DIR/<key>/ruleset.yaml, cases.yaml and a copy of the text, the layout of
the shipped rulesets. `draft_summary` is what `rules new` tells its user about the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pingtai_cli.core.errors import OutputExists, PingtaiError, os_reason
from pingtai_cli.core.files import write_atomic
from pingtai_cli.rules import kinds
from pingtai_cli.rules.draft import default_prefix, draft_cases, draft_ruleset
from pingtai_cli.rules.files import CASES_FILE, RULESET_FILE, available
from pingtai_cli.rules.schema import load_ruleset

MAX_TEXT_BYTES = 4 * 1024 * 1024  # a 办法 is some 20 KB; anything this large is not one
KEY_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
CASES_DATE = date(2026, 3, 15)  # the check date the synthesised cases are written for


def read_policy_text(path: Path) -> str:
    """The text of a 办法, UTF-8 or GB18030 (a bureau's Windows export), size-bounded."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise PingtaiError(f"政策原文 {path} 过大（{size // 1024} KB），不像一份认定办法的文本")
        raw = path.read_bytes()
    except OSError as e:
        raise PingtaiError(f"无法读取政策原文 {path}（{os_reason(e)}）") from e
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PingtaiError(f"政策原文 {path} 不是 UTF-8 或 GBK 编码的文本（Word/PDF 请先另存为 .txt）")


@dataclass
class DraftWritten:
    """The files `rules new` wrote and the drafted ruleset mapping they hold."""

    data: dict[str, Any]
    ruleset_file: Path
    text_copy: Path
    cases_file: Path
    out_dir: Path


def write_draft(
    key: str,
    text: Path,
    *,
    extends: str | None = None,
    out_dir: Path = Path("."),
    prefix: str | None = None,
    force: bool = False,
    rulesets_dir: Path | None = None,
) -> DraftWritten:
    """Draft a ruleset from a policy text into OUT_DIR/<key>/ (ruleset.yaml, cases.yaml, the text)."""
    if not KEY_RE.match(key):
        raise PingtaiError(f"地区键 {key!r} 只能用小写字母、数字和连字符，以字母开头，2 至 41 个字符，如 guangdong")
    if prefix is not None and not re.fullmatch(r"[A-Z]{2,4}", prefix):
        raise PingtaiError(f"编号前缀 {prefix!r} 应为 2–4 个大写字母，如 GD")
    body = read_policy_text(text)
    parent = load_ruleset(extends, rulesets_dir) if extends else None
    taken = {p for p in (_prefix_of(f) for f in available(rulesets_dir).values()) if p is not None}
    code_prefix = prefix or default_prefix(key, taken)
    data = draft_ruleset(key, body, text.name, code_prefix, parent)
    cases = draft_cases(data, CASES_DATE)
    # One folder per jurisdiction, as the shipped rulesets: DIR/<key>/ruleset.yaml, cases.yaml, the text.
    folder = out_dir / key
    target, copy, cases_path = folder / RULESET_FILE, folder / text.name, folder / CASES_FILE
    same_text = copy.exists() and copy.resolve() == text.resolve()
    flat = out_dir / f"{key}.yaml"  # an older flat file of the key: the folder would shadow it unseen
    _refuse_existing([target, cases_path] + ([] if same_text else [copy]) + ([flat] if flat.exists() else []), force)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not same_text:
            write_atomic(copy, body, force=force)
        write_atomic(target, _header(key, text.name) + _dump(data), force=force)
        write_atomic(cases_path, "# 由 pingtai rules new 按门槛值合成的用例：门槛值确认后仍应通过。\n" + _dump(cases),
                     force=force)
    except OSError as e:
        raise PingtaiError(f"无法写入 {out_dir}（{os_reason(e)}）") from e
    return DraftWritten(data, target, copy, cases_path, out_dir)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)


def _refuse_existing(paths: list[Path], force: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise OutputExists(f"文件已存在：{'、'.join(existing)}（用 --force 覆盖）")


def _prefix_of(path: Path) -> str | None:
    try:
        m = re.search(r"code:\s*['\"]?([A-Z]{2,4})-[A-Z]\d{2}", path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return m.group(1) if m else None


def _header(key: str, source: str) -> str:
    return (f"# 草稿：由 pingtai rules new 从 {source} 起草。每一条都标为 status: draft；\n"
            "# 逐条与原文核对（门槛值、单位、条文、事实字段），确认后删去该条的 status 行。\n"
            "# 整个文件确认后删去顶层的 status: draft。在此之前，检查结论一律为“待审核”。\n"
            f"# 校验：pingtai rules validate {key}/ruleset.yaml    用例：pingtai rules test {key} --rulesets-dir .\n")


def draft_summary(w: DraftWritten) -> str:
    """What `rules new` prints: the files, the counts by kind, what to confirm next."""
    data, target = w.data, w.ruleset_file

    def count(rules: list[dict[str, Any]], attribute: str) -> int:
        """Drafted rules (options included) whose kind has that attribute: numeric, qualitative."""
        total = 0
        for r in rules:
            total += getattr(kinds.get(r["check"]), attribute)
            for opt in r.get("options", []):
                total += count(opt["rules"], attribute)
        return total

    basic = data.get("basic", [])
    functions = data.get("functions")
    fn_rules = [r for item in functions["items"] for r in item["rules"]] if functions else []
    thresholds, reviews = count(basic, "numeric"), count(basic, "qualitative")
    lines = [
        f"已起草 {target}（草稿），原文复制为 {w.text_copy}，用例 {w.cases_file}：",
        f"  基本条件：门槛 {thresholds} 条，定性 {reviews} 条，其他 {len(basic) - thresholds - reviews} 条",
        (f"  服务功能：{len(functions['items'])} 项（门槛 {count(fn_rules, 'numeric')} 条），"
         f"至少满足 {functions['count'].get('by_platform_type') or functions['count']['min']} 项")
        if functions else f"  服务功能：沿用 {data.get('extends')}（本办法未另作规定）",
        f"  排除情形 {len(data.get('exclusions', []))} 条，材料 {len(data.get('materials', []))} 项，"
        f"表格 {len(data.get('forms', []))} 项，程序与期限 {len(data.get('procedure', []))} 项，"
        f"放宽条款 {len(data.get('relaxations', []))} 条" + (f"，继承 {data['extends']}" if data.get("extends") else ""),
    ]
    if data.get("facts"):
        rename = sum(f["key"].startswith("draft_fact_") for f in data["facts"])
        derived = sum(bool(f.get("ratio") or f.get("growth")) for f in data["facts"])
        lines.append(f"  新声明的事实字段 {len(data['facts'])} 个（推导 {derived} 个；待改名 {rename} 个：词表中没有对应的键）")
    lines += [f"  注意：{r}" for r in data["readings"] if "起草" in r and not r.startswith("草稿：")]
    lines.append(f"下一步：pingtai rules validate {target}；pingtai rules test {data['key']} --rulesets-dir {w.out_dir}")
    return "\n".join(lines)
