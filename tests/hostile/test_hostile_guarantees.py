"""The guarantees around reading: time limits, Ctrl-C, no overwrite, safe parsers, name properties."""

from __future__ import annotations

import ast
import functools
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import pytest
from hostile_corpus import SAMPLES, XXE_DTD, Corpus, replace_members
from hostile_helpers import AS_OF, invoke, leftovers, run_main
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pingtai_cli.api import batch
from pingtai_cli.core.files import is_inside
from pingtai_cli.intake.dossier import decode_member_name, unsafe_member_name

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "pingtai_cli"
SCAN = SAMPLES / "heilongjiang_scan_license" / "scan0001.pdf"


def slow_dossier(folder: Path, copies: int = 6) -> Path:
    """Scans that must each be OCR'd (bytes differ, so no cache helps): several seconds of work."""
    folder.mkdir(parents=True)
    data = SCAN.read_bytes()
    for i in range(copies):
        (folder / f"扫描件{i}.pdf").write_bytes(data + f"\n%{i}\n".encode())
    return folder


# ---------------------------------------------------------------------------
# time limits


@pytest.mark.slow
def test_a_dossier_past_the_time_limit_is_an_error_result_and_the_batch_goes_on(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = batch.check_path

    def check_path(path: Path, job: Any) -> Any:
        if path.name == "slow":
            time.sleep(60)
        return real(path, job)

    monkeypatch.setattr(batch, "check_path", check_path)  # forked workers inherit it
    slow = tmp_path / "slow"
    slow.mkdir()
    started = time.monotonic()
    run = invoke(
        "check",
        corpus.workbooks["macros"],
        slow,
        corpus.workbooks["hostile_text"],
        "-j",
        "liaoning",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
        "--timeout",
        "1",
        "-f",
        "json",
        "-q",
    ).clean()
    assert time.monotonic() - started < 30
    assert run.code == 1
    by_name = {Path(d["dossier"]).name: d for d in json.loads(run.stdout)}
    assert "超过单个卷宗时限 1 秒" in by_name["slow"]["findings"][0]["message"]
    assert by_name["wb_macros"]["org_name"] == "宏测试有限公司"
    assert by_name["wb_hostile_text"]["org_name"].startswith("=HYPERLINK")


@pytest.mark.slow
def test_a_real_scan_dossier_is_stopped_at_the_time_limit_in_a_subprocess(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    slow = slow_dossier(tmp_path / "intake" / "slow")
    started = time.monotonic()
    run = run_main(
        "check",
        slow,
        corpus.workbooks["macros"],
        "-j",
        "heilongjiang",
        "--as-of",
        AS_OF,
        "--jobs",
        "2",
        "--timeout",
        "2",
        "--no-cache",
        "-f",
        "json",
        private=private_dirs,
    ).clean()
    assert time.monotonic() - started < 20
    by_name = {Path(d["dossier"]).name: d for d in json.loads(run.stdout)}
    assert "超过单个卷宗时限" in by_name["slow"]["findings"][0]["message"]
    assert by_name["wb_macros"].get("error") is None and run.code == 1


@pytest.mark.slow
def test_one_dossier_checked_alone_is_stopped_at_a_time_limit_given_on_the_command_line(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    slow = slow_dossier(tmp_path / "slow")
    started = time.monotonic()
    run = run_main(
        "check", slow, "-j", "heilongjiang", "--as-of", AS_OF, "--timeout", "1", "--no-cache", "-f", "json",
        private=private_dirs,
    ).clean()
    assert time.monotonic() - started < 15
    assert run.code == 2  # the only dossier given could not be checked (spec §3)
    assert "超过单个卷宗时限 1 秒" in json.loads(run.stdout)["findings"][0]["message"]


@pytest.mark.slow
def test_ctrl_c_stops_a_batch_with_exit_130_no_traceback_no_worker_and_no_file_left(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    slow = slow_dossier(tmp_path / "intake" / "slow")
    out = tmp_path / "out" / "report.xlsx"
    env = {
        **os.environ,
        "PINGTAI_CACHE_DIR": str(private_dirs["cache"]),
        "TMPDIR": str(private_dirs["tmp"]),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pingtai_cli",
            "check",
            str(slow),
            str(corpus.files),
            "-j",
            "heilongjiang",
            "--jobs",
            "2",
            "--no-cache",
            "-f",
            "xlsx",
            "-o",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    time.sleep(3)  # the workers are OCR'ing by now
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "已中断" in stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlives the command
        os.killpg(proc.pid, 0)
    assert not out.exists()
    assert leftovers(tmp_path, private_dirs["tmp"], private_dirs["cache"]) == []


@pytest.mark.slow
def test_the_ocr_engine_starts_with_telemetry_off_and_leaves_nothing_in_tmp(tmp_path: Path) -> None:
    """ONNX Runtime ≥ 1.29 phones home from Linux and keeps $TMPDIR/.ses unless told not to."""
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    code = (
        "import os\n"
        "from PIL import Image\n"
        "from pingtai_cli.intake.sources.ocr import ocr_text\n"
        "ocr_text(Image.new('RGB', (300, 100), 'white'))\n"
        "print(os.environ.get('ORT_DISABLE_TELEMETRY'))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.strip() == "1", proc.stderr[-2000:]
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# writes: atomic, temp files removed on Ctrl-C, never over a file without --force


def _interrupt(*_: Any, **__: Any) -> None:
    raise KeyboardInterrupt


def test_ctrl_c_while_writing_leaves_no_temp_file_in_any_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_dirs: dict[str, Path]
) -> None:
    from pingtai_cli.intake import cache
    from pingtai_cli.outputs import skeleton
    from pingtai_cli.outputs import writer as output
    from pingtai_cli.outputs.forms import fill as forms

    monkeypatch.setattr(os, "fsync", _interrupt)
    with pytest.raises(KeyboardInterrupt):
        output.write_output(tmp_path / "report.html", "<p>x</p>", force=False)
    with pytest.raises(KeyboardInterrupt):
        skeleton.write_atomic(tmp_path / "申请表.xlsx", b"data")
    with pytest.raises(KeyboardInterrupt):
        forms.write_atomic(tmp_path / "表.docx", _interrupt)
    monkeypatch.setattr(json, "dump", _interrupt)
    with cache.enabled(), pytest.raises(KeyboardInterrupt):
        cache.put("hostile", "0" * 64, {"x": 1})
    assert os.listdir(tmp_path) == []
    assert leftovers(private_dirs["cache"]) == []


@pytest.mark.usefixtures("untouched")
def test_no_command_overwrites_a_file_without_force_or_writes_into_a_dossier(
    corpus: Corpus, tmp_path: Path
) -> None:
    existing = tmp_path / "existing.html"
    existing.write_text("mine")
    common = ("--as-of", AS_OF)
    for args in (
        ("check", corpus.files, "-j", "liaoning", "-f", "html", "-o", existing, *common),
        ("compare-jurisdictions", "--dossier", corpus.files, "-o", existing, "-f", "markdown"),
        ("check", corpus.files, "-j", "liaoning", "-f", "html", "-o", corpus.files / "r.html"),
        ("check", corpus.intake, "-j", "liaoning", "-f", "xlsx", "-o", corpus.intake / "汇总.xlsx"),
        ("compare-jurisdictions", "--dossier", corpus.files, "-o", corpus.files / "c.csv"),
        ("fill-forms", corpus.files, "-j", "xuchang", "--out", corpus.files / "forms"),
    ):
        run = invoke(*args).clean()
        assert run.code == 2, run.text
        assert any(w in run.stderr for w in ("已存在", "卷宗文件夹内", "申报材料文件夹之内"))
    assert existing.read_text() == "mine"


# ---------------------------------------------------------------------------
# parsers: XML defused, YAML safe, Jinja sandboxed or autoescaped


def test_defusedxml_is_a_dependency_and_openpyxl_parses_through_it() -> None:
    import openpyxl

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("defusedxml") for d in deps)
    assert openpyxl.DEFUSEDXML is True


@functools.cache
def _trees() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((path, node))
    return found


def test_yaml_is_only_ever_loaded_with_a_safe_loader() -> None:
    safe = {"SafeLoader", "CSafeLoader", "YAML_LOADER"}
    assert _calls("unsafe_load") == [] and _calls("full_load") == []
    for name in ("load", "load_all", "compose"):
        for path, call in _calls(name):
            if not (
                isinstance(call.func, ast.Attribute) and ast.unparse(call.func.value) == "yaml"
            ):
                continue
            loader = next((k.value for k in call.keywords if k.arg == "Loader"), None)
            shown = ast.unparse(loader) if loader is not None else ""
            assert shown.split(".")[-1] in safe, f"{path}:{call.lineno} yaml.{name}({shown})"


def test_every_jinja_environment_autoescapes_and_user_templates_are_sandboxed() -> None:
    environments = _calls("Environment") + _calls("SandboxedEnvironment")
    assert environments
    for path, call in environments:
        autoescape = next((k.value for k in call.keywords if k.arg == "autoescape"), None)
        assert autoescape is not None and ast.unparse(autoescape) == "True", path
        if ast.unparse(call.func).endswith(".Environment"):  # only for templates we ship
            loader = next(k.value for k in call.keywords if k.arg == "loader")
            assert "PackageLoader" in ast.unparse(loader), path
    render_calls = [c for _, c in _calls("render") if "jinja_env" in {k.arg for k in c.keywords}]
    assert render_calls and all(
        "sandbox_env" in ast.unparse(next(k.value for k in c.keywords if k.arg == "jinja_env"))
        for c in render_calls
    )


def test_a_bureau_template_with_an_external_entity_is_refused(
    corpus: Corpus, tmp_path: Path
) -> None:
    shipped = ROOT / "templates" / "xuchang" / "authenticity_declaration.docx"
    part = zipfile.ZipFile(shipped).read("word/document.xml").decode()
    body = part.split("?>", 1)[1] if part.startswith("<?xml") else part
    padded = XXE_DTD.replace("?>\n", "?>\n<!--" + "x" * 5000 + "-->\n")  # DTD past the first 4 KB
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "authenticity_declaration.docx").write_bytes(
        replace_members(shipped.read_bytes(), {"word/document.xml": (padded + body).encode()})
    )
    run = invoke(
        "fill-forms",
        corpus.workbooks["hostile_text"],
        "-j",
        "xuchang",
        "--out",
        tmp_path / "out",
        "--template-dir",
        templates,
    ).clean()
    assert run.code == 2 and "XML实体声明" in run.stderr


# ---------------------------------------------------------------------------
# properties of the zip-name decoder, the unsafe-name check and output names

NAME_CHARS = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc"), include_characters="/\\.:"
)


def _info(raw: bytes, utf8_flag: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(raw.decode("utf-8") if utf8_flag else raw.decode("cp437"))
    info.flag_bits = 0x800 if utf8_flag else 0
    return info


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(min_size=1, max_size=80))
def test_any_member_name_bytes_decode_to_text_without_raising(raw: bytes) -> None:
    name, decoded = decode_member_name(_info(raw, False))
    kept = raw.split(b"\x00")[0]  # zipfile cuts a name at NUL, as a virus trick
    assert isinstance(name, str) and "\x00" not in name
    if decoded:
        assert name.encode("utf-8") == kept or name.encode("gb18030") == kept


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="gbk", min_codepoint=0x20), min_size=1))
def test_a_name_written_in_gbk_by_a_windows_tool_comes_back_as_written(text: str) -> None:
    raw = text.encode("gbk")
    try:
        raw.decode("utf-8")
        assume(False)  # bytes valid in both: UTF-8 is preferred, by design
    except UnicodeDecodeError:
        pass
    assert decode_member_name(_info(raw, False)) == (text, True)


def _listing_name(name: str) -> str:
    """What dossier._zip_listing makes of a member name it lets through."""
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


@settings(max_examples=500, deadline=None)
@given(name=st.text(alphabet=NAME_CHARS, max_size=40))
def test_a_member_name_let_through_can_never_leave_the_dossier(name: str) -> None:
    if unsafe_member_name(name) is not None:
        return
    kept = _listing_name(name)
    assert "\x00" not in kept and ".." not in kept.split("/")
    assert not PurePosixPath(kept).is_absolute()
    assert not PureWindowsPath(kept).drive and not PureWindowsPath(kept).root
    root = Path("/dossier")
    assert is_inside(root / kept, root)  # the package's one containment check (startswith took /dossier2)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=NAME_CHARS, max_size=120))
def test_a_file_name_made_from_dossier_text_stays_one_plain_name(text: str) -> None:
    from pingtai_cli.outputs.forms.fill import NAME_MAX, safe_name

    name = safe_name(text, "dossier")
    assert name and len(name) <= NAME_MAX + 1
    assert not any(c in name for c in '/\\:*?"<>|') and not any(ord(c) < 32 for c in name)
    assert name not in (".", "..") and ".." not in name
    out = Path("/out")
    assert (out / name).parent == out
