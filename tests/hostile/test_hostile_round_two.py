"""Untrusted input, round two (issue 14): signals, user rulesets and templates, real output streams.

Every test here failed on the code before issue 14. Memory is a peak RSS bound measured in a
subprocess (with an address-space ceiling, so the old code's gigabytes fail fast instead of
swapping the machine); orphaned workers are checked by PID after the signal.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hostile_corpus import GOOD_WORKBOOK, SAMPLES, Corpus, form_workbook
from hostile_helpers import AS_OF, INTERNAL, TRACEBACK, invoke, leftovers, run_main
from test_hostile_guarantees import slow_dossier

from pingtai_cli.api import batch

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def _env(private: dict[str, Path], **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PINGTAI_CACHE_DIR": str(private["cache"]),
        "TMPDIR": str(private["tmp"]),
        "COLUMNS": "200",
        **extra,
    }


# A wrapper that runs pingtai under an address-space ceiling and reports the child's peak RSS.
_PEAK = (
    "import resource, subprocess, sys\n"
    "limit, seconds = int(sys.argv[1]), float(sys.argv[2])\n"
    "def cap():\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "try:\n"
    "    proc = subprocess.run(sys.argv[3:], capture_output=True, text=True, preexec_fn=cap, timeout=seconds)\n"
    "    code, text = proc.returncode, proc.stdout + proc.stderr\n"
    "except subprocess.TimeoutExpired:\n"
    "    code, text = -9, 'timed out'\n"  # killed by run(): an old build running away is a failure
    "sys.stderr.write(text)\n"
    "print(code)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak(private: dict[str, Path], *args: str | Path, ceiling_mb: int = 3000, timeout: float = 120) -> tuple[int, float, str]:
    """(exit code, peak RSS in MB, stdout + stderr) of `pingtai ARGS` under a `ceiling_mb` address
    space, killed after `timeout` seconds."""
    cmd = [sys.executable, "-c", _PEAK, str(ceiling_mb * MB), str(timeout)]
    cmd += [sys.executable, "-m", "pingtai_cli", *map(str, args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 30, env=_env(private))
    code, rss = proc.stdout.strip().splitlines()[-2:]
    return int(code), int(rss) / 1024, proc.stderr


def assert_clean(text: str) -> None:
    assert TRACEBACK not in text, text[-3000:]
    assert INTERNAL not in text, text[-3000:]


def good_dossier(folder: Path, **facts: object) -> Path:
    """The good liaoning workbook, or one with the given facts (label → value)."""
    folder.mkdir(parents=True)
    data = form_workbook(facts) if facts else GOOD_WORKBOOK.read_bytes()
    (folder / "申请表.xlsx").write_bytes(data)
    return folder


# ---------------------------------------------------------------------------
# 1. SIGTERM and SIGHUP stop a batch like Ctrl-C; workers die with their parent


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_batch(tmp_path: Path, corpus: Corpus, private: dict[str, Path], out: Path) -> subprocess.Popen[str]:
    slow = slow_dossier(tmp_path / "intake" / "slow")
    cmd = [sys.executable, "-m", "pingtai_cli", "check", str(slow), str(corpus.files), "-j", "heilongjiang"]
    cmd += ["--jobs", "2", "--no-cache", "-f", "xlsx", "-o", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(private), start_new_session=True)


def _workers(proc: subprocess.Popen[str], want: int = 2, wait: float = 20) -> list[int]:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= want:
            time.sleep(2)  # OCR'ing by now
            return _children(proc.pid)
        time.sleep(0.2)
    raise AssertionError("the batch started no workers")


def _reap(pids: list[int]) -> None:
    for pid in pids:  # the old code's orphans: end them so they do not outlive the test
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_stop_a_batch_like_ctrl_c_and_no_worker_outlives_it(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path], sig: signal.Signals
) -> None:
    out = tmp_path / "out" / "report.xlsx"
    proc = _start_batch(tmp_path, corpus, private_dirs, out)
    workers = _workers(proc)
    try:
        os.kill(proc.pid, sig)  # the parent only, as `kill PID` or a service manager does
        _, stderr = proc.communicate(timeout=30)  # hangs when orphans hold the pipes
        assert proc.returncode == 128 + sig, stderr[-2000:]
        assert "已中断" in stderr
        assert_clean(stderr)
        time.sleep(0.5)
        assert [pid for pid in workers if _alive(pid)] == []
        assert not out.exists()
        assert leftovers(tmp_path, private_dirs["tmp"], private_dirs["cache"]) == []
    finally:
        _reap(workers)
        proc.kill()


# A Ctrl-C delivered just as pingtai starts to import MODULE: what a user's early Ctrl-C meets.
EARLY_CTRL_C = """
import os, signal, sys
class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
module = sys.argv[1]
sys.argv = ["pingtai", "check", "--help"]
sys.meta_path.insert(0, CtrlC())
from pingtai_cli.__main__ import main
main()
"""


@pytest.mark.parametrize("module", ["typer", "rich", "pingtai_cli.cli.commands.check", "pingtai_cli.cli.lazy"])
def test_a_ctrl_c_while_pingtai_loads_stops_it_without_a_traceback(module: str) -> None:
    """Loading the CLI takes ~0.15 s; a Ctrl-C then printed Python's KeyboardInterrupt traceback."""
    proc = subprocess.run(
        [sys.executable, "-c", EARLY_CTRL_C, module], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 130, proc.stderr[-2000:]
    assert "已中断" in proc.stderr
    assert_clean(proc.stderr)
    assert "Usage" not in proc.stdout  # it stopped: the help was not printed


@pytest.mark.slow
def test_a_parent_killed_outright_takes_its_workers_with_it(
    corpus: Corpus, tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    proc = _start_batch(tmp_path, corpus, private_dirs, tmp_path / "out" / "report.xlsx")
    workers = _workers(proc)
    try:
        os.kill(proc.pid, signal.SIGKILL)  # no handler runs: only the kernel can end the workers
        proc.communicate(timeout=30)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        _reap(workers)


def test_workers_leave_ctrl_c_to_the_parent_and_are_armed_to_die_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C reaching an idle or busy worker printed a multiprocessing traceback."""
    report = tmp_path / "worker.txt"

    def check_path(path: Path, job: Any) -> Any:
        import ctypes

        libc = ctypes.CDLL(None)
        armed = ctypes.c_int(0)
        libc.prctl(2, ctypes.byref(armed), 0, 0, 0)  # PR_GET_PDEATHSIG
        ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        report.write_text(f"{ignored} {armed.value}")
        return batch._errors(path, job, "测试")

    monkeypatch.setattr(batch, "check_path", check_path)  # forked workers inherit it
    folder = good_dossier(tmp_path / "one")
    job = batch.Job(["liaoning"], batch.date(2026, 3, 15), jobs=2, timeout=30)
    list(batch.run([folder], job))
    assert report.read_text() == f"True {int(signal.SIGKILL)}"


# ---------------------------------------------------------------------------
# 2. YAML alias bombs and oversized rulesets


def billion_laughs(folder: Path, key: str = "bomb") -> Path:
    """A ruleset of 2 KB whose aliases expand to 9**9 strings once walked."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = "\n".join(lines) + f"\nkey: {key}\nname: 炸弹\nbasic: *a9\n"
    path = folder / f"{key}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "check", "show"])
def test_a_yaml_alias_bomb_in_a_rulesets_dir_is_refused_within_bounded_memory(
    tmp_path: Path, private_dirs: dict[str, Path], command: str
) -> None:
    bomb = billion_laughs(tmp_path / "rs")
    dossier = good_dossier(tmp_path / "d")
    args: dict[str, list[str | Path]] = {
        "validate": ["rules", "validate", bomb],
        "check": ["check", dossier, "-j", "bomb", "--rulesets-dir", bomb.parent, "-f", "json"],
        "show": ["rules", "show", "bomb", "--rulesets-dir", bomb.parent],
    }
    code, rss, stderr = peak(private_dirs, *args[command], ceiling_mb=1500, timeout=60)
    assert_clean(stderr)
    assert rss < 150, f"{rss:.0f} MB"
    assert code == 2 and "别名" in stderr, stderr[-1500:]


def test_a_ruleset_file_past_the_size_cap_is_refused_before_parsing(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    folder = tmp_path / "rs"
    folder.mkdir()
    big = folder / "big.yaml"
    text = (ROOT / "rulesets" / "national" / "ruleset.yaml").read_text(encoding="utf-8").replace("key: national", "key: big")
    big.write_text(text + "#" + "填充" * (3 * MB) + "\n", encoding="utf-8")  # ~9 MB of comment
    started = time.monotonic()
    code, rss, stderr = peak(private_dirs, "rules", "validate", big, ceiling_mb=1500)
    assert code == 2 and "过大" in stderr, stderr[-1500:]
    assert rss < 100 and time.monotonic() - started < 10, (rss, time.monotonic() - started)


# ---------------------------------------------------------------------------
# 3. template bombs; 9. range(10**9) in a template is a usage error


def template_dir(tmp_path: Path, body: str) -> Path:
    own = tmp_path / "own"
    own.mkdir()
    doc = Document()
    doc.add_paragraph(body)
    doc.save(str(own / "recommendation_form.docx"))
    return own


BOMBS = {
    "repeat": ("{{ 'a' * 10**9 }}", "重复"),
    "nested-ranges": ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "时限"),
    "lipsum": ("{{ lipsum(10**7) }}", "lipsum"),
    "range": ("{{ range(10**9)|list }}", "range()"),
    "padding": ("{{ 'x'.ljust(10**9) }}{{ 'x'|center(10**9) }}", "宽度"),
    "printf-width": ("{{ '%999999999d' % 1 }}", "宽度"),
    "power": ("{{ 7 ** 100000000 }}", "乘方"),
    "doubling": (
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}{% endmacro %}{{ d('ab', 34) }}",
        "上限",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BOMBS), ids=list(BOMBS))
def test_a_template_bomb_is_a_plain_error_within_bounded_memory_and_time(
    tmp_path: Path, private_dirs: dict[str, Path], case: str
) -> None:
    body, said = BOMBS[case]
    own = template_dir(tmp_path, body)
    dossier = good_dossier(tmp_path / "one")
    started = time.monotonic()
    code, rss, stderr = peak(
        private_dirs, "fill-forms", dossier, "-j", "xuchang", "-o", tmp_path / "out",
        # only the time bomb is meant to meet the 3 s limit; the others must meet their own cap
        # first, which on a loaded machine (parallel workers) a 3 s limit could pre-empt
        "--template-dir", own, "--timeout", "3" if said == "时限" else "20", ceiling_mb=2500, timeout=90,
    )
    elapsed = time.monotonic() - started
    assert_clean(stderr)
    assert code == 2 and "recommendation_form.docx" in stderr and said in stderr, stderr[-1500:]
    assert rss < 800, f"{rss:.0f} MB"  # the render may add at most 512 MiB of address space
    assert elapsed < 30, f"{elapsed:.0f} s"
    assert not (tmp_path / "out").exists()  # nothing half written


def test_the_sandbox_refuses_huge_values_as_template_errors_and_renders_ordinary_ones() -> None:
    from jinja2.sandbox import SecurityError

    from pingtai_cli.outputs.forms.render import sandbox_env

    env = sandbox_env()
    for body in ("{{ range(10**9)|list }}", "{{ 'ab' * 60000 }}", "{{ 'x'.rjust(10**6) }}"):
        with pytest.raises(SecurityError, match="上限"):
            env.from_string(body).render()
    body = "{% for i in range(3) %}{{ i }}{% endfor %}|{{ '%s万元'|format(3200000) }}|{{ '{}'.format(12345678) }}|{{ 'ab' * 3 }}|{{ 2 ** 10 }}|{{ 'x'.ljust(3) }}|"
    assert env.from_string(body).render() == "012|3200000万元|12345678|ababab|1024|x  |"


# ---------------------------------------------------------------------------
# 4. a dossier is never an output, folder or zip, with or without --force


@pytest.mark.slow
def test_check_and_compare_refuse_to_write_over_the_zip_they_read(tmp_path: Path) -> None:
    dossier = tmp_path / "X.zip"
    shutil.copyfile(SAMPLES / "shaoguan_small_premises.zip", dossier)
    before = dossier.read_bytes()
    run = invoke("check", dossier, "-j", "shaoguan", "--as-of", AS_OF, "-o", dossier, "--force", "-f", "json").clean()
    assert run.code == 2 and "卷宗" in run.stderr
    run = invoke("compare-jurisdictions", "--dossier", dossier, "-o", dossier, "--force", "-f", "json").clean()
    assert run.code == 2 and "卷宗" in run.stderr
    alias = tmp_path / "link.zip"
    alias.symlink_to(dossier)
    run = invoke("check", dossier, "-j", "shaoguan", "--as-of", AS_OF, "-o", alias, "--force", "-f", "json").clean()
    assert run.code == 2
    assert dossier.read_bytes() == before


# ---------------------------------------------------------------------------
# 5. a GBK console gets the whole report, with fallback symbols, in every command and format


def _gbk(private: dict[str, Path], *args: str | Path) -> tuple[int, str, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pingtai_cli", *map(str, args)],
        capture_output=True,
        timeout=120,
        env=_env(private, PYTHONIOENCODING="gbk"),
    )
    return proc.returncode, proc.stdout.decode("gbk"), proc.stderr.decode("gbk")


NOT_IN_GBK = "智联😀平台ⓐ有限公司"  # an emoji and a circled letter: no GBK code for either


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["terminal", "json", "jsonl", "markdown", "html"])
def test_check_writes_the_whole_report_to_a_gbk_console_in_every_format(
    tmp_path: Path, private_dirs: dict[str, Path], fmt: str
) -> None:
    dossier = good_dossier(tmp_path / "d", 单位名称=NOT_IN_GBK, 资产总额="320万元")
    code, out, err = _gbk(private_dirs, "check", dossier, "-j", "liaoning", "--as-of", AS_OF, "-f", fmt)
    assert_clean(out + err)
    assert code == 1, err[-1500:]
    if fmt == "terminal":
        assert "×" in out and "智联?平台" in out  # ✘ → ×, what has no near symbol → ?
    if fmt in ("json", "jsonl"):
        assert json.loads(out.splitlines()[0] if fmt == "jsonl" else out)["org_name"] == NOT_IN_GBK  # the same data
    if fmt == "markdown":
        assert "智联?平台" in out
    if fmt == "html":
        assert "&#128512;" in out  # a character reference: the page says UTF-8, the stream is GBK


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("rules", "show", "national"),
        ("rules", "explain", "NA-B10"),
        ("fill-forms", "{dossier}", "-j", "liaoning", "-o", "{out}"),
        ("init", "{new}", "-j", "xuchang"),
    ],
    ids=lambda a: " ".join(x for x in a if not x.startswith("{")),
)
def test_every_other_command_writes_to_a_gbk_console(
    tmp_path: Path, private_dirs: dict[str, Path], args: tuple[str, ...]
) -> None:
    dossier = good_dossier(tmp_path / f"卷宗{NOT_IN_GBK}", 单位名称=NOT_IN_GBK, 资产总额="320万元")
    where = {"{dossier}": str(dossier), "{out}": str(tmp_path / "out"), "{new}": str(tmp_path / f"新{NOT_IN_GBK}")}
    extra = ("--as-of", AS_OF) if args[0] in ("fill-forms", "init") else ()
    code, out, err = _gbk(private_dirs, *(where.get(a, a) for a in args), *extra)
    assert_clean(out + err)
    assert code in (0, 1) and out.strip(), err[-1500:]


