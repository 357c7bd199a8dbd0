"""The render registry: every format renders every plan; unknown formats are refused."""

from __future__ import annotations

import json

import pytest

from reconciler.planning.plan import Plan
from reconciler.render import FORMATS, render
from tests.render.conftest import make_plan


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_full_plan(full_plan: Plan, fmt: str) -> None:
    assert "nightly-buffer" in render(full_plan, fmt)


def test_json_view_is_the_canonical_dict(full_plan: Plan) -> None:
    from reconciler.render.plan_json import plan_to_dict

    assert json.loads(render(full_plan, "json")) == plan_to_dict(full_plan)


def test_an_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown plan format 'yaml'"):
        render(make_plan(), "yaml")
