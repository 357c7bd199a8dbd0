"""Bad input never raises: whatever the bytes, the loader returns problems, not a traceback."""

from __future__ import annotations

from datetime import datetime, timezone

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, tzinfo=timezone.utc)

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.text(max_size=30),
    st.sampled_from(["?", "*", "0 0 2 ? * MON-FRI", "${X}", "${secret:Y}", "$${", "0 0 2 * * ?", "L", "6#3"]),
)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
task_keys = st.sampled_from(
    ["name", "type", "task_url", "parameters", "schedule", "enabled", "max_occurrences", "start", "end", "item_id", "owner", "previous_names", "other"]
)
documents = st.dictionaries(task_keys, json_values, max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    specs, problems, _ = loader.load_text(text, "x.yaml", variables={"X": "1"}, now=NOW)
    assert all(p.source.path == "x.yaml" for p in problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents, min_size=1, max_size=3))
def test_any_task_shaped_document(docs: list[dict[str, object]]) -> None:
    text = yaml.safe_dump_all(docs)
    specs, problems, _ = loader.load_text(text, "x.yaml", variables={"X": "1", "Y": "s"}, now=NOW)
    # Every document either became a spec or was explained by at least one error.
    assert len(specs) <= len(docs)
    if len(specs) < len(docs):
        assert any(p.severity.value == "error" for p in problems)
