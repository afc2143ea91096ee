"""Regenerate tests/golden/*.json (the golden snapshot of every sample dossier's JSON).

Only a deliberate fix may do this; the commit that does must say which snapshot changed and why.

    python scripts/update_golden.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    env = dict(os.environ, PINGTAI_UPDATE_GOLDEN="1")
    test = str(ROOT / "tests" / "test_golden_snapshot.py")
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", test], cwd=ROOT, env=env))
