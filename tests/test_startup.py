"""Start-up stays light: `pingtai --help` and `pingtai rules list` import no PDF, OCR, Excel or Word library.

Asserts the set of imported modules (from `python -X importtime`), not the
time, so the test does not depend on the machine's load. `make bench` times it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = {
    "pypdfium2", "pdfplumber", "rapidocr_onnxruntime", "onnxruntime", "openpyxl",
    "python_calamine", "docx", "docxtpl", "PIL", "numpy",
}


def imported_modules(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module a fresh `python -m pingtai_cli ARGS` imports, from the -X importtime report."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pingtai_cli", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                modules.add(name)
    return modules, proc


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("args", [("--help",), ("rules", "list"), ("rules", "--help"), ("compare-jurisdictions", "--help")])
def test_start_up_imports_no_pdf_ocr_excel_or_word_library(args):
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pingtai_cli.cli" in modules  # the report was read
    assert top_level(modules) & HEAVY == set()


def test_rules_list_reads_headers_without_building_the_pydantic_ruleset_models():
    modules, proc = imported_modules("rules", "list")
    assert proc.returncode == 0 and "shaoguan" in proc.stdout
    assert "pingtai_cli.rules.files" in modules
    assert "pingtai_cli.rules.schema" not in modules


def test_rules_list_of_unchanged_files_imports_no_yaml():
    """The listing order and the rows come from the files' parsed records (the first run leaves
    them): importing yaml alone is ~120 M instructions, a fifth of the listing."""
    imported_modules("rules", "list")
    modules, proc = imported_modules("rules", "list")
    assert proc.returncode == 0 and "shaoguan" in proc.stdout
    assert "yaml" not in top_level(modules)


@pytest.mark.parametrize("args", [("--help",), ("rules", "list")])
def test_help_and_rules_list_import_no_pydantic(args):
    """Typer 0.29 builds a pydantic TypeAdapter for every option (~60 ms); pyproject keeps it below."""
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "pydantic" not in top_level(modules)


# ---------------------------------------------------------------------------
# the lazy command group (cli/lazy.py): what `main()` runs gives typer's own output

import typer  # noqa: E402
import typer.testing  # noqa: E402

from pingtai_cli import cli  # noqa: E402
from pingtai_cli.cli import lazy  # noqa: E402


def every_command_path(group, prefix=()):
    """("",), ("check",), ("rules",), ("rules", "list"), ... of the fully built typer group."""
    paths = [prefix]
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            paths += every_command_path(cmd, (*prefix, name))
        else:
            paths.append((*prefix, name))
    return paths


def _at(group, path):
    for name in path:
        group = group.commands[name]
    return group


def run_both(monkeypatch, args):
    """(typer's output and exit code, the lazy group's) for `pingtai ARGS`."""
    cli._register()
    runner = typer.testing.CliRunner()
    env = {"COLUMNS": "100"}
    eager = runner.invoke(cli.app, list(args), env=env, prog_name="pingtai")
    with monkeypatch.context() as m:
        m.setattr(typer.testing, "_get_command", lazy.lazy_command)
        built_lazily = runner.invoke(cli.app, list(args), env=env, prog_name="pingtai")
    return [(r.stdout + r.stderr, r.exit_code) for r in (eager, built_lazily)]


def test_every_help_usage_error_and_unknown_command_reads_as_typer_builds_it(monkeypatch):
    cli._register()
    full = typer.main.get_command(cli.app)
    paths = every_command_path(full)
    groups = {p for p in paths if hasattr(_at(full, p), "commands")}
    assert ("check",) in paths and ("rules", "list") in paths and ("templates", "check") in paths
    for path in paths:
        tails = [["--help"], ["--no-such-option"]] + ([["no-such-command"]] if path in groups else [])
        for tail in tails:
            eager, built_lazily = run_both(monkeypatch, [*path, *tail])
            assert built_lazily == eager, (path, tail)
            assert eager[0].strip(), (path, tail)  # something was printed: the comparison compared output


def test_a_command_is_built_only_when_it_runs(monkeypatch):
    built = []
    real = lazy.get_command_from_info

    def spy(info, **kwargs):
        built.append(info.callback.__name__)
        return real(info, **kwargs)

    monkeypatch.setattr(lazy, "get_command_from_info", spy)
    cli._register()
    group = lazy.lazy_command(cli.app)
    with pytest.raises(SystemExit):
        group(["--help"], prog_name="pingtai")
    assert built == []  # the group's help lists the commands from their names and texts
    with pytest.raises(SystemExit):
        group(["rules", "list", "--help"], prog_name="pingtai")
    assert built == ["list_rulesets"] or len(built) == 1


@pytest.mark.parametrize("args", [("--help",), ("rules", "--help"), ("check", "--help")])
def test_help_imports_no_markdown_or_traceback_renderer(args):
    """typer.rich_utils imports rich.markdown (markdown-it, pygments) and rich.traceback at its top;
    pingtai's help uses neither, so they stay unimported (cli/lazy.py: light_rich_utils)."""
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Usage" in proc.stdout and "rich.table" in modules  # typer's rich help was rendered
    assert {"rich.markdown", "markdown_it", "pygments", "rich.traceback", "rich.pretty"} & modules == set()


