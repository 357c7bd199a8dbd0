"""The fast reader: a plain YAML file read in one pass over the parser's events.

Composing PyYAML's node graph, constructing data from it and walking it again for positions and
limits was most of the time of loading 10,000 tasks (issue 14). Almost every task file is plain
(mappings, lists and scalars, no anchors, aliases, explicit tags or merge keys), and for those one
pass over the events gives the same Document: the same data (scalars resolved and constructed
by the same loader), duplicate keys and YAML 1.1 retypings, and the same positions (read through
the node graph when a problem first asks for one). Anything else, an error
included, returns None and yamlsource reads the file the thorough way, so every message stays
its own; tests/taskfiles/test_yaml_fast.py pins that both readers agree.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import yaml

from reconciler.model import FieldPath
from reconciler.taskfiles.yamldoc import (
    IMPLICIT_TAGS,
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    Loader,
    Marks,
    Retyped,
    core_value,
    pos,
)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"


_SCALAR, _ALIAS, _SEQUENCE = yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent
_SEQUENCE_END, _MAPPING_END = yaml.SequenceEndEvent, yaml.MappingEndEvent


class _Unusual(Exception):
    """Something the fast reader leaves to yamlsource."""


def documents(text: str, *, locate: Callable[[str], list[Marks]]) -> list[Document] | None:
    """Every document of `text`, or None when the file is not plain or not valid YAML.

    Positions are not recorded: `locate` (yamlsource's node graph) reads them for the whole
    file the first time a document's problem asks, so a file without problems never pays."""
    loader = Loader(text)
    try:
        reader = _Reader(loader, text, _Located(text, locate))
        found: list[Document] = []
        loader.get_event()  # stream start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # document start
            found.append(reader.document())
            loader.get_event()  # document end
        return found
    except (_Unusual, yaml.YAMLError, ValueError, TypeError, OverflowError, KeyError, AttributeError):
        return None  # a value its type cannot read (an integer of 5,000 digits): yamlsource words it
    finally:
        loader.dispose()


class _Located:
    """The positions of one file's documents, read once, when first asked."""

    def __init__(self, text: str, locate: Callable[[str], list[Marks]]) -> None:
        self.text, self.locate = text, locate
        self.found: list[Marks] | None = None

    def marks(self, index: int) -> Marks:
        if self.found is None:
            self.found = self.locate(self.text)
        return self.found[index] if index < len(self.found) else ({}, {})


class _Reader:
    def __init__(self, loader: Any, text: str, located: _Located) -> None:
        self.loader = loader
        self.text = text
        self.located = located
        self.index = 0  # of the document being read
        self.count = 0  # values in the file so far (MAX_VALUES)
        self.resolved: dict[str, str] = {}  # plain scalar text -> its tag (the resolver is slow)

    def document(self) -> Document:
        self.keys: set[FieldPath] = set()  # for duplicates
        self.duplicates: list[tuple[FieldPath, Any]] = []
        self.retyped: list[Retyped] = []
        self.plain = True  # every key text, every number finite
        self.dollars: list[FieldPath] = []
        first = self.loader.get_event()
        data = self.value(first, (), 0)
        marks = functools.partial(self.located.marks, self.index)
        self.index += 1
        return Document(data=data, start=pos(first.start_mark), marks=marks,
                        duplicate_keys=tuple((path, pos(mark)) for path, mark in self.duplicates),
                        retyped=tuple(self.retyped), json_plain=self.plain, dollars=tuple(self.dollars))

    def value(self, event: Any, path: FieldPath, depth: int) -> Any:
        kind = type(event)
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_VALUES or kind is _ALIAS or event.anchor is not None:
            raise _Unusual
        if kind is _SCALAR:
            value, tag = self.scalar(event)
            if tag == _STR:
                if "$" in value:
                    self.dollars.append(path)
            elif tag in IMPLICIT_TAGS:
                self.note(event, path, value, key=False)
                if type(value) is float and not math.isfinite(value):
                    self.plain = False
            return value
        if event.tag is not None:
            raise _Unusual
        get = self.loader.get_event
        if kind is _SEQUENCE:
            items: list[Any] = []
            while type(item := get()) is not _SEQUENCE_END:
                items.append(self.value(item, (*path, len(items)), depth + 1))
            return items
        mapping: dict[Any, Any] = {}
        keys = self.keys
        while type(key := get()) is not _MAPPING_END:
            self.count += 1
            if type(key) is not _SCALAR or key.anchor is not None or depth >= MAX_DEPTH:
                raise _Unusual  # a complex or aliased key, or one nested too deeply
            name, tag = self.scalar(key)
            if tag == _STR:
                child = (*path, name)
            else:
                child = (*path, str(name))
                self.plain = False  # a key of another type (json_only says so)
                if tag in IMPLICIT_TAGS:
                    self.note(key, child, name, key=True)
            if child in keys:
                self.duplicates.append((child, key.start_mark))
            keys.add(child)
            mapping[name] = self.value(get(), child, depth + 1)
        return mapping

    def scalar(self, event: Any) -> tuple[Any, str]:
        """The scalar's value, constructed as the loader would, and its resolved tag."""
        if event.tag is not None and event.tag != "!":
            raise _Unusual  # an explicit tag: yamlsource checks the value can be read as it
        if not event.implicit[0]:  # quoted or a block scalar: text (the resolver's own rule)
            return event.value, _STR
        tag = self.resolved.get(event.value)
        if tag is None:
            tag = self.resolved[event.value] = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value, tag
        if tag == _NULL:
            return None, tag
        if tag not in IMPLICIT_TAGS:
            raise _Unusual  # `<<` (merge) or `=` (value): the node graph handles them
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.loader.yaml_constructors[tag](self.loader, node), tag

    def note(self, event: Any, path: FieldPath, value: Any, *, key: bool) -> None:
        """A bare scalar YAML 1.1 read as a boolean or number, as another type than YAML 1.2 reads
        it (yamlsource's note); only plain scalars resolve to those types."""
        written = self.text[event.start_mark.index:event.end_mark.index]
        if written != event.value:
            return
        core = core_value(written)
        if core is not None and (type(value), value) != (type(core), core):
            self.retyped.append(Retyped(path=path, written=written, value=value, position=pos(event.start_mark),
                                        key=key))