# ---------------------------------------------------------------------------
# 6. names from dossiers reach the terminal with control and bidi characters made visible


TERMINAL_TRICKS = "\x1b]0;已被接管\x07\u202egpj.exe\x9b31m"


@pytest.mark.slow
def test_fill_forms_check_and_init_never_send_control_or_bidi_characters_to_the_terminal(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    dossier = good_dossier(tmp_path / f"平台{TERMINAL_TRICKS}")
    runs = [
        run_main("fill-forms", dossier, tmp_path / f"缺{TERMINAL_TRICKS}", "-j", "xuchang", "-o", tmp_path / "out", private=private_dirs),
        run_main("check", dossier, tmp_path / f"缺{TERMINAL_TRICKS}", "-j", "xuchang", "--as-of", AS_OF, private=private_dirs),
        run_main("init", tmp_path / f"新{TERMINAL_TRICKS}", "-j", "xuchang", private=private_dirs),
    ]
    for run in runs:
        assert_clean(run.text)
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", run.text.replace("\x1b[", "")), run.text[-1500:]
        assert "\\x1b" in run.text or "\\x1b" in run.stdout
    folders = [p.name for p in (tmp_path / "out").iterdir()]
    assert folders and not any("\u202e" in name or "\x9b" in name for name in folders)


# ---------------------------------------------------------------------------
# 7. ReDoS: ruleset patterns run in RE2; validate refuses what RE2 cannot bound;
#    a single dossier has a default time limit


def evil_ruleset(folder: Path, pattern: str, key: str = "evil") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.yaml"
    path.write_text(
        f"key: {key}\nname: 恶意规则\nextends: national\nbasic:\n  - code: NA-B10\n    patterns:\n      - {json.dumps(pattern)}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_a_catastrophic_pattern_in_a_user_ruleset_cannot_hang_a_check(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    rs = evil_ruleset(tmp_path / "rs", "^(a+)+$")
    dossier = good_dossier(tmp_path / "d", 单位名称="某平台有限公司", 已获认定="a" * 41 + "!")
    started = time.monotonic()
    run = run_main(
        "check", dossier, "-j", "evil", "--rulesets-dir", rs.parent, "--as-of", AS_OF, "-f", "json",
        private=private_dirs, timeout=60,
    ).clean()
    assert time.monotonic() - started < 20
    assert run.code == 1 and json.loads(run.stdout)["verdict"] != "eligible"


@pytest.mark.slow
@pytest.mark.parametrize("pattern", [r"(a+)\1", r"(?=省)省级", r"(?<!市)示范平台", "(" * 1001 + ")" * 1001])
def test_validate_refuses_a_pattern_the_linear_engine_cannot_run(
    tmp_path: Path, private_dirs: dict[str, Path], pattern: str
) -> None:
    rs = evil_ruleset(tmp_path / "rs", pattern)
    run = run_main("rules", "validate", rs, private=private_dirs).clean()
    assert run.code == 2 and "正则表达式" in run.text, run.text[-1500:]
    assert "absl" not in run.stderr and "re2.cc" not in run.stderr  # RE2's own log stays quiet
    run = run_main("check", good_dossier(tmp_path / "d"), "-j", "evil", "--rulesets-dir", rs.parent, private=private_dirs).clean()
    assert run.code == 2 and "正则表达式" in run.stderr


def test_one_dossier_checked_alone_has_a_time_limit_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def check_path(path: Path, job: Any) -> Any:
        time.sleep(30)

    monkeypatch.setattr(batch, "check_path", check_path)
    monkeypatch.setattr(batch, "BATCH_TIMEOUT", 1.0)
    started = time.monotonic()
    run = invoke("check", good_dossier(tmp_path / "slow"), "-j", "liaoning", "--as-of", AS_OF, "-f", "json").clean()
    assert time.monotonic() - started < 10
    assert run.code == 2 and "超过单个卷宗时限 1 秒" in json.loads(run.stdout)["findings"][0]["message"]


# ---------------------------------------------------------------------------
# 8. a symlinked .zip is not followed out of the intake


def test_a_symlinked_zip_in_an_intake_is_skipped_like_a_symlinked_folder(tmp_path: Path) -> None:
    intake = tmp_path / "intake"
    good_dossier(intake / "a")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copyfile(SAMPLES / "shaoguan_small_premises.zip", elsewhere / "secret.zip")
    (intake / "b.zip").symlink_to(elsewhere / "secret.zip")
    (intake / "c").symlink_to(elsewhere)
    found, _ = batch.discover([intake])
    assert [p.name for p in found] == ["a"]
    run = invoke("check", intake, "-j", "shaoguan", "--as-of", AS_OF, "-f", "jsonl", "-q").clean()
    assert [Path(json.loads(line)["dossier"]).name for line in run.stdout.splitlines()] == ["a"]


# ---------------------------------------------------------------------------
# 9–11. values and streams that used to end in 内部错误


@pytest.mark.slow
@pytest.mark.parametrize(
    "flags",
    [
        ("--as-of", "9999-12-31"),
        ("--as-of", "0001-01-01"),
        ("--max-file-mb", str(10**18)),
        ("--max-total-mb", str(10**18)),
        ("--max-megapixels", str(10**18)),
        ("--timeout", "nan"),
        ("--timeout", "inf"),
        ("--timeout", "1e308"),
    ],
    ids=lambda f: " ".join(f),
)
def test_absurd_values_are_plain_usage_errors(private_dirs: dict[str, Path], flags: tuple[str, str]) -> None:
    run = run_main("check", SAMPLES / "liaoning_eligible", "-j", "liaoning", *flags, "-f", "json", private=private_dirs).clean()
    assert run.code == 2 and flags[0] in run.stderr and not run.stdout, run.text[-1500:]


@pytest.mark.slow
@pytest.mark.parametrize("flags", [("--as-of", "9999-12-31"), ("--timeout", "nan")], ids=lambda f: " ".join(f))
def test_fill_forms_and_init_refuse_absurd_values_too(tmp_path: Path, private_dirs: dict[str, Path], flags: tuple[str, str]) -> None:
    run = run_main("fill-forms", SAMPLES / "liaoning_eligible", "-j", "liaoning", "-o", tmp_path / "out", *flags, private=private_dirs).clean()
    assert run.code == 2 and flags[0] in run.stderr and ("秒" in run.stderr or "年份" in run.stderr), run.stderr[-1000:]
    if flags[0] == "--as-of":
        run = run_main("init", tmp_path / "new", "-j", "liaoning", *flags, private=private_dirs).clean()
        assert run.code == 2 and not (tmp_path / "new").exists()


@pytest.mark.slow
def test_a_closed_stdout_is_a_clear_usage_error_and_a_report_to_a_file_still_works(
    tmp_path: Path, private_dirs: dict[str, Path]
) -> None:
    closed = {"preexec_fn": lambda: os.close(1)}
    run = run_main("check", SAMPLES / "liaoning_eligible", "-j", "liaoning", "--as-of", AS_OF, "-f", "json", private=private_dirs, **closed).clean()
    assert run.code == 2 and "标准输出已关闭" in run.stderr
    run = run_main("rules", "list", private=private_dirs, **closed).clean()
    assert run.code == 2 and "标准输出已关闭" in run.stderr
    out = tmp_path / "r.json"
    run = run_main("check", SAMPLES / "liaoning_eligible", "-j", "liaoning", "--as-of", AS_OF, "-o", out, private=private_dirs, **closed).clean()
    assert run.code == 0 and json.loads(out.read_text(encoding="utf-8"))["verdict"] == "eligible"


# ---------------------------------------------------------------------------
# 12. compare-jurisdictions picks the format from --output's suffix


def test_compare_writes_the_format_its_output_suffix_names(tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    invoke("compare-jurisdictions", "-o", tmp_path / "x.xlsx").clean()
    assert load_workbook(tmp_path / "x.xlsx").active.max_row > 3
    invoke("compare-jurisdictions", "-o", tmp_path / "x.csv").clean()
    rows = list(csv.reader((tmp_path / "x.csv").open(encoding="utf-8-sig")))
    assert len(rows) > 3 and not any(ch in (tmp_path / "x.csv").read_text(encoding="utf-8") for ch in "│┃━┏")
    invoke("compare-jurisdictions", "-o", tmp_path / "x.json").clean()
    json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    run = invoke("compare-jurisdictions", "-f", "csv", "-o", tmp_path / "y.xlsx").clean()
    assert run.code == 2 and not (tmp_path / "y.xlsx").exists()


# ---------------------------------------------------------------------------
# 13. a full disk: no empty folders, a Chinese reason naming the path


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, good: int) -> None:
    real = getattr(module, name)
    calls = {"n": 0}

    def write(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > good:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, write)


def test_init_on_a_full_disk_leaves_no_folder_and_says_so_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.outputs import skeleton

    _disk_full_after(monkeypatch, skeleton, "write_atomic", good=1)
    run = invoke("init", tmp_path / "a" / "新卷宗", "-j", "xuchang").clean()
    assert run.code == 2 and "磁盘空间不足" in run.stderr and "No space" not in run.stderr
    assert "新卷宗" in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_fill_forms_on_a_full_disk_names_the_file_and_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pingtai_cli.outputs.forms import fill as forms

    _disk_full_after(monkeypatch, forms, "write_atomic", good=2)
    a = good_dossier(tmp_path / "in" / "a")
    b = good_dossier(tmp_path / "in" / "b")
    run = invoke("fill-forms", a, b, "-j", "liaoning", "-o", tmp_path / "out").clean()
    assert run.code == 2 and "磁盘空间不足" in run.stderr
    assert re.search(r"无法写入 \S*out/\S+\.(docx|xlsx)", run.stderr), run.stderr
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------------------
# 14. markdown never autolinks a dossier's URL


def test_urls_and_www_hosts_from_a_dossier_are_not_links_in_markdown(tmp_path: Path) -> None:
    dossier = good_dossier(tmp_path / "d", 单位名称="访问 https://evil.example/登录 或 www.evil.cn", 已获认定="见 http://x.cn/a")
    (dossier / "www.phish.example.pdf").write_bytes(b"")
    for args in (("check", dossier, "-j", "national"), ("compare-jurisdictions", "--dossier", dossier)):
        run = invoke(*args, "--as-of", AS_OF, "-f", "markdown").clean()
        assert "evil" in run.stdout or args[0] == "compare-jurisdictions"
        assert not re.search(r"(?i)(https?|ftp)://|www\.", run.stdout), re.findall(r".{20}(?:://|www\.).{20}", run.stdout)


# ---------------------------------------------------------------------------
# 15. PDF errors reach findings in Chinese


def pdf_with_a_missing_page() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for text in ("page one", "page two"):
        c.drawString(100, 700, text)
        c.showPage()
    c.save()
    data = buf.getvalue()
    kids = re.search(rb"/Kids \[ (\d+) 0 R (\d+) 0 R \]", data)
    assert kids
    return data.replace(kids.group(0), b"/Kids [ %s 0 R 999 0 R ]" % kids.group(1))  # page 2 is gone


def test_a_pdf_page_that_cannot_load_is_a_finding_in_chinese(tmp_path: Path) -> None:
    dossier = good_dossier(tmp_path / "d")
    (dossier / "营业执照.pdf").write_bytes(pdf_with_a_missing_page())
    (dossier / "坏压缩.zip").write_bytes(b"PK\x03\x04 not really")
    run = invoke("check", dossier, "-j", "liaoning", "--as-of", AS_OF, "-f", "json", "--no-cache").clean()
    messages = [f["message"] for f in json.loads(run.stdout)["findings"]]
    page = [m for m in messages if "第2页" in m]
    assert page and all("Failed" not in m for m in messages), messages
    english = [m for m in messages if re.search(r"[A-Za-z]{3,}", re.sub(r"PDF|Excel|Word|OCR|xlsx|xlsm|xls|docx|zip|pdf|[\w.-]+\.\w+", "", m))]
    assert english == []


def test_a_broken_zip_dossier_is_named_in_chinese(corpus: Corpus) -> None:
    run = invoke("check", corpus.intake / "broken.zip", "-j", "liaoning", "--as-of", AS_OF, "-f", "json").clean()
    text = run.stdout + run.stderr
    assert "not a zip" not in text.lower() and "压缩包" in text


@pytest.mark.slow
def test_rules_commands_show_a_user_ruleset_s_text_inert(tmp_path: Path, private_dirs: dict[str, Path]) -> None:
    """A user ruleset is untrusted too: its names and quotes reach `rules list/show/explain/keys`
    with control and bidi characters made visible and `[...]` shown as written, never as markup."""
    trick = f"{TERMINAL_TRICKS}[bold red]标记[/bold red]"
    folder = tmp_path / "rulesets"
    folder.mkdir()
    q = json.dumps  # a JSON string is a YAML double-quoted scalar: the escapes become the characters
    (folder / "evil.yaml").write_text(
        "key: evil\n"
        f"name: {q('恶意' + trick)}\n"
        "extends: shaoguan\n"
        "materials_note:\n"
        "  article: 通知（示例）\n"
        f"  quote: {q('清单' + trick)}\n"
        f"  source: {q('来源' + trick)}\n"
        "materials:\n"
        "  - code: SG-M01\n"
        "    key: application_report\n"
        f"    name: {q('申请报告' + trick)}\n"
        "    article: 通知（示例）（一）\n"
        f"    quote: {q('申请报告' + trick)}\n"
        "    source: 通知（示例）\n",
        encoding="utf-8",
    )
    runs = [
        run_main("rules", "list", "--rulesets-dir", folder, private=private_dirs),
        run_main("rules", "show", "evil", "--rulesets-dir", folder, private=private_dirs),
        run_main("rules", "explain", "SG-M01", "-j", "evil", "--rulesets-dir", folder, private=private_dirs),
        run_main("rules", "keys", "-j", "evil", "--rulesets-dir", folder, private=private_dirs),
    ]
    for run in runs:
        text = run.text.replace("\x1b[", "")  # rich's own colour codes, if any
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), run.text[-1500:]
    assert "[bold red]标记[/bold red]" in runs[1].stdout and "\\x1b" in runs[1].stdout, runs[1].text[-1500:]
