"""A large value (a FeatureSet parameter of megabytes) is cut short in the text and Markdown views
with its size and a pointer to the JSON view; the JSON view keeps it whole; secrets stay masked."""

from __future__ import annotations

import json

import pytest

from reconciler.masking import SECRET_MASK
from reconciler.planning.plan import Action, Change, FieldChange, Plan
from reconciler.render import render
from tests.render.conftest import DESIRED_SECRET, desired, make_plan
from tests.render.test_golden import SUFFIX, check


def feature_set(count: int) -> dict[str, object]:
    return {"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 4326},
            "features": [{"geometry": {"x": i, "y": -i}, "attributes": {"OBJECTID": i, "NAME": f"site {i}"}}
                         for i in range(count)]}


def plan_with(after: object, before: object = None) -> Plan:
    fields = (FieldChange(path="parameters.in_features", before=before, after=after),
              FieldChange(path="parameters.token", before=SECRET_MASK, after=SECRET_MASK, secret=True))
    change = Change(name="big-input", owner="publisher", actions=(Action.UPDATE if before else Action.CREATE,),
                    task_id="t1" if before else None, desired=desired("[reconciler] big-input"), fields=fields)
    return make_plan(changes=(change,))


@pytest.mark.parametrize("fmt", SUFFIX)
def test_large_values_golden(fmt: str) -> None:
    check("large", fmt, render(plan_with(feature_set(40), before=feature_set(39)), fmt))


def test_a_megabytes_value_is_a_line_with_its_size() -> None:
    big = feature_set(60_000)
    size = len(json.dumps(big, ensure_ascii=False).encode("utf-8"))
    assert size > 5_000_000
    plan = plan_with(big)
    text = render(plan, "text")
    assert len(text) < 2_000
    head = json.dumps(big, ensure_ascii=False)[:200]
    assert f"    + parameters.in_features: {head}… ({size / 1e6:.1f} MB; see --format json)" in text.splitlines()
    assert f"+ parameters.in_features: {head}… ({size / 1e6:.1f} MB; see --format json)" in render(plan, "markdown")
    assert json.loads(render(plan, "json"))["changes"][0]["fields"][0]["after"] == big
    for fmt in SUFFIX:
        assert DESIRED_SECRET not in render(plan, fmt)
    assert "+ parameters.token: (secret)" in text


def test_a_value_at_the_limit_is_shown_whole() -> None:
    text = "x" * 1_998  # 2,000 characters as JSON, quotes included
    assert f'"{text}"' in render(plan_with(text), "text")
    assert '"x…' not in render(plan_with(text), "text")
    assert '"xxx' in render(plan_with(text + "x"), "text") and "… (2.0 kB; see --format json)" in render(
        plan_with(text + "x"), "text")
