"""YAML documents with the position of every value, so problems can name a line.

PyYAML's constructed data forgets where things were written; composing nodes first keeps
their marks. Plain files are read faster from the parser's events (yamlevents); this node graph
reads the rest (anchors, aliases, tags, merge keys, limits exceeded) and words every error. Timestamps stay strings (the schema wants ISO 8601 text, not datetime objects)
and duplicate mapping keys are reported instead of silently keeping the last one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from reconciler.model import FieldPath
from reconciler.taskfiles import yamlevents
from reconciler.taskfiles.yamldoc import (
    IMPLICIT_TAGS,
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    Loader,
    Mark,
    Marks,
    Position,
    Retyped,
    core_value,
    pos,
)

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Document", "Position", "Retyped", "YamlSyntaxError", "load_documents"]


class YamlSyntaxError(Exception):
    def __init__(self, message: str, position: Position | None, hint: str | None) -> None:
        super().__init__(message)
        self.position = position
        self.hint = hint


def load_documents(text: str) -> list[Document]:
    """Parse every document in `text` (an empty one has data None).

    Raises:
        YamlSyntaxError: the text is not valid YAML (with the position PyYAML reports).
    """
    fast = yamlevents.documents(text, locate=_node_marks)
    return _node_documents(text) if fast is None else fast


def _node_marks(text: str) -> list[Marks]:
    """Each document's positions, read through the node graph (for yamlevents' documents)."""
    try:
        return [document.marks() for document in _node_documents(text)]
    except YamlSyntaxError:  # not for a text yamlevents read; positions fall back to the document's start
        return []


def _node_documents(text: str) -> list[Document]:
    """load_documents through PyYAML's node graph: every file yamlevents leaves, every error."""
    loader = Loader(text)
    documents: list[Document] = []
    measure = _Measure()
    try:
        while loader.check_node():
            node = loader.get_node()
            measure.size(node, 0)
            try:
                data = loader.construct_document(node)
            except (ValueError, TypeError, OverflowError, KeyError, AttributeError):  # `!!int x`: its tag cannot read it
                raise _bad_tag(node, text, loader) from None
            documents.append(_document(node, data, loader, text))
    except yaml.MarkedYAMLError as e:
        raise _syntax_error(e, text) from e
    except yaml.YAMLError as e:
        raise YamlSyntaxError(str(e), None, None) from e
    except RecursionError:  # the pure-Python parser, on nesting deeper than Python's stack
        raise YamlSyntaxError(f"values nested too deeply (more than {MAX_DEPTH} levels)", None,
                              "flatten the structure") from None
    finally:
        loader.dispose()
    return documents


def _bad_tag(document: yaml.Node, text: str, loader: Any) -> YamlSyntaxError:
    """A value its type cannot read: one written with an explicit tag (`!!int x`), or a number
    Python refuses (an integer of more than 4,300 digits). Named at the first such value."""
    stack: list[yaml.Node] = [document]
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, TypeError, OverflowError, KeyError, AttributeError, yaml.YAMLError):
                written = text[node.start_mark.index:node.end_mark.index]
                if written.startswith("!"):
                    return YamlSyntaxError(f"{_clip(written)!r} cannot be read as the type its tag names",
                                           pos(node.start_mark), "remove the !! tag, or write a value of that type")
                return YamlSyntaxError(f"{_clip(written)!r} cannot be read as a number ({len(written):,} characters)",
                                       pos(node.start_mark), "quote it to keep it as text")
    return YamlSyntaxError("a value cannot be read as the type its tag names", pos(document.start_mark),
                           "remove the !! tag, or write a value of that type")


def _clip(written: str) -> str:
    return written if len(written) <= 40 else written[:37] + "..."


