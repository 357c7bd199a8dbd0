"""The commands that serve the tools around reconciler rather than a portal: `schema` (for editors
and check-jsonschema) and `completion` (for shells). Parsing only, like reconciler.cli.parser."""

from __future__ import annotations

import argparse

SCHEMAS = {"task": "task.schema.json", "project": "project.schema.json", "plan-file": "plan-file.schema.json"}
SHELLS = ("bash", "zsh")


def add_tooling(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "schema",
        help="print a JSON Schema (task files, the project file, saved plans)",
        description="Print the JSON Schema shipped with this version, for editors and check-jsonschema. The task "
        "schema accepts ${...} references as written (an editor cannot know their values); validate checks "
        "each value after substitution against the field's own rule.",
        epilog="examples:\n  reconciler schema > task.schema.json\n  reconciler schema project\n"
        "Exit: 0, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("which", nargs="?", choices=tuple(SCHEMAS), default="task",
                   help="which schema (default: task)")
    p = sub.add_parser(
        "completion",
        help="print a shell completion script (bash or zsh)",
        description="Print a completion script for SHELL, generated from this version's own options, so it "
        "always matches them.",
        epilog="examples:\n"
        '  eval "$(reconciler completion bash)"                      in ~/.bashrc\n'
        "  reconciler completion bash > /etc/bash_completion.d/reconciler\n"
        '  reconciler completion zsh > "${fpath[1]}/_reconciler"     (zsh, compinit loads it)\n'
        "Exit: 0, 3 bug.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("shell", choices=SHELLS, help="the shell: bash or zsh")
