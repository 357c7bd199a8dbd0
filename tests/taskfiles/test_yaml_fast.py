"""The fast YAML reader (yamlevents) gives exactly what the node-graph reader (yamlsource) gives.

Loading reads plain files through the parser's events and leaves the rest to the node graph
(issue 14). Every field of a Document decides a message or a value sent to the portal, so the
two must agree on everything: data with its types, value and key positions, duplicate keys,
YAML 1.1 retypings; and the fast reader must step aside (None) for whatever it does not handle,
errors included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.taskfiles import yamlevents, yamlsource
from reconciler.taskfiles.yamldoc import MAX_DEPTH, Document, Position


def fast(text: str) -> list[Document] | None:
    return yamlevents.documents(text, locate=yamlsource._node_marks)


def typed(value: Any) -> Any:
    """`value` with every scalar's type beside it: 1, 1.0 and True compare equal in Python."""
    if isinstance(value, dict):
        return ("map", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("seq", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def summary(document: Document) -> dict[str, Any]:
    values, keys_at = document.marks()
    where = {path: document.position(path) for path in values}
    keys = {path: document.position(path, key=True) for path in keys_at}
    return {"data": typed(document.data), "start": document.start, "values": where, "keys": keys,
            "duplicates": document.duplicate_keys, "retyped": document.retyped}


def agree(text: str) -> bool:
    """True when the fast reader read `text` (and agreed); False when it stepped aside."""
    quick = fast(text)
    if quick is None:
        return False
    slow = yamlsource._node_documents(text)  # must not raise: the fast reader accepted the text
    assert [summary(d) for d in quick] == [summary(d) for d in slow], text
    return True


PLAIN = [
    "name: a\nschedule: '0 0 2 * * ?'\nparameters: {x: [1, 2.5, true, null, ~]}\n",
    "a: NO\nb: 010\nc: 12:30\nd: 1_000\ne: 0x1F\nf: +1\ng: .inf\nh: 1e3\ni: 0o17\nj: -0\n",
    "true: 1\nnull: 2\n1: 3\n1.5: 4\nNo: 5\n'yes': 6\n",
    "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n",
    "---\n---\nname: x\n---\n",
    "",
    "# only a comment\n",
    "- a\n- [b, {c: d}]\n- |\n  block\n- >-\n  folded\n",
    "a: 'quoted # not a comment'\nb: \"esc\\ttab\"\nc: plain text, with #no comment\n",
    "a: 2027-01-01T00:00:00Z\nb: 2027-01-01\n",
    "key with spaces: value\n? plain explicit key\n: v\n",
    "a: ! 12\nb: ''\nc:\nd: []\ne: {}\n",
    "name: bench\ntask_url: ${GP_SERVER_URL}/rest/services/S/GPServer/T\n",
]

UNUSUAL = [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",  # merge keys
    "a: !!int '12'\n",  # explicit tags
    "a: !!str 12\n",
    "? [a, b]\n: c\n",  # a complex key
    "a: [1, 2\n",  # a syntax error
    "a: b: c\n",
    "=: 1\n",  # the value tag
    "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",  # nested too deeply
]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_files_are_read_fast_and_the_same(text: str) -> None:
    assert agree(text)


@pytest.mark.parametrize("text", UNUSUAL)
def test_the_fast_reader_leaves_the_rest_to_the_node_graph(text: str) -> None:
    assert fast(text) is None


def test_a_mapping_at_the_depth_limit_is_refused_as_before() -> None:
    """Keys one level below the limit count as nested too deeply, as the node graph counts them."""
    text = "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(MAX_DEPTH - 1)) + " " * MAX_DEPTH + "k: v\n"
    assert fast(text) is None
    with pytest.raises(yamlsource.YamlSyntaxError, match="nested deeper"):
        yamlsource.load_documents(text)


def test_positions_are_read_when_asked_and_belong_to_their_own_document() -> None:
    """The fast reader records none; the node graph reads the whole file once, on the first
    question, and each document gets its own (empty documents count, as both readers see them)."""
    read: list[str] = []

    def locate(text: str) -> list[Any]:
        read.append(text)
        return yamlsource._node_marks(text)

    text = "---\nname: a\n---\n---\nname: b\nschedule:\n  hour: 2\n"
    found = yamlevents.documents(text, locate=locate)
    assert found is not None and [d.data for d in found] == [{"name": "a"}, None,
                                                             {"name": "b", "schedule": {"hour": 2}}]
    assert read == []
    assert found[2].position(("schedule", "hour")) == Position(line=7, column=9)
    assert found[2].position(("schedule",), key=True) == Position(line=6, column=1)
    assert found[0].position(("name",)) == Position(line=2, column=7)
    assert read == [text], "the file is read once, for every document"


def test_the_shipped_files_are_read_fast() -> None:
    root = Path(__file__).resolve().parents[2]
    for path in [*sorted((root / "tasks.d").rglob("*.yaml")), root / "reconciler.yaml"]:
        assert agree(path.read_text()), path


SCALARS = st.one_of(
    st.sampled_from(["NO", "yes", "on", "Off", "010", "0o7", "0x1F", "1_000", "12:30", "190:20:30", "1.5", "1e3",
                     ".inf", "-.inf", ".nan", "~", "null", "", "a: b", "#x", "true", "True", "TRUE", "- x", "'",
                     "${A}", "${secret:B}", "2027-01-01", "é", "\t", "line\nbreak"]),
    st.integers(-10**20, 10**20), st.floats(), st.booleans(), st.none(), st.text(max_size=8),
)
KEYS = st.one_of(st.sampled_from(["a", "b", "name", "NO", "1", "true", "null", "a b"]), st.integers(0, 3),
                 st.booleans(), st.none())
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TREES, min_size=1, max_size=3), st.sampled_from([None, True, False]),
       st.sampled_from([None, "'", '"', "|"]))
