"""core/files.py: the one atomic writer and the one containment check, and that nothing else
in the package writes a file its own way."""

from __future__ import annotations

import ast
import errno
import os
from pathlib import Path

import pytest

from pingtai_cli.core.errors import OutputExists, os_reason
from pingtai_cli.core.files import is_inside, write_atomic

SRC = Path(__file__).resolve().parent.parent / "src" / "pingtai_cli"

# ---------------------------------------------------------------------------
# is_inside


def test_a_path_below_the_root_or_the_root_itself_is_inside(tmp_path: Path) -> None:
    assert is_inside(tmp_path, tmp_path)
    assert is_inside(tmp_path / "a" / "b.docx", tmp_path)  # need not exist
    assert is_inside(tmp_path / "a" / ".." / "b", tmp_path)


def test_dotdot_and_a_sibling_sharing_the_prefix_are_outside(tmp_path: Path) -> None:
    root = tmp_path / "out"
    assert not is_inside(root / ".." / "x", root)
    assert not is_inside(tmp_path / "out2" / "x", root)  # a startswith() check lets this through
    assert not is_inside(tmp_path, root)


def test_a_symlink_out_of_the_root_is_outside_and_one_within_is_inside(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere, target_is_directory=True)
    (root / "here").symlink_to(root / "sub")
    assert not is_inside(root / "out" / "form.docx", root)
    assert is_inside(root / "here" / "form.docx", root)


def test_a_symlink_loop_is_outside_never_an_error(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert is_inside(tmp_path / "a", tmp_path) in (True, False)  # resolves or not, never raises
    assert not is_inside(tmp_path / "a" / "x", tmp_path / "a" / "y")


# ---------------------------------------------------------------------------
# write_atomic


def test_bytes_text_and_a_producer_are_written_and_the_producer_result_returned(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.bin", b"\x00\x01")
    write_atomic(tmp_path / "b.txt", "申请表")
    assert write_atomic(tmp_path / "c.md", lambda p: p.write_text("x", "utf-8") and "made") == "made"
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_text("utf-8") == "申请表"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.txt", "c.md"]


def test_the_file_and_then_its_folder_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    synced: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    write_atomic(tmp_path / "r.html", "<p>x</p>")
    assert synced == ["file", "folder"]
    synced.clear()
    write_atomic(tmp_path / "cache.json", "{}", durable=False)  # the cache's choice, documented there
    assert synced == []


def test_a_new_file_gets_the_mode_open_would_give_not_mkstemps_private_one(tmp_path: Path) -> None:
    write_atomic(tmp_path / "f.docx", b"x")
    umask = os.umask(0o022)
    os.umask(umask)
    assert (tmp_path / "f.docx").stat().st_mode & 0o777 == 0o666 & ~umask


def test_without_force_an_existing_file_or_dangling_link_is_kept(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("old")
    (tmp_path / "link.md").symlink_to(tmp_path / "nowhere")
    for name in ("old.json", "link.md"):
        with pytest.raises(OutputExists, match="已存在.*--force"):
            write_atomic(tmp_path / name, "new", force=False)
    assert (tmp_path / "old.json").read_text() == "old" and not (tmp_path / "nowhere").exists()
    write_atomic(tmp_path / "old.json", "new", force=True)
    assert (tmp_path / "old.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "old.json"]


def test_without_force_a_file_that_appears_while_writing_is_not_clobbered(tmp_path: Path) -> None:
    target = tmp_path / "表.docx"

    def produce(tmp: Path) -> None:
        tmp.write_bytes(b"mine")
        target.write_bytes(b"theirs")  # another process took the name meanwhile

    with pytest.raises(OutputExists):
        write_atomic(target, produce, force=False)
    assert target.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["表.docx"]


def test_a_full_disk_names_the_target_in_chinese_and_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    def full(src: str, dst: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", src)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError) as caught:
        write_atomic(target, "new")
    assert caught.value.filename == str(target)  # never the hidden temporary name
    assert os_reason(caught.value) == "磁盘空间不足"
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_an_error_about_another_file_keeps_its_name(tmp_path: Path) -> None:
    template = tmp_path / "template.docx"

    def produce(tmp: Path) -> None:
        template.read_bytes()  # FileNotFoundError naming the template

    with pytest.raises(FileNotFoundError) as caught:
        write_atomic(tmp_path / "out.docx", produce)
    assert caught.value.filename == str(template)
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_in_a_producer_leaves_nothing(tmp_path: Path) -> None:
    def interrupted(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "x.xlsx", interrupted)
    assert list(tmp_path.iterdir()) == []


def test_a_target_name_at_the_file_system_limit_still_gets_a_temporary_file(tmp_path: Path) -> None:
    name = "申" * 80 + ".docx"  # 245 bytes: the temporary name must not exceed 255
    write_atomic(tmp_path / name, b"x", force=False)
    assert [p.name for p in tmp_path.iterdir()] == [name]


# ---------------------------------------------------------------------------
# nothing else writes files its own way

# The rename-into-place machinery lives in core/files.py only.
MACHINERY = {
    "os.replace", "os.rename", "os.link", "os.fsync", "shutil.move",
    "tempfile.mkstemp", "tempfile.NamedTemporaryFile",
}
# Functions that write the temporary path write_atomic hands them (a producer), never a target.
PRODUCERS = {("intake/cache.py", "dump"), ("outputs/forms/generic.py", "materials_list")}
DIRECT_WRITES = {"write_text", "write_bytes"}


def _calls(tree: ast.AST) -> list[tuple[str, str, int]]:
    """(called attribute or name, enclosing function, line) for every call in a module."""
    out: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call):
                f = child.func
                called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("os", "shutil", "tempfile"):
                    called = f"{f.value.id}.{f.attr}"
                opened_for_writing = called == "open" and any(
                    isinstance(a, ast.Constant) and isinstance(a.value, str) and set(a.value) & set("wax")
                    for a in child.args[1:2]
                )
                out.append(("open-w" if opened_for_writing else called, function, child.lineno))
            visit(child, name)

    visit(tree, "")
    return out


def test_no_module_but_core_files_renames_links_or_flushes_files() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "core/files.py":
            continue
        for called, function, line in _calls(ast.parse(path.read_text("utf-8"))):
            if called in MACHINERY or (
                called in DIRECT_WRITES | {"open-w"} and (rel, function) not in PRODUCERS
            ):
                found.append(f"{rel}:{line} {called}() in {function or 'module'}")
    assert found == [], "write through pingtai_cli.core.files.write_atomic:\n" + "\n".join(found)
