"""The exception family and the exit codes that scripts rely on (spec §3)."""

from __future__ import annotations

import errno

EXIT_OK = 0  # every dossier checked is eligible
EXIT_FINDINGS = 1  # at least one dossier is not eligible
EXIT_USAGE = 2  # the command could not do its work


class PingtaiError(Exception):
    """An error meant for people: cli.py prints the message and exits with `exit_code`."""

    exit_code = EXIT_USAGE


class RulesetError(PingtaiError):
    """A ruleset file is malformed; `problems` lists one `file:line: field: reason` each."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.args[0]
        return self.args[0] + "\n" + "\n".join(f"  {p}" for p in self.problems)


class UnknownJurisdiction(PingtaiError):
    """No ruleset with that key."""


class UnknownRule(PingtaiError):
    """No rule with that code."""


class UnknownKind(PingtaiError):
    """No check kind with that name."""


class OutputExists(PingtaiError):
    """An output file exists and --force was not given."""


class DossierError(PingtaiError):
    """The dossier path itself cannot be opened (missing, not a folder or zip)."""


_OS_REASONS = {
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许的操作",
    errno.ENOENT: "不存在",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.EISDIR: "是一个文件夹",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.ELOOP: "符号链接过多或循环",
}


def os_reason(e: OSError) -> str:
    """The system's refusal in Chinese where it is a common one, else as the system said it."""
    return _OS_REASONS.get(e.errno or 0, e.strerror or str(e))
