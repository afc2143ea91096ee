"""`pingtai` (the console script) and `python -m pingtai_cli`.

Loading the CLI (typer, rich, the commands) takes ~0.15 s; a Ctrl-C in that time stops pingtai as
one later does, with 已中断 and exit status 130, rather than with Python's traceback.
"""

from __future__ import annotations

import sys

INTERRUPTED = 130  # 128 + SIGINT, as the CLI exits on Ctrl-C


def main() -> None:
    try:
        from pingtai_cli.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        sys.exit(INTERRUPTED)
    run()


if __name__ == "__main__":
    main()
