"""A sixth jurisdiction folder is covered by every meta-test without editing a test.

The folder of the first shipped jurisdiction is copied under a new key, its codes given a new
prefix (as a new text's would be), into a directory named by PINGTAI_RULESETS_DIR: the discovery
the tests use (tests/jurisdictions.py) finds it as it finds a folder of rulesets/. A fresh pytest
collects the whole suite; every test parametrized over all the shipped jurisdictions must have an
instance for the new key (its rule cases included), and those instances must pass.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from jurisdictions import code_prefix, ruleset_file, shipped_keys

REPO = Path(__file__).resolve().parent.parent
NEW = "testland"
# Typed from the texts, not read from the rulesets: a new text needs its row typed from its text,
# which is the point of an independent oracle.
ORACLES = {"tests/test_golden_thresholds.py"}


def sixth_folder(directory: Path) -> Path:
    """A copy of the first shipped jurisdiction's folder as jurisdiction `NEW`, codes `ZZ-`."""
    source = shipped_keys()[0]
    folder = directory / NEW
    shutil.copytree(ruleset_file(source).parent, folder)
    old = code_prefix(source)
    for name in ("ruleset.yaml", "cases.yaml", "README.md"):
        path = folder / name
        text = re.sub(rf"\b{old}-(?=[A-Z]\d{{2}})", "ZZ-", path.read_text(encoding="utf-8"))
        if name == "ruleset.yaml":
            text = re.sub(r"^key: .*$", f"key: {NEW}", text, count=1, flags=re.M)
            text = re.sub(r"^name: .*$", "name: 第六地", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
    return folder


def _param_keys(test_id: str) -> str | None:
    """The jurisdiction a test instance is for, when its parameter is one (`[national]`, `[national/NA-B01:…]`)."""
    m = re.search(r"\[([^\]/]+)(?:/[^\]]*)?\]$", test_id)
    return m.group(1) if m else None


def test_a_sixth_jurisdiction_folder_is_covered_by_every_meta_test(tmp_path: Path) -> None:
    sixth_folder(tmp_path / "rulesets")
    listed = tmp_path / "collected.txt"
    env = {
        **os.environ,
        "PINGTAI_RULESETS_DIR": str(tmp_path / "rulesets"),
        # One run collects the whole suite, lists it (tests/collected_ids.py) and runs the sixth's
        # instances: a --collect-only run before it cost a second collection of every test file.
        "PINGTAI_TEST_COLLECTED": str(listed),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "tests"), os.environ.get("PYTHONPATH")])),
    }
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "collected_ids", "tests", "-k", NEW]
    ran = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert listed.exists(), ran.stdout[-3000:] + ran.stderr[-3000:]  # the suite was collected
    collected = listed.read_text(encoding="utf-8").splitlines()
    per_test: dict[str, set[str]] = defaultdict(set)
    for line in collected:
        if "::" in line and "[" in line:
            key = _param_keys(line)
            if key is not None:
                per_test[line.split("[", 1)[0]].add(key)
    over_all = {t for t, ks in per_test.items() if set(shipped_keys()) <= ks and t.split("::")[0] not in ORACLES}
    assert len(over_all) >= 20, sorted(over_all)  # the meta-tests, the rule cases, init, drafting …
    missed = sorted(t for t in over_all if NEW not in per_test[t])
    assert missed == [], f"parametrized over the shipped jurisdictions but not over a sixth: {missed}"

    # Every instance for the sixth is in a file of those meta-tests, ran and passed.
    files = {t.split("::")[0] for t in over_all}
    ours = [line for line in collected if _param_keys(line) == NEW]
    assert {line.split("::")[0] for line in ours} <= files, sorted(ours)
    assert ran.returncode == 0, ran.stdout[-4000:] + ran.stderr[-2000:]
    assert re.search(rf"\b{len(ours)} passed", ran.stdout), ran.stdout[-2000:]
