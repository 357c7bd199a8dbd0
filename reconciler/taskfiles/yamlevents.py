"""The fast reader: a plain YAML file read in one pass over the parser's events.

Composing PyYAML's node graph, constructing data from it and walking it again for positions and
limits was most of the time of loading 10,000 tasks (issue 14). Almost every task file is plain
(mappings, lists and scalars, no anchors, aliases, explicit tags or merge keys), and for those one
pass over the events gives the same Document: the same data (scalars resolved and constructed
by the same loader), positions, duplicate keys and YAML 1.1 retypings. Anything else, an error
included, returns None and yamlsource reads the file the thorough way, so every message stays
its own; tests/taskfiles/test_yaml_fast.py pins that both readers agree.
"""

from __future__ import annotations

from typing import Any

import yaml

from reconciler.model import FieldPath
from reconciler.taskfiles.yamldoc import (
    IMPLICIT_TAGS,
    MAX_DEPTH,
    MAX_VALUES,
    Document,
    Loader,
    Mark,
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


def documents(text: str) -> list[Document] | None:
    """Every document of `text`, or None when the file is not plain or not valid YAML."""
    loader = Loader(text)
    try:
        reader = _Reader(loader, text)
        found: list[Document] = []
        loader.get_event()  # stream start
        while not loader.check_event(yaml.StreamEndEvent):
            loader.get_event()  # document start
            found.append(reader.document())
            loader.get_event()  # document end
        return found
    except (_Unusual, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


class _Reader:
    def __init__(self, loader: Any, text: str) -> None:
        self.loader = loader
        self.text = text
        self.count = 0  # values in the file so far (MAX_VALUES)
        self.resolved: dict[str, str] = {}  # plain scalar text -> its tag (the resolver is slow)

    def document(self) -> Document:
        self.values: dict[FieldPath, Mark] = {}
        self.keys: dict[FieldPath, Mark] = {}
        self.duplicates: list[tuple[FieldPath, Any]] = []
        self.retyped: list[Retyped] = []
        first = self.loader.get_event()
        data = self.value(first, (), 0)
        return Document(data=data, start=pos(first.start_mark), values=self.values, keys=self.keys,
                        duplicate_keys=tuple((path, pos(mark)) for path, mark in self.duplicates),
                        retyped=tuple(self.retyped))

    def value(self, event: Any, path: FieldPath, depth: int) -> Any:
        kind = type(event)
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_VALUES or kind is _ALIAS or event.anchor is not None:
            raise _Unusual
        self.values[path] = event.start_mark
        if kind is _SCALAR:
            value, tag = self.scalar(event)
            if tag in IMPLICIT_TAGS:
                self.note(event, path, value, key=False)
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
                if tag in IMPLICIT_TAGS:
                    self.note(key, child, name, key=True)
            mark: Any = key.start_mark
            if child in keys:
                self.duplicates.append((child, mark))
            keys[child] = mark
            mapping[name] = self.value(get(), child, depth + 1)
        return mapping

    def scalar(self, event: Any) -> tuple[Any, str]:
        """The scalar's value, constructed as the loader would, and its resolved tag."""
        if event.tag is not None and event.tag != "!":
            raise _Unusual  # an explicit tag: yamlsource checks the value can be read as it
        if not event.implicit[0]:  # quoted, a block scalar, or `!`: text (the resolver's own rule)
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