class _Measure:
    """How many values a file's node graph holds with aliases expanded, and how deep they nest,
    without expanding anything: each node's size is counted once (memoized), so an alias bomb
    costs what its text costs. A node that contains itself (a recursive alias) is refused."""

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.total = 0

    def size(self, node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        where = pos(node.start_mark)
        if key in self.open:
            raise YamlSyntaxError("a YAML alias refers to a value that contains it (a recursive alias)", where,
                                  "write the value out instead of the alias")
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(f"values nested deeper than {MAX_DEPTH} levels", where, "flatten the structure")
        self.open.add(key)
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else []
        size = 1 + sum(self.size(child, depth + 1) for child in children)
        self.open.discard(key)
        self.sizes[key] = size
        if depth == 0:
            self.total += size
        if size > MAX_VALUES or self.total > MAX_VALUES:
            raise YamlSyntaxError(f"the file expands to more than {MAX_VALUES:,} values (YAML aliases and anchors "
                                  "repeating large parts?)", where, "write each value out; aliases are not needed in task files")
        return size


def _document(node: yaml.Node, data: Any, loader: Any, text: str) -> Document:
    values: dict[FieldPath, Mark] = {}
    keys: dict[FieldPath, Mark] = {}
    duplicates: list[tuple[FieldPath, Position]] = []
    retyped: list[Retyped] = []

    def key_of(key_node: yaml.Node) -> str:
        """The key as text, as the loader keys its cleaned data (`1:` is "1"; `true:` is "True")."""
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == "tag:yaml.org,2002:str":
            return str(key_node.value)
        try:
            return str(loader.construct_object(key_node, deep=True))
        except (yaml.YAMLError, TypeError):
            return str(key_node.value)

    def note(scalar: yaml.Node, path: FieldPath, *, key: bool) -> None:
        """Record `scalar` if it is written bare (no quotes, tag or anchor) and YAML 1.1 retyped it."""
        if not (isinstance(scalar, yaml.ScalarNode) and scalar.tag in IMPLICIT_TAGS and not scalar.style):
            return
        written = text[scalar.start_mark.index : scalar.end_mark.index]
        if written != scalar.value:
            return
        value, core = loader.construct_object(scalar), core_value(written)
        if core is not None and (type(value), value) != (type(core), core):
            retyped.append(Retyped(path=path, written=written, value=value, position=pos(scalar.start_mark), key=key))

    _walk(node, (), values, keys, duplicates, key_of, note)
    return Document(
        data=data, start=pos(node.start_mark), marks=lambda: (values, keys), duplicate_keys=tuple(duplicates),
        retyped=tuple(retyped),
    )


def _walk(
    node: yaml.Node,
    path: FieldPath,
    values: dict[FieldPath, Mark],
    keys: dict[FieldPath, Mark],
    duplicates: list[tuple[FieldPath, Position]],
    key_of: Callable[[yaml.Node], Any],
    note: Callable[..., None],
) -> None:
    values[path] = node.start_mark
    note(node, path, key=False)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, key_of(key_node))
            note(key_node, child, key=True)
            if child in keys:
                duplicates.append((child, pos(key_node.start_mark)))
            keys[child] = key_node.start_mark
            _walk(value_node, child, values, keys, duplicates, key_of, note)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), values, keys, duplicates, key_of, note)


_UNQUOTED_REFERENCE = re.compile(r"(?<![^\s,\[{:])[^\s,\[\]{}\"']*\$\{[^}]*\}[^\s,\[\]{}\"']*")


_CONTEXT = re.compile(r"while (?:parsing|scanning|constructing) an? (?P<what>.+)")


def _began(e: yaml.MarkedYAMLError) -> str | None:
    """The parser's problem, then where the construct it was reading began ("...; the flow
    sequence opened at line 1, column 7"): the problem is often reported far below that."""
    found = _CONTEXT.fullmatch(e.context or "")
    start, end = e.context_mark, e.problem_mark
    if found is None or not e.problem or start is None or end is None or (start.line, start.column) == (
            end.line, end.column):
        return None
    what = found["what"]
    verb = "opened" if what.startswith(("flow", "quoted")) else "began"
    return f"{e.problem}; the {what} {verb} at line {start.line + 1}, column {start.column + 1}"


def _syntax_error(e: yaml.MarkedYAMLError, text: str) -> YamlSyntaxError:
    mark = e.problem_mark or e.context_mark
    position = pos(mark) if mark is not None else None
    message = _began(e) or " ".join(part for part in (e.context, e.problem) if part) or "invalid YAML"
    hint = None
    if position is not None:
        line = text.splitlines()[position.line - 1] if position.line <= len(text.splitlines()) else ""
        if re.search(r"(:|-)\s+[*&!%@`?]", line) or "alias" in message:
            hint = 'quote values that start with * ? & ! % @ or `, e.g. schedule: "0 */15 * ? * *" or day_of_week: "?"'
        elif "\t" in line:
            hint = "YAML does not allow tabs for indentation; use spaces"
        elif "flow" in message and "${" in line:  # the } of ${...} ends a flow mapping early
            flow = e.context_mark
            start = flow.column if flow is not None and flow.line == position.line - 1 else 0
            quoted = _UNQUOTED_REFERENCE.sub(r'"\g<0>"', line[start:].strip())
            hint = f"quote a value that holds ${{...}} inside {{ }} or [ ]: {quoted}"
    return YamlSyntaxError(f"YAML syntax error: {message}", position, hint)
