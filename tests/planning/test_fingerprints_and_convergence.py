"""Fingerprints; convergence (a plan after applying the desired fields is empty); purity."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.model import CronFields, RemoteTask, TaskSpec
from reconciler.planning.plan import Action, Change
from reconciler.planning.planner import desired_fingerprint, make_plan, observed_fingerprint
from tests.planning.conftest import options, remote, remote_from, remote_of, spec, state

MARK = "[reconciler] "


def test_observed_fingerprint_is_order_independent_and_sensitive() -> None:
    a, b = remote("[reconciler] a", id="t1"), remote("[reconciler] b", id="t2")
    assert observed_fingerprint([a, b], mark=MARK) == observed_fingerprint([b, a], mark=MARK)
    for changed in (replace(a, active=False), replace(a, title="[reconciler] z"), replace(a, parameters_json='{"x":{"y":1}}'),
                    replace(a, end_date=1), replace(a, schedule=replace(a.schedule, hour="3")), replace(a, task_state="x"),
                    replace(a, title="a")):
        assert observed_fingerprint([changed, b], mark=MARK) != observed_fingerprint([a, b], mark=MARK)


def test_no_parameter_value_of_the_portal_can_be_recovered_from_the_observed_fingerprint() -> None:
    # An unsalted sha256 over the portal's parameters let a word list recover a secret, also one
    # whose task file was removed (so nothing says it was secret).
    a = remote("[reconciler] a", parameters_json='{"api_key":"hunter2","conn":{"x":"s3cret"}}',
               task_url="https://gis.example.com/server/rest/services/T/GPServer/T?token=zebra-secret")
    guesses = [replace(a, parameters_json=json.dumps({"api_key": g, "conn": {"x": "s3cret"}}),
                       task_url=(a.task_url or "").replace("zebra-secret", g)) for g in ("letmein", "hunter2", "zebra")]
    assert all(observed_fingerprint([g], mark=MARK) == observed_fingerprint([a], mark=MARK) for g in guesses)
    renamed_key = replace(a, parameters_json='{"api_key":"hunter2","conn":{"y":"s3cret"}}')
    assert observed_fingerprint([renamed_key], mark=MARK) != observed_fingerprint([a], mark=MARK)


def test_observed_fingerprint_ignores_run_bookkeeping() -> None:
    a = remote("[reconciler] a")
    fired = replace(a, last_start=5, next_start=9, run_interval_seconds=60, updated=7)
    assert observed_fingerprint([fired], mark=MARK) == observed_fingerprint([a], mark=MARK)


def test_observed_fingerprint_covers_only_managed_tasks() -> None:
    managed, hand = remote("[reconciler] a", id="t1"), remote("by hand", id="t2")
    other_mark = remote("(gitops) a", id="t3")
    expected = observed_fingerprint([managed], mark=MARK)
    for unmanaged in (hand, replace(hand, active=False, parameters_json='{"x":1}'), other_mark):
        assert observed_fingerprint([managed, unmanaged], mark=MARK) == expected
    assert observed_fingerprint([managed, other_mark], mark="(gitops) ") != observed_fingerprint([managed], mark="(gitops) ")


def test_a_change_to_an_unmanaged_task_keeps_a_saved_plan_fresh() -> None:
    s = spec()
    hand = remote("by hand", id="h1")
    before = make_plan([s], state(hand), options())
    after = make_plan([s], state(replace(hand, title="renamed by hand", active=False)), options())
    assert after.observed == before.observed and after.changes == before.changes
    assert after.unmanaged != before.unmanaged  # still listed, so the plan shows it


def test_desired_fingerprint_is_order_independent_and_sensitive() -> None:
    a, b = spec(name="a"), spec(name="b")
    assert desired_fingerprint([a, b]) == desired_fingerprint([b, a])
    for changed in (replace(a, enabled=False), replace(a, owner="bob"), replace(a, max_occurrences=3),
                    replace(a, parameters_json='{"x":{"y":1}}'), replace(a, previous_names=("z",))):
        assert desired_fingerprint([changed, b]) != desired_fingerprint([a, b])


def test_desired_fingerprint_does_not_depend_on_secret_values() -> None:
    # The plan file carries it; an unsalted hash of a weak secret could be brute-forced offline.
    yaml = "task_url: ${secret:U}\nitem_id: ${secret:I}\nparameters:\n  token: ${secret:T}\n  conn: {pw: 'x${secret:T}'}\n"
    one = spec(yaml, variables={"T": "s3cret-one", "U": "https://a/arcgis/rest/services/X/GPServer/x", "I": "0" * 32})
    two = spec(yaml, variables={"T": "s3cret-two", "U": "https://b/arcgis/rest/services/Y/GPServer/y", "I": "1" * 32})
    assert desired_fingerprint([one]) == desired_fingerprint([two])
    plain = spec("parameters:\n  token: s3cret-one\n  conn: {pw: xs3cret-one}\n", task_url="https://a/arcgis/rest/services/X/GPServer/x")
    assert desired_fingerprint([plain]) != desired_fingerprint([one])  # which paths are secret still counts


def test_a_changed_secret_still_shows_as_an_update_when_the_portal_holds_the_old_one() -> None:
    yaml = "parameters:\n  token: ${secret:T}\n"
    old, new = spec(yaml, variables={"T": "s3cret-one"}), spec(yaml, variables={"T": "s3cret-two"})
    saved = make_plan([old], state(remote_of(old)), options())
    current = make_plan([new], state(remote_of(old)), options())
    assert saved.desired == current.desired and saved.observed == current.observed
    assert saved.changes == () and [c.action for c in current.changes] == [Action.UPDATE]


def test_desired_fingerprint_ignores_file_positions() -> None:
    a = spec()
    assert desired_fingerprint([a]) == desired_fingerprint([replace(a, source=replace(a.source, line=40))])


# Spellings the portal might hand back for what we sent (meaning kept).
_RESPELL = {
    "minute": {"*": "*/1", "0/15": "0,15,30,45", "*/5": "0/5"},
    "hour": {"*": "*/1"},
    "month": {"1,7": "JAN,JUL", "*": "1-12"},
    "day_of_week": {"MON-FRI": "2-6", "6#3": "FRI#3"},
}

schedules = st.sampled_from(['"0 30 2 * * ?"', '"0 */5 * * * ?"', '"0 0 4 ? * MON-FRI"', '"0 0/15 * * * ?"',
                             '"0 0 0 1 JAN,JUL ?"', '"0 0 12 L * ?"', '"0 15 10 ? * 6#3"'])
leaf = st.one_of(st.integers(-5, 5), st.booleans(), st.sampled_from(["a", "B", "", "{x}"]), st.none())
params = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.one_of(leaf, st.dictionaries(st.sampled_from(["x", "y"]), leaf)))


@st.composite
def task_specs(draw: st.DrawFn, name: str) -> TaskSpec:
    yaml = f"name: {name}\nschedule: {draw(schedules)}\nparameters: {json.dumps(draw(params))}\n"
    if draw(st.booleans()):
        yaml += f"max_occurrences: {draw(st.integers(1, 500))}\n"
    if draw(st.booleans()):
        yaml += 'start: "2030-02-01T00:00:00+02:00"\n'
    if draw(st.booleans()):
        yaml += 'end: "2031-01-01T00:00:00Z"\n'
    yaml += f"enabled: {str(draw(st.booleans())).lower()}\n"
    return spec(yaml)


def _apply(plan_changes: tuple[Change, ...], tasks: dict[str, RemoteTask], respell: bool) -> dict[str, RemoteTask]:
    """What a portal holds after apply: desired fields written (maybe respelled), toggles done."""
    out = dict(tasks)
    for change in plan_changes:
        key = change.task_id or f"id-{change.owner}-{change.name}"
        if change.action is Action.DELETE:
            out.pop(key)
            continue
        current = out.get(key)
        if change.desired is not None:
            fields = change.desired
            if respell:
                cron = fields.schedule
                spelled = {f: _RESPELL.get(f, {}).get(getattr(cron, f), getattr(cron, f))
                           for f in ("minute", "hour", "day_of_month", "month", "day_of_week")}
                fields = replace(fields, schedule=CronFields(**spelled))
                fields = replace(fields, parameters_json=json.dumps(json.loads(fields.parameters_json), sort_keys=False))
            current = remote_from(fields, id=key, owner=change.owner)
        assert current is not None
        if Action.ENABLE in change.actions:
            current = replace(current, active=True, task_state="active")
        if Action.DISABLE in change.actions:
            current = replace(current, active=False, task_state="paused")
        out[key] = current
    return out


@settings(max_examples=60, deadline=None)
@given(
    before=st.lists(task_specs("t"), max_size=1),
    after=st.tuples(task_specs("t"), task_specs("u")),
    respell=st.booleans(),
)
def test_applying_a_plan_converges(before: list[TaskSpec], after: tuple[TaskSpec, TaskSpec], respell: bool) -> None:
    portal: dict[str, RemoteTask] = {}
    if before:
        portal = _apply(make_plan(before, state(), options()).changes, portal, respell)
    wanted = list(after)
    plan = make_plan(wanted, state(*portal.values()), options())
    assert not plan.errors
    portal = _apply(plan.changes, portal, respell)
    again = make_plan(wanted, state(*portal.values()), options())
    assert again.is_empty, again.changes
    assert sorted(again.unchanged) == ["t", "u"]