def test_dumped_documents_read_the_same(trees: list[Any], flow: bool | None, style: str | None) -> None:
    text = yaml.safe_dump_all(trees, default_flow_style=flow, default_style=style, allow_unicode=True)
    agree(text)


LINES = ["a: 1", "a: 1", "b: NO", "  c: 010", "- x", "- y: 1", "  - z", "d: [1, 2]", "e: {f: g}", "---", "h: |",
         "  text", "i: 'q'", "j: &k 1", "l: *k", "m: !!int 3", "n:", "  <<: {o: 1}", "p: 12:30", "q", "  r: s",
         "t: 1_0", "? u", ": v", "w: x: y", "#", "z: ~", "true: 1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=10))
def test_line_soup_reads_the_same_or_steps_aside(lines: list[str]) -> None:
    """Texts that are often invalid or unusual: the fast reader agrees or returns None."""
    agree("\n".join(lines) + "\n")


@pytest.mark.parametrize("text", [
    "n: " + "1" * 5000 + "\n",  # more digits than Python converts (4,300)
    "? " + "1" * 5000 + "\n: x\n",  # as a key (written explicitly: a plain key holds 1,024 characters at most)
    "n: " + "1" * 5000 + ":30\n",  # YAML 1.1 sexagesimal
])
def test_a_number_python_cannot_read_is_a_problem_at_its_line_not_a_crash(text: str) -> None:
    assert fast(text) is None
    with pytest.raises(yamlsource.YamlSyntaxError) as caught:
        yamlsource.load_documents(text)
    assert "cannot be read" in str(caught.value) and caught.value.position is not None
    assert caught.value.hint == "quote it to keep it as text"


def shortcuts_agree(text: str) -> None:
    """What the fast reader noted on its way (Document.json_plain, dollars) spares the loader two
    walks: with them, rules.json_only and variables.resolve must give what the full walks give,
    and leave the document's data as it was."""
    import copy

    from reconciler.taskfiles import rules
    from reconciler.taskfiles.variables import Asked, resolve

    for document in fast(text) or ():
        assert document.dollars is not None
        before = copy.deepcopy(typed(document.data))
        cleaned, not_json = rules.json_only(document.data)
        if document.json_plain:
            assert not not_json and typed(cleaned) == typed(document.data)
        variables = {"A": "alpha", "B": "beta$"}
        walked = resolve(cleaned, variables)
        if document.json_plain and not document.duplicate_keys:
            noted = resolve(cleaned, Asked(variables), at=document.dollars)  # as the loader asks
            assert typed(noted.data) == typed(walked.data)
            assert (noted.secret_paths, noted.secret_values, noted.problems) == (
                walked.secret_paths, walked.secret_values, walked.problems)
        assert typed(document.data) == before


DOLLARS = st.sampled_from(["${A}", "${secret:B}", "x${A}y", "$${A}", "${", "${A", "${1}", "$", "${A:-d}",
                           "${secret:B:-d}", "${NOPE}", "${A}${A}"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.recursive(st.one_of(SCALARS, DOLLARS), lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(KEYS, DOLLARS), inner, max_size=4)), max_leaves=12),
    min_size=1, max_size=3), st.sampled_from([None, True, False]))
def test_what_the_fast_reader_notes_spares_walks_that_would_find_the_same(trees: list[Any], flow: bool | None) -> None:
    shortcuts_agree(yaml.safe_dump_all(trees, default_flow_style=flow, allow_unicode=True))


def test_the_notes_hold_for_hand_written_cases() -> None:
    shortcuts_agree("a: ${A}\nb:\n  - x\n  - '${secret:B}'\n  - c: ${A}\nc:\n  d:\n    e: $${A}\n---\n1: ${A}\n"
                    "---\nx: .inf\ny: ${A}\n---\n${A}\n---\nk: ${A}\nk: ${A}\n")
    noted = fast("a: ${A}\n---\n1: ${A}\n---\n${A}\n")
    assert noted is not None and all(d.dollars for d in noted)
    doc = fast("a: ${A}\nb:\n  - x\n  - c: y${A}\n")
    assert doc is not None and doc[0].dollars == (("a",), ("b", 1, "c")) and doc[0].json_plain
    assert fast("1: x\n")[0].json_plain is False and fast("a: .nan\n")[0].json_plain is False  # type: ignore[index]
