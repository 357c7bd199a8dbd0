"""A YAML syntax error is reported where the parser gave up, and says where the construct it was
reading began: an unclosed [ or " is often reported lines below it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=NOW)
    return [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("name: a\ntags: [a, b\nowner: x\n",
     "t.yaml:3:6: YAML syntax error: did not find expected ',' or ']'; the flow sequence opened at line 2, column 7"),
    ("name: a\nparameters: {x: 1\nowner: x\n",
     "t.yaml:3:6: YAML syntax error: did not find expected ',' or '}'; the flow mapping opened at line 2, column 13"),
    ('name: "a\n\nowner: x\n',
     "t.yaml:4:1: YAML syntax error: found unexpected end of stream; the quoted scalar opened at line 1, column 7"),
    ("parameters:\n  - x\n - y\n",
     "t.yaml:3:2: YAML syntax error: did not find expected key; the block mapping began at line 1, column 1"),
])
def test_the_error_says_where_the_construct_began(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_an_error_without_a_separate_start_keeps_the_parser_words(tmp_path: Path) -> None:
    assert problems(tmp_path, "name: a: b\n") == [
        "t.yaml:1:8: YAML syntax error: mapping values are not allowed in this context"]


@pytest.mark.parametrize("value", ["!!int x", "!!float many", "!!bool perhaps", "!!timestamp never"])
def test_a_value_its_explicit_tag_cannot_read_is_an_error_not_a_bug(tmp_path: Path, value: str) -> None:
    text = ('name: t\ntask_url: https://gis.example.com/server/rest/services/a/GPServer/b\nschedule: "0 0 2 * * ?"\n'
            f"max_occurrences: {value}\n")
    assert problems(tmp_path, text) == [
        f"t.yaml:4:18: {value!r} cannot be read as the type its tag names\n  hint: remove the !! tag, or write a "
        "value of that type"]
