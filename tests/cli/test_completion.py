"""`reconciler completion bash|zsh`: scripts generated from the parser, so every command, option
and choice is there (and nothing hidden); bash's is exercised by calling its function."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from reconciler import cli
from reconciler.cli.completion import _zsh_quote, commands
from reconciler.cli.parser import build_parser


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["completion", shell]) == 0
    return capsys.readouterr().out


def visible() -> dict[str, list[str]]:
    """Each subcommand's option strings, read from argparse directly (not through completion.py)."""
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name: [s for a in p._actions if a.help != argparse.SUPPRESS for s in a.option_strings]
            for name, p in sub.choices.items()}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_every_command_and_option_is_in_the_script_and_no_hidden_one(shell: str, capsys) -> None:
    text = script(shell, capsys)
    options = visible()
    assert {"validate", "plan", "apply", "schema", "completion"} <= set(options)
    for name, strings in options.items():
        assert f" {name})" in text or f"'{name}:" in text, name
        for option in strings:
            assert option in text, (name, option)
    assert "--ownership-mark" not in text  # suppressed: migration errors only
    plan = next(c for c in commands(build_parser()) if c.name == "plan")
    assert not [o for o in plan.options if "--target" in o.strings]  # plan's --target is suppressed too
    nested = {"github comment", "github apply-comment", "github drift-issue", "github markdown"}
    assert {c.name for c in commands(build_parser())} == {"", *options, *nested}
    for name in nested:
        assert name.split()[1] in text


def bash_complete(text: str, tmp_path: Path, *words: str) -> list[str]:
    """COMPREPLY of the script's function for the command line `words` (the last is being typed)."""
    path = tmp_path / "completion.bash"
    path.write_text(text)
    line = " ".join(f"'{w}'" for w in words)
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c",
         f'source "{path}"; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _reconciler; '
         'printf "%s\\n" "${COMPREPLY[@]}"; complete -p reconciler'],
        capture_output=True, text=True, timeout=30, check=True)
    *replies, registered = done.stdout.splitlines()
    assert registered == "complete -o default -F _reconciler reconciler"
    return [r for r in replies if r]


def test_bash_completes_commands_options_and_choices(tmp_path: Path, capsys) -> None:
    text = script("bash", capsys)
    assert subprocess.run(["bash", "-n"], input=text, text=True, check=False).returncode == 0
    assert bash_complete(text, tmp_path, "reconciler", "") == [
        "validate", "cron", "emulator", "plan", "apply", "show", "status", "report", "runs", "import", "doctor", "schema",
        "completion", "github"]
    assert bash_complete(text, tmp_path, "reconciler", "va") == ["validate"]
    assert bash_complete(text, tmp_path, "reconciler", "--v") == ["--version"]
    assert bash_complete(text, tmp_path, "reconciler", "plan", "--det") == ["--detailed-exitcode"]
    assert bash_complete(text, tmp_path, "reconciler", "plan", "--format", "") == ["text", "markdown", "json"]
    assert bash_complete(text, tmp_path, "reconciler", "apply", "--emulator", "--on-remove", "d") == [
        "delete", "disable"]
    assert bash_complete(text, tmp_path, "reconciler", "schema", "") == ["task", "project", "plan-file"]
    assert bash_complete(text, tmp_path, "reconciler", "completion", "z") == ["zsh"]
    assert bash_complete(text, tmp_path, "reconciler", "validate", "--config", "") == []  # files: -o default
    assert "-e" in bash_complete(text, tmp_path, "reconciler", "status", "-")


def test_bash_completes_githubs_subcommands_and_needs_no_bash_4(tmp_path: Path, capsys) -> None:
    text = script("bash", capsys)
    assert "mapfile" not in text and "readarray" not in text  # macOS's bash 3.2 has neither
    assert bash_complete(text, tmp_path, "reconciler", "github", "") == ["comment", "apply-comment", "drift-issue",
                                                                         "markdown"]
    assert bash_complete(text, tmp_path, "reconciler", "github", "comment", "--skip") == ["--skip-unchanged"]
    assert bash_complete(text, tmp_path, "reconciler", "github", "drift-issue", "--la") == ["--label"]
    assert "--author" in bash_complete(text, tmp_path, "reconciler", "github", "apply-comment", "--")


def test_zsh_accepts_and_registers_the_script(tmp_path: Path, capsys) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    path = tmp_path / "_reconciler"
    path.write_text(script("zsh", capsys))
    assert subprocess.run(["zsh", "-n", str(path)], capture_output=True, check=False).returncode == 0
    done = subprocess.run(["zsh", "-fc", f"autoload -U compinit; compinit -u -D; source {path}; "
                           "print -r -- $_comps[reconciler]"], capture_output=True, text=True, timeout=30, check=False)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "_reconciler", "")


def test_help_texts_cannot_break_the_zsh_quoting(capsys) -> None:
    text = script("zsh", capsys)
    assert "'runs:a task'\\''s recent runs and their GP jobs'" in text  # the apostrophe of "a task's"
    assert _zsh_quote("a [b]: c's") == "a \\[b\\]\\: c'\\''s"


ZSH_DRIVER = r'''
zmodload zsh/zpty || exit 3
zpty z 'PS1="> " zsh -f -i'
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; reconciler() { print -r -- \"AR\"\"GS:\$*:E\"\"ND\" }"
shift
for typed in "$@"; do
  zpty -w z "$typed"$'\t\n'
  zpty -r -m z out "*ARGS:*:END*" || exit 2
  print -r -- "${${out##*ARGS:}%%:END*}"
done
zpty -d z
'''


def test_zsh_completes_in_an_interactive_shell(tmp_path: Path, capsys) -> None:
    # An interactive zsh on a pseudo-terminal: a line is typed, TAB completes it, Enter runs a
    # stand-in `reconciler` that prints the words it got.
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    (tmp_path / "_reconciler").write_text(script("zsh", capsys))
    (tmp_path / "driver.zsh").write_text(ZSH_DRIVER)
    typed = ["reconciler sch", "reconciler plan --det", "reconciler completion z", "reconciler apply --on-remove di",
             "reconciler schema pro"]
    done = subprocess.run(["zsh", "-f", str(tmp_path / "driver.zsh"), str(tmp_path), *typed],
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode == 3:
        pytest.skip("zsh has no zsh/zpty module")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["schema", "plan --detailed-exitcode", "completion zsh",
                                        "apply --on-remove disable", "schema project"]


def test_zsh_offers_files_only_for_paths_and_knows_short_and_long_are_one(capsys) -> None:
    text = script("zsh", capsys)
    ports = [line for line in text.splitlines() if "'--port[" in line]
    assert ports and not [line for line in ports if "_files" in line]
    assert any("'--config[" in line and "_files" in line for line in text.splitlines())
    assert "'(-e --environment)-e[" in text and "'(-e --environment)--environment[" in text
    assert "whatargs)" in text and "drift-issue) _arguments" in text  # github WHAT
