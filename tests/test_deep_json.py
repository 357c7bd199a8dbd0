"""JSON nested deeper than the decoder goes, wherever the tool reads JSON someone else wrote (a lock
item's snippet on the portal, the emulator's state file), is unreadable data, not a traceback."""

from __future__ import annotations

from pathlib import Path

from reconciler import connection
from reconciler.applying import lock
from reconciler.jsonforms import normal_json
from reconciler.masking import mask_values
from reconciler.portal.content import Item

DEEP = "[" * 100_000 + "]" * 100_000


def test_a_lock_snippet_nested_too_deeply_has_no_holder() -> None:
    assert lock._holder(Item(id="i", title="t", created=None, snippet=DEEP)) is None


def test_an_emulator_state_file_nested_too_deeply_has_no_port(tmp_path: Path) -> None:
    (tmp_path / "emulator.json").write_text(DEEP)
    assert connection._saved_port(tmp_path / "emulator.json") is None


def test_json_text_nested_too_deeply_stays_text() -> None:
    for text in (DEEP, "[" * 500 + "]" * 500):
        assert normal_json({"p": text}) == {"p": text}
    assert normal_json({"p": "[[1]]"}) == {"p": [[1]]}


def test_a_secret_nested_too_deeply_is_still_masked_as_text() -> None:
    assert mask_values({"p": [1, "x " + DEEP[:10]]}, (DEEP,)) == {"p": [1, "x " + DEEP[:10]]}
    assert mask_values({"p": "see " + DEEP}, (DEEP,)) != {"p": "see " + DEEP}