def test_top_level_help_imports_neither_json_nor_importlib_abc():
    """The rules commands import json when they print it; the help renderer's finder needs no
    importlib.abc (importlib.resources, tempfile): ~3 ms of a ~130 ms `--help`."""
    modules, proc = imported_modules("--help")
    assert proc.returncode == 0 and "Usage" in proc.stdout
    assert {"json", "importlib.abc", "tempfile"} & modules == set()


def test_the_deferred_classes_are_the_real_ones_when_used():
    import importlib
    import sys

    lazy.light_rich_utils()
    rich_utils = importlib.import_module("typer.rich_utils")
    md = rich_utils.Markdown("**x**")
    from rich.markdown import Markdown

    assert type(md) is Markdown and isinstance(md, rich_utils.Markdown)
    assert sys.modules["rich.markdown"].Markdown is Markdown  # the stand-in module is gone
    assert rich_utils.Traceback.from_exception.__func__ is __import__("rich.traceback").traceback.Traceback.from_exception.__func__


def test_help_loads_neither_the_emoji_table_nor_fractions():
    """rich's emoji table and fractions (for rich's Layout alone) cost `--help` ~6 ms between
    them; the help renders without them (cli/lazy.py), and reads as typer builds it (above)."""
    modules, proc = imported_modules("--help")
    assert proc.returncode == 0 and "Usage" in proc.stdout and "rich.table" in modules
    assert {"rich._emoji_codes", "fractions"} & modules == set()


# Run in a fresh interpreter: in this one another test may have imported typer.rich_utils already.
RENDERER_PROBE = """
import importlib, sys
from pingtai_cli.cli import lazy
lazy.light_rich_utils()
rich_utils = importlib.import_module("typer.rich_utils")
assert "fractions" not in sys.modules
import fractions
from rich import _ratio
from rich.console import Console
from rich.layout import Layout
from rich.panel import Panel
from rich.text import Text
text = rich_utils.Text.from_markup("[bold]粗体[/bold] :smile:")
assert isinstance(text, Text) and text.plain == "粗体 :smile:" and text.spans, text
panel = rich_utils.Panel("内容", title="[bold]选项[/bold]")
assert isinstance(panel, Panel) and panel.title.plain == "选项" and panel.title.spans
console = Console(width=30, record=True)
console.print(panel)
assert "选项" in console.export_text()
assert _ratio.Fraction is not fractions.Fraction  # the stand-in was what rich.table imported
assert sys.modules["fractions"] is fractions and hasattr(fractions, "Decimal")  # the real module
assert type(_ratio.Fraction(1, 3)) is fractions.Fraction
assert _ratio.ratio_resolve(10, [Layout(ratio=1), Layout(ratio=2), Layout(size=1)]) == [3, 6, 1]
print("ok")
"""


