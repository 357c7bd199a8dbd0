"""`${NAME}` references in task files, resolved from the environment.

Syntax, inside any YAML string value (never in keys):

    ${NAME}            the variable's value; unset is an error at that line
    ${NAME:-default}   the value, or `default` when NAME is unset or empty
    ${secret:NAME}     the value, marked secret: it is masked in every output
    $${                a literal "${"

Substitution happens after YAML parsing, so a value can never change the document's
structure; the result is always a string.

With `unset_secrets_unknown` (`reconciler status`, which must read health without every task's
secrets) an unset `${secret:NAME}` is no error: the reference stays as written and the value it
stands in is `unknown` (its path and NAME are reported); anything that compares it must say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.model import FieldPath

_REFERENCE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")  # the last: a ${ never closed
_INNER = re.compile(r"(?:(?P<secret>secret):)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>.*))?\Z", re.S)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def name_problem(name: str) -> str | None:
    """Why `name` (of --var NAME=VALUE) can never be referenced, or None. The value is not shown."""
    if name.startswith("secret:") and _NAME.match(name[len("secret:"):]):
        bare = name[len("secret:"):]
        return (f"the name is {bare}: a task file's ${{secret:{bare}}} is what marks it secret; a secret is "
                f"better set in the environment than on the command line")
    if not _NAME.match(name):
        return f"{name!r} is not a variable name: ASCII letters, digits and _, not starting with a digit"
    return None


class Asked(Mapping[str, str]):
    """`variables`, remembering which names were looked up: the names the task files refer to."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = variables
        self.asked: set[str] = set()
        # Text -> what it becomes, for texts that refer to no secret and have no problem: the task
        # files of one load repeat the same references (a server's URL in every task_url).
        self.substituted: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        return self.variables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.variables)

    def __len__(self) -> int:
        return len(self.variables)


def unused(assigned: Iterable[str], asked: Asked) -> list[str]:
    """The --var names no task file refers to (Terraform warns about undeclared variables too)."""
    return sorted(set(assigned) - asked.asked)


@dataclass(frozen=True, kw_only=True)
class VariableProblem:
    path: FieldPath
    message: str
    hint: str


@dataclass(frozen=True, kw_only=True)
class Resolved:
    """The document with references replaced, plus which values are secret."""

    data: Any
    secret_paths: tuple[FieldPath, ...]
    secret_values: tuple[str, ...]
    problems: tuple[VariableProblem, ...]
    unknown: tuple[tuple[FieldPath, str], ...] = ()  # (path, NAME) of each unset secret left unresolved

    def unresolved(self, path: FieldPath) -> bool:
        """True if `path` or a value under it had a reference that could not be resolved."""
        return any(p.path[: len(path)] == path or path[: len(p.path)] == p.path for p in self.problems)


def resolve(data: Any, variables: Mapping[str, str], *, unset_secrets_unknown: bool = False,
            at: Sequence[FieldPath] | None = None) -> Resolved:
    """`data` with every reference replaced. `at`: the paths of the text values holding a `$`, in
    the order of the document, when the reader knows them (yamldoc.Document.dollars): only those
    are looked at, and only the containers on their way are copied; None walks everything."""
    secret_paths: list[FieldPath] = []
    secret_values: list[str] = []
    problems: list[VariableProblem] = []
    unknown: list[tuple[FieldPath, str]] = []

    memo = variables.substituted if isinstance(variables, Asked) else None

    def visit(value: Any, path: FieldPath) -> Any:
        if isinstance(value, dict):
            return {k: visit(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [visit(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str) and "$" in value:
            if memo is not None and (known := memo.get(value)) is not None:
                return known
            before = len(secret_paths) + len(problems) + len(unknown)
            text = _substitute(value, path, variables, secret_paths, secret_values, problems,
                               unknown if unset_secrets_unknown else None)
            if memo is not None and len(secret_paths) + len(problems) + len(unknown) == before:
                memo[value] = text
            return text
        return value

    if at is None:
        resolved = visit(data, ())
    else:
        resolved = _replaced(data, [(path, visit(_at(data, path), path)) for path in at])
    return Resolved(
        data=resolved,
        secret_paths=tuple(secret_paths),
        secret_values=tuple(v for v in secret_values if v),
        problems=tuple(problems),
        unknown=tuple(unknown),
    )


def _at(data: Any, path: FieldPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _replaced(data: Any, changes: list[tuple[FieldPath, Any]]) -> Any:
    """`data` with the value at each path replaced: the containers on those paths copied, once
    each, the rest shared (nothing of `data` itself changes)."""
    if not changes:
        return data
    if any(not path for path, _ in changes):
        return changes[-1][1]  # the document is one text value
    root = _copy(data)
    copies: dict[FieldPath, Any] = {(): root}
    for path, value in changes:
        node = root
        for depth in range(1, len(path)):
            inner = copies.get(path[:depth])
            if inner is None:
                inner = copies[path[:depth]] = _copy(node[path[depth - 1]])
                node[path[depth - 1]] = inner
            node = inner
        node[path[-1]] = value
    return root


def _copy(container: Any) -> Any:
    return dict(container) if isinstance(container, dict) else list(container)


def _substitute(
    text: str,
    path: FieldPath,
    variables: Mapping[str, str],
    secret_paths: list[FieldPath],
    secret_values: list[str],
    problems: list[VariableProblem],
    unknown: list[tuple[FieldPath, str]] | None,
) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        if match.group(1) is None:
            problems.append(
                VariableProblem(
                    path=path,
                    message=f"unclosed variable reference {_clip(text[match.start():])!r}: no }} follows the ${{",
                    hint="close it: ${NAME}; write $${ for a literal ${",
                )
            )
            return match.group(0)
        inner = _INNER.match(match.group(1))
        if inner is None:
            problems.append(
                VariableProblem(
                    path=path,
                    message=f"invalid variable reference {match.group(0)!r}",
                    hint="write ${NAME}, ${NAME:-default} or ${secret:NAME}; NAME is ASCII letters, digits and _; "
                    "write $${ for a literal ${",
                )
            )
            return match.group(0)
        name, default, secret = inner["name"], inner["default"], inner["secret"] is not None
        value = variables.get(name)  # first: Asked counts every name a file refers to
        if secret and default is not None:
            problems.append(
                VariableProblem(
                    path=path,
                    message=f"secret variable {name} cannot have a default written in the file",
                    hint=f"remove ':-...' and set {name} in the environment",
                )
            )
            return match.group(0)
        if default is not None and not value:
            value = default
        if value is None and secret and unknown is not None:
            unknown.append((path, name))
            return match.group(0)
        if value is None:
            problems.append(
                VariableProblem(
                    path=path,
                    message=f"{'secret ' if secret else ''}variable {name} is not set",
                    # a secret's value belongs in the environment, not in Git (nor a default, nor --var)
                    hint=f"set {name} in the environment, e.g. from your CI's secret store" if secret else
                    f"set {name} in the environment (or pass --var {name}=VALUE), or give a default: ${{{name}:-value}}",
                )
            )
            return match.group(0)
        if secret:
            secret_paths.append(path)
            secret_values.append(value)
        return value

    return _REFERENCE.sub(replace, text)


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
