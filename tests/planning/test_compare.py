"""Comparison by meaning: equivalent spellings never make an update; secrets are masked."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.instants import to_ms
from reconciler.masking import SECRET_MASK
from reconciler.model import CronFields
from reconciler.planning.compare import field_changes
from reconciler.planning.desired import desired_fields
from reconciler.planning.plan import Action, FieldChange
from reconciler.planning.planner import make_plan
from tests.planning.conftest import NOW, options, remote_of, spec, state


@pytest.mark.parametrize(
    ("declared", "stored"),
    [
        ('"0 30 2 ? * MON-FRI"', CronFields(minute="30", hour="2", day_of_month="?", month="*", day_of_week="2-6")),
        ('"0 */1 * * * ?"', CronFields(minute="*", hour="*", day_of_month="*", month="*", day_of_week="?")),
        ('"0 0 4 ? * sat"', CronFields(minute="0", hour="4", day_of_month="?", month="*", day_of_week="7")),
        ('"0 0 0 1 jan,jul ?"', CronFields(minute="0", hour="0", day_of_month="1", month="1,7", day_of_week="?")),
        ('"0 0 12 * * ?"', CronFields(minute="0", hour="12", day_of_month="?", month="*", day_of_week="*")),
        ('"0 0/15 * * * ?"', CronFields(minute="0,15,30,45", hour="*", day_of_month="*", month="*", day_of_week="?")),
    ],
)
def test_equivalent_cron_spellings_are_unchanged(declared: str, stored: CronFields) -> None:
    s = spec(f"schedule: {declared}\n")
    plan = make_plan([s], state(replace(remote_of(s), schedule=stored)), options())
    assert plan.is_empty, plan.changes


def test_parameter_key_order_and_numbers() -> None:
    s = spec("parameters:\n  b: {y: 1, x: 2.0}\n  a: [1, 2]\n")
    stored = replace(remote_of(s), parameters_json='{"a":[1,2],"b":{"x":2,"y":1.0}}')
    assert make_plan([s], state(stored), options()).is_empty


def test_json_string_parameter_equals_the_object() -> None:
    s = spec("parameters:\n  in_features: {url: x, filter: {a: 1}}\n")
    stored = replace(remote_of(s), parameters_json=json.dumps({"in_features": json.dumps({"filter": {"a": 1}, "url": "x"})}))
    assert make_plan([s], state(stored), options()).is_empty


def test_json_string_parameter_that_differs_shows_the_leaf() -> None:
    s = spec("parameters:\n  in_features: {url: y}\n")
    stored = replace(remote_of(s), parameters_json=json.dumps({"in_features": '{"url": "x"}'}))
    (change,) = make_plan([s], state(stored), options()).changes
    assert change.fields == (FieldChange(path="parameters.in_features.url", before="x", after="y"),)


def _parameter_changes(declared: str, stored: str) -> tuple[FieldChange, ...]:
    s = spec(f"parameters: {declared}\n")
    return field_changes(desired_fields(s), replace(remote_of(s), parameters_json=stored))


def test_true_is_not_one() -> None:
    assert _parameter_changes("{a: true}", '{"a":1}') == (FieldChange(path="parameters.a", before=1, after=True),)
    assert _parameter_changes("{a: 1}", '{"a":1.0}') == ()


def test_plain_strings_are_not_parsed() -> None:
    assert _parameter_changes("{a: 5}", '{"a":"5"}') == (FieldChange(path="parameters.a", before="5", after=5),)


def test_iso_dates_equal_epoch_ms() -> None:
    s = spec('start: "2031-01-01T01:00:00+01:00"\nend: "2032-06-01T00:00:00Z"\n')
    stored = replace(remote_of(s), start_date=1924992000000, end_date=1969660800000)
    assert make_plan([s], state(stored), options()).is_empty


def test_missing_start_equals_a_past_portal_start_but_not_a_future_one() -> None:
    s = spec()
    now_ms = to_ms(NOW)
    assert now_ms is not None
    past = replace(remote_of(s), start_date=now_ms - 1000)
    assert make_plan([s], state(past), options()).is_empty
    future = replace(remote_of(s), start_date=now_ms + 86_400_000)
    (change,) = make_plan([s], state(future), options()).changes
    assert change.fields == (FieldChange(path="start", before="2030-01-08T12:00:00Z", after=None),)


def test_unlimited_empty_item_and_trailing_slash() -> None:
    s = spec()
    stored = replace(remote_of(s), max_occurrences=None, item_id="", task_url=f"{s.task_url}/")
    assert make_plan([s], state(stored), options()).is_empty


def test_url_host_case_is_ignored_but_path_case_is_not() -> None:
    s = spec()
    assert s.task_url is not None
    upper_host = replace(remote_of(s), task_url=s.task_url.replace("gis.example.com", "GIS.Example.com"))
    assert make_plan([s], state(upper_host), options()).is_empty
    other = replace(remote_of(s), task_url=s.task_url.replace("Buffer/GPServer", "buffer/GPServer"))
    assert [f.path for f in make_plan([s], state(other), options()).changes[0].fields] == ["task_url"]


def test_type_and_title_changes() -> None:
    s = spec()
    stored = replace(remote_of(s), task_type="ExecuteNotebook")
    assert make_plan([s], state(stored), options()).changes[0].fields == (
        FieldChange(path="type", before="ExecuteNotebook", after="GPService"),
    )


def test_added_and_removed_parameters_are_leaves() -> None:
    s = spec("parameters:\n  keep: 1\n  new: {a: 1}\n")
    stored = replace(remote_of(s), parameters_json='{"keep":1,"old":[1]}')
    (change,) = make_plan([s], state(stored), options()).changes
    assert change.fields == (
        FieldChange(path="parameters.new", before=None, after={"a": 1}),
        FieldChange(path="parameters.old", before=[1], after=None),
    )


def test_list_items_have_indexed_paths() -> None:
    s = spec("parameters:\n  layers: [{id: 1}, {id: 3}]\n")
    stored = replace(remote_of(s), parameters_json='{"layers":[{"id":1},{"id":2}]}')
    (change,) = make_plan([s], state(stored), options()).changes
    assert change.fields == (FieldChange(path="parameters.layers[1].id", before=2, after=3),)


SECRET_YAML = "parameters:\n  token: ${secret:TOKEN}\n  conn: {user: u, password: '${secret:PW}'}\n  distance: 5\n"


def test_changed_secret_is_detected_but_masked() -> None:
    old = spec(SECRET_YAML, variables={"TOKEN": "old-token-1", "PW": "pw-1"})
    new = spec(SECRET_YAML, variables={"TOKEN": "new-token-2", "PW": "pw-1"})
    (change,) = make_plan([new], state(remote_of(old)), options()).changes
    assert change.fields == (FieldChange(path="parameters.token", before=SECRET_MASK, after=SECRET_MASK, secret=True),)
    assert change.desired is not None
    assert "new-token-2" in change.desired.parameters_json  # apply sends it; views never show `desired`


def test_secret_inside_an_added_value_is_masked_in_place() -> None:
    new = spec(SECRET_YAML, variables={"TOKEN": "t0ken", "PW": "pw-1"})
    stored = replace(remote_of(new), parameters_json='{"distance":5,"token":"t0ken"}')
    (change,) = make_plan([new], state(stored), options()).changes
    assert change.fields == (
        FieldChange(path="parameters.conn", before=None, after={"user": "u", "password": SECRET_MASK}, secret=True),
    )


def test_create_masks_secrets() -> None:
    new = spec(SECRET_YAML, variables={"TOKEN": "t0ken", "PW": "pw-1"})
    (change,) = make_plan([new], state(), options()).changes
    shown = repr(change.fields)
    assert "t0ken" not in shown and "pw-1" not in shown
    assert FieldChange(path="parameters.token", before=None, after=SECRET_MASK, secret=True) in change.fields


def test_unchanged_secret_is_no_change() -> None:
    s = spec(SECRET_YAML, variables={"TOKEN": "t", "PW": "p"})
    assert make_plan([s], state(remote_of(s)), options()).is_empty


def test_field_changes_ignore_active() -> None:
    s = spec()
    fields = desired_fields(s, mark="[reconciler] ")
    assert field_changes(replace(fields, active=False), remote_of(s)) == ()


def test_no_update_when_only_activity_differs() -> None:
    s = spec()
    (change,) = make_plan([s], state(remote_of(s, active=False)), options()).changes
    assert change.actions == (Action.ENABLE,) and change.fields == ()


# A secret with characters that JSON and HTML escape, so no view can find it by its raw text.
HARD_SECRET = 'p|a*s<s>w"o\\rd_Ü'


def _escaped_forms(secret: str) -> list[str]:
    from html import escape as html_escape

    return [secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], html_escape(secret),
            "".join(f"&#{ord(c)};" if c in "\\`*_[]<>&|~@$" else c for c in secret)]


def test_a_secret_moved_to_another_key_is_masked_in_the_plan_and_every_view() -> None:
    from reconciler.render import FORMATS, render

    new = spec("parameters:\n  new_key: ${secret:PW}\n", variables={"PW": HARD_SECRET})
    stored = replace(remote_of(new), parameters_json=json.dumps({"old_key": HARD_SECRET}))
    plan = make_plan([new], state(stored), options())
    (change,) = plan.changes
    assert change.fields == (
        FieldChange(path="parameters.new_key", before=None, after=SECRET_MASK, secret=True),
        FieldChange(path="parameters.old_key", before=SECRET_MASK, after=None),
    )
    for fmt in FORMATS:
        shown = render(plan, fmt)
        assert not any(form in shown for form in _escaped_forms(HARD_SECRET)), fmt


def test_secret_values_passed_in_options_are_masked_anywhere_case_insensitively() -> None:
    s = spec("parameters:\n  conn: {user: u}\n")
    stored = replace(remote_of(s), parameters_json=json.dumps(
        {"conn": {"user": "u", "pw": "Hunter2-X"}, "url": "https://h/x?token=HUNTER2-x&f=json"}
    ))
    (change,) = make_plan([s], state(stored), options(secret_values=("hunter2-x",))).changes
    assert change.fields == (
        FieldChange(path="parameters.conn.pw", before=SECRET_MASK, after=None),
        FieldChange(path="parameters.url", before=f"https://h/x?token={SECRET_MASK}&f=json", after=None),
    )


def test_secret_values_inside_json_values_and_keys_are_masked() -> None:
    s = spec()
    stored = replace(remote_of(s), parameters_json=json.dumps({"gone": {"hunter2": ["a", "hunter2"]}}))
    (change,) = make_plan([s], state(stored), options(secret_values=("hunter2",))).changes
    assert change.fields == (FieldChange(path="parameters.gone", before={SECRET_MASK: ["a", SECRET_MASK]}, after=None),)


def test_secret_values_are_masked_in_diagnostics() -> None:
    from tests.planning.test_checks import BUFFER

    s = spec("parameters:\n  in_features: {url: x}\n  dissolve: hunter2\n")
    plan = make_plan([s], state(gp_tasks={s.task_url: BUFFER}), options(secret_values=("hunter2",)))
    assert [d.message for d in plan.errors] == ["parameter 'dissolve': '(secret)' is not one of the service's choices"]


def test_secret_values_are_not_in_the_options_repr() -> None:
    assert "hunter2" not in repr(options(secret_values=("hunter2",)))


def test_a_sub_second_change_of_start_or_end_shows_the_milliseconds() -> None:
    s = spec('start: "2031-01-01T00:00:00.500Z"\nend: "2032-01-01T00:00:00Z"\n')
    stored = replace(remote_of(s), start_date=1924992000000, end_date=1956528000250)
    (change,) = make_plan([s], state(stored), options()).changes
    assert change.fields == (
        FieldChange(path="start", before="2031-01-01T00:00:00Z", after="2031-01-01T00:00:00.500Z"),
        FieldChange(path="end", before="2032-01-01T00:00:00.250Z", after="2032-01-01T00:00:00Z"),
    )


def test_a_secret_holding_json_or_a_number_is_masked_where_the_portal_holds_it_parsed() -> None:
    creds = '{"user": "svc", "password": "pw-9"}'
    s = spec("parameters:\n  new_creds: ${secret:C}\n  pin: ${secret:P}\n", variables={"C": creds, "P": "48151623"})
    stored = replace(remote_of(spec()), parameters_json=json.dumps({"creds": json.loads(creds), "old_pin": 48151623}))
    (change,) = make_plan([s], state(stored), options()).changes
    assert [(f.path, f.before) for f in change.fields if f.before is not None] == [
        ("parameters.creds", SECRET_MASK), ("parameters.old_pin", SECRET_MASK)
    ]


_NO_SURROGATES = st.characters(blacklist_categories=("Cs",))  # type: ignore[arg-type]
secret_texts = st.text(_NO_SURROGATES, min_size=1, max_size=12).filter(
    lambda t: t.strip() and t.lower() not in ("k", "plain")  # keys and the plain value are not secret
)


@settings(max_examples=80, deadline=None)
@given(secret=secret_texts)
def test_any_secret_value_is_masked_wherever_it_shows_in_the_fields(secret: str) -> None:
    old = {"old": secret, "nested": {"k": [secret, "plain"]}}
    stored = replace(remote_of(spec()), parameters_json=json.dumps(old))
    (change,) = make_plan([spec()], state(stored), options(secret_values=(secret,))).changes
    assert [(f.path, f.before) for f in change.fields] == [
        ("parameters.nested", {"k": [SECRET_MASK, "plain"]}),
        ("parameters.old", SECRET_MASK),
    ]


def test_a_credential_named_parameter_is_masked_even_when_the_file_stops_marking_it_secret() -> None:
    # The file had `token: ${secret:T}`; now it holds a plain value. The portal still holds the
    # production secret, and the plan is posted on the pull request.
    s = spec("parameters:\n  token: plain-now\n  auth: {user: svc, password: pw-new}\n  note: visible\n")
    stored = replace(remote_of(spec()), parameters_json=json.dumps(
        {"token": "prod-secret-1", "auth": {"user": "svc", "password": "prod-pw"}, "note": "old"}))
    (change,) = make_plan([s], state(stored), options()).changes
    shown = {f.path: (f.before, f.after, f.secret) for f in change.fields}
    assert shown["parameters.token"] == (SECRET_MASK, SECRET_MASK, True)
    assert shown["parameters.auth.password"] == (SECRET_MASK, SECRET_MASK, True)
    assert shown["parameters.note"] == ("old", "visible", False)
    assert "prod-secret-1" not in repr(change.fields) and "prod-pw" not in repr(change.fields)