def test_the_help_renderer_keeps_markup_an_emoji_code_as_written_and_a_real_fraction():
    proc = subprocess.run([sys.executable, "-c", RENDERER_PROBE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stderr[-2000:]


# ---------------------------------------------------------------------------
# a cold check of a text-layer dossier

SAMPLES = Path(__file__).resolve().parent.parent / "sample_dossiers"
NOT_FOR_A_TEXT_CHECK = {
    "numpy", "openpyxl", "jinja2", "docxtpl", "pdfplumber", "pdfminer", "rapidocr_onnxruntime",
    "onnxruntime", "markdown_it", "pygments",
}


def test_a_cold_text_dossier_check_imports_no_numpy_ocr_xlsx_or_template_library(tmp_path, monkeypatch):
    """numpy (~100 ms) came in with the seal test of a text page; seal.py now uses PIL alone."""
    monkeypatch.setenv("PINGTAI_CACHE_DIR", str(tmp_path))
    modules, proc = imported_modules(
        "check", str(SAMPLES / "liaoning_eligible"), "-j", "liaoning", "--as-of", "2026-03-15",
        "-f", "json", "-q", "--no-cache",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '"seal"' in proc.stdout or "印章" in proc.stdout  # the seal test ran on its pages
    assert top_level(modules) & NOT_FOR_A_TEXT_CHECK == set()
    assert "typer.rich_utils" not in modules  # typer's help renderer: imported for a help or an error only


@pytest.mark.parametrize("args", [("check", "--no-such-option"), ("no-such-command",)])
def test_a_usage_error_is_rendered_without_the_markdown_or_traceback_renderer(args):
    """typer imports its renderer itself for an error; the stand-ins are in place then too."""
    modules, proc = imported_modules(*args)
    assert proc.returncode == 2 and "No such" in proc.stderr
    assert "typer.rich_utils" in modules
    assert {"rich.markdown", "markdown_it", "pygments", "rich.traceback", "rich.pretty"} & modules == set()


def test_a_ruleset_file_is_parsed_once_when_it_loads(monkeypatch):
    """Its line index is built only to say where a validation problem is (load_file)."""
    from pingtai_cli.rules import schema
    from pingtai_cli.rules.files import available

    reads = []
    real = schema._read_yaml
    indexed = []
    real_index = schema._line_index
    monkeypatch.setattr(schema, "_read_yaml", lambda path, **kw: reads.append(path) or real(path, **kw))
    monkeypatch.setattr(schema, "_line_index", lambda node: indexed.append(node) or real_index(node))
    path = available()["liaoning"]
    schema.load_file(path)
    assert reads == [path]
    assert indexed == []  # a valid file needs no line index


@pytest.mark.parametrize("args", [("--help",), ("check", "--help"), ("fill-forms", "--help")])
def test_help_imports_only_the_cli_and_core_layers(args):
    """A command module names its defaults from core/, never from a layer below that only its
    body needs (fill-forms' --timeout default lives in core/deadline.py)."""
    modules, proc = imported_modules(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    layers = {m.split(".")[1] for m in modules if m.startswith("pingtai_cli.")}
    assert layers <= {"cli", "core"}


def _from_column(line: str, x: int) -> str:
    """What `line` shows from display column `x` on (a wide character is two columns)."""
    from rich.cells import cell_len

    at = 0
    for i, ch in enumerate(line):
        if at >= x:
            return line[i:]
        at += cell_len(ch)
    return ""


def _help_column(panel: list[str]) -> str:
    """The options panel's help column, its lines joined without spaces."""
    from rich.cells import cell_len

    inner = [line.strip().strip("│") for line in panel]
    starts = [cell_len(t) - cell_len(t.lstrip()) for t in inner if t.strip()]
    x = min(s for s in starts if s > 20)  # continuation lines start at the help column
    return "".join(_from_column(t, x).replace(" ", "") for t in inner)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["check", "fill-forms"])
def test_help_in_a_narrow_terminal_breaks_chinese_and_cuts_no_option_help(command: str) -> None:
    """rich broke help lines only at spaces and cut a longer run with “…”: at 70 columns
    `写入文件（不覆盖已有文 …` lost the rest of --output's help, and --timeout's default. Help is
    rich markup: `pingtai[distributed]` showed as `pingtai`."""
    from rich.markup import render

    proc = subprocess.run([sys.executable, "-m", "pingtai_cli", command, "--help"], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "66", "TERM": "dumb"}, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "…" not in proc.stdout
    lines, shown, panel = proc.stdout.splitlines(), "", None
    for line in lines:  # every panel: Arguments, Options and any group of options
        if line.startswith("╭"):
            panel = []
        elif line.startswith("╰") and panel is not None:
            shown += _help_column(panel)
            panel = None
        elif panel is not None:
            panel.append(line)
    cli._register()
    params = typer.main.get_command(cli.app).commands[command].params  # type: ignore[attr-defined]
    helps = [render(p.help).plain.replace(" ", "") for p in params if getattr(p, "help", None)]
    assert len(helps) > 10
    assert [h for h in helps if h not in shown] == []
