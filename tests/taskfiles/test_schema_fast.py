"""The compiled fast path of schema checks (issue 14) never accepts what jsonschema refuses.

schema.check asks fastjsonschema first and skips jsonschema when it says "valid"; a document it
wrongly accepted would reach the portal unchecked. These tests pin the two safety conditions: the
schemas use only keywords draft 7 reads as 2020-12 does, and on generated documents (valid ones
and near misses of every field) "fast says valid" implies "jsonschema finds nothing".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.taskfiles import schema

# Keywords whose meaning is the same in draft 7 and 2020-12 (annotations included). `$ref` with
# siblings, `items` as a list, `prefixItems`, `unevaluated*`, `dependentRequired` ... are not.
SAME_IN_DRAFT_7 = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "default", "examples", "type", "enum", "const",
    "properties", "additionalProperties", "required", "propertyNames", "items", "minItems", "maxItems",
    "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minProperties", "maxProperties", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    "multipleOf", "$comment", "deprecated", "readOnly", "writeOnly",
}
NAMED_CHILDREN = ("properties", "$defs", "patternProperties")  # their keys are names, not keywords


def _keywords(node: Any, found: set[str], refs_with_siblings: list[str], where: str = "") -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            _keywords(item, found, refs_with_siblings, f"{where}/{i}")
        return
    if not isinstance(node, dict):
        return
    found.update(node)
    if "$ref" in node and set(node) - {"$ref", "description", "title", "examples", "default", "$comment"}:
        refs_with_siblings.append(where)
    for key, value in node.items():
        if key in NAMED_CHILDREN and isinstance(value, dict):
            for name, child in value.items():
                _keywords(child, found, refs_with_siblings, f"{where}/{key}/{name}")
        elif key not in ("examples", "default", "enum", "const") and isinstance(value, (dict, list)):
            _keywords(value, found, refs_with_siblings, f"{where}/{key}")


def test_schemas_use_only_keywords_draft_7_reads_the_same() -> None:
    for name in (schema.SCHEMA_FILE, schema.PROJECT_SCHEMA_FILE):
        found: set[str] = set()
        refs_with_siblings: list[str] = []
        _keywords(schema.load_schema(name), found, refs_with_siblings)
        assert found - SAME_IN_DRAFT_7 == set(), name
        assert refs_with_siblings == [], f"{name}: draft 7 ignores keywords beside $ref"


VALID = {
    "name": "nightly-buffer",
    "task_url": "https://gis.example.com/server/rest/services/Samples/Buffer/GPServer/Buffer",
    "parameters": {"in_features": {"url": "https://gis.example.com/x"}, "distance": 5},
    "schedule": "0 0 2 ? * MON-FRI",
}


def test_shipped_examples_take_the_fast_path() -> None:
    """Else the fast path would be dead code and the other tests would pass for nothing."""
    root = Path(__file__).resolve().parents[2]
    documents = [doc for path in sorted((root / "tasks.d").rglob("*.yaml"))
                 for doc in yaml.safe_load_all(path.read_text()) if doc]
    assert documents
    for doc in documents:
        doc["task_url"] = "https://gis.example.com/server/rest/services/Samples/Buffer/GPServer/Buffer"
        assert schema.check(doc) == []
    assert schema.fast_valid(VALID)
    assert schema.fast_valid(yaml.safe_load((root / "reconciler.yaml").read_text()), schema.PROJECT_SCHEMA_FILE)


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([
        "", " ", "x", "abc\n", "nightly-buffer\n", "0 0 2 ? * MON-FRI", "0 0 2 * * ?", "GPService", "gpservice",
        "ExecuteReport", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z\n", "2027-01-01", "a" * 101, "a" * 100,
        "https://h/server/rest/services/S/GPServer/T", "https://h/server/rest/services/S/GPServer/T\n",
        "ftp://h/rest/services/S/GPServer/T", "0123456789abcdef0123456789abcdef",
        "0123456789abcdef0123456789abcdeF", "publisher", "*", "?", "MON", "1.0",
    ]),
    st.lists(st.sampled_from(["old", "old", "a b", "", 1, True, None]), max_size=3),
    st.dictionaries(st.sampled_from(["minute", "hour", "day_of_month", "month", "day_of_week", "x", "url"]),
                    st.sampled_from(["0", "2", "?", "*", "MON", 0, 2, True, None, ""]), max_size=6),
)
FIELDS = [*schema.task_schema()["properties"], "unknown_field", "Name"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), ODD_VALUES, max_size=4), st.sets(st.sampled_from(list(VALID)),
                                                                                  max_size=2))
def test_fast_valid_never_accepts_what_jsonschema_refuses(changes: dict[str, Any], dropped: set[str]) -> None:
    document = {key: value for key, value in {**VALID, **changes}.items() if key not in dropped}
    if schema.fast_valid(document):
        assert _jsonschema_errors(document) == [], document


def test_a_name_ending_in_a_newline_is_refused_both_ways() -> None:
    """ECMA-262 "$" is the end of the text; Python's also matches before a final newline."""
    document = {**VALID, "name": "nightly-buffer\n"}
    assert not schema.fast_valid(document)
    assert [p.path for p in schema.check(document)] == [("name",)]


def _jsonschema_errors(document: Any) -> list[str]:
    """jsonschema alone, as check() uses it when the fast path says no."""
    validator = schema._validator(schema.SCHEMA_FILE)
    return [error.message for error in validator.iter_errors(document)]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["project", "owner", "tasks", "on_remove", "variables", "mass_delete",
                                        "environments", "adopt_mark", "x"]), ODD_VALUES, max_size=4))
def test_project_fast_path_never_accepts_what_jsonschema_refuses(changes: dict[str, Any]) -> None:
    document = {"project": "gis-prod", **changes}
    if schema.fast_valid(document, schema.PROJECT_SCHEMA_FILE):
        validator = schema._validator(schema.PROJECT_SCHEMA_FILE)
        assert list(validator.iter_errors(document)) == [], document


def test_a_check_leaves_the_document_as_written() -> None:
    # fastjsonschema writes a schema's defaults (type, enabled, parameters...) into what it checks
    # unless told not to; the loader's data, and what jsonschema sees after a refusal, must not change.
    valid = {"name": "n", "task_url": "https://gp.example.com/server/rest/services/S/GPServer/T",
             "schedule": "0 0 2 ? * MON-FRI"}
    invalid = {"name": "n", "schedule": 5}
    for document in (valid, invalid):
        before = repr(document)
        schema.check(document)
        assert repr(document) == before
    assert schema.fast_valid(valid) and not schema.fast_valid(invalid)
