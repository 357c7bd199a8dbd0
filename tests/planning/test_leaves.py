"""Parameter leaves found without deepdiff agree with deepdiff's (issue 14's fast path).

compare._leaves walks both values itself when no list changed and asks deepdiff otherwise
(deepdiff aligns a changed list by its items); a plan shows these leaves as the update's field changes, so the two must agree.
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import dotted
from reconciler.planning import compare

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 1.0, 2.5]),
                    st.sampled_from(["", "a", "b", "1"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from("abcd"), inner, max_size=3)),
                      max_leaves=10)


def deepdiff_leaves(old: Any, new: Any) -> list[tuple[Any, ...]]:
    tree = DeepDiff(old, new, view="tree", ignore_order=False, verbose_level=2)
    found = [(("parameters", *item.path(output_format="list")), compare._present(item.t1), compare._present(item.t2))
             for items in tree.values() for item in items]
    return sorted(found, key=lambda f: dotted(f[0]))


def typed(leaves: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(path, type(a).__name__, repr(a), type(b).__name__, repr(b)) for path, a, b in leaves]


def mutated(value: Any, data: st.DataObject) -> Any:
    """`value` with a few leaves, keys or types changed, lists keeping their lengths mostly."""
    if isinstance(value, dict):
        out = {k: mutated(v, data) for k, v in value.items() if data.draw(st.integers(0, 5)) > 0}
        if data.draw(st.booleans()):
            out[data.draw(st.sampled_from("abcde"))] = data.draw(VALUES)
        return out
    if isinstance(value, list):
        items = [mutated(v, data) for v in value]
        return items + [data.draw(SCALARS)] if data.draw(st.integers(0, 6)) == 0 else items
    return data.draw(SCALARS) if data.draw(st.integers(0, 2)) == 0 else value


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcd"), VALUES, min_size=1, max_size=3), st.data())
def test_own_leaves_agree_with_deepdiff(old: dict[str, Any], data: st.DataObject) -> None:
    new = mutated(old, data)
    found: list[tuple[Any, ...]] = []
    if compare._aligned_leaves(("parameters",), old, new, found):
        assert typed(sorted(found, key=lambda f: dotted(f[0]))) == typed(deepdiff_leaves(old, new))


def test_a_changed_list_is_left_to_deepdiff() -> None:
    old, new = {"a": [1, 2], "b": 1}, {"a": [0, 1, 2], "b": 1}
    assert not compare._aligned_leaves(("parameters",), {"a": [False]}, {"a": [0]}, [])
    assert not compare._aligned_leaves(("parameters",), old, new, [])
    assert typed(compare._leaves(("parameters",), old, new)) == typed(deepdiff_leaves(old, new))


def test_mappings_with_few_keys_in_common_are_shown_whole_as_deepdiff_does() -> None:
    found: list[tuple[Any, ...]] = []
    assert compare._aligned_leaves(("parameters",), {"b": 1}, {"a": 1}, found)
    assert found == [(("parameters",), {"b": 1}, {"a": 1})] and typed(found) == typed(deepdiff_leaves({"b": 1},
                                                                                                     {"a": 1}))
