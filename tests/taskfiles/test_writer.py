"""reconciler import's writer: the file it writes reads back as the same task, and no credential
is ever written."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from reconciler.model import CronFields, RemoteTask
from reconciler.taskfiles.loader import load_text
from reconciler.taskfiles.writer import imported, name_for

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def task(**over: object) -> RemoteTask:
    values: dict = dict(id="abc123", owner="publisher", title="Nightly export", task_type="GPService",
                        schedule=CronFields(minute="0", hour="2", day_of_month="?", month="*", day_of_week="MON-FRI"),
                        parameters_json=json.dumps({"in": {"url": "https://x.example.com/0"}}), item_id=None,
                        task_url="https://gis.example.com/server/rest/services/T/GPServer/T", max_occurrences=-1,
                        start_date=None, end_date=1830297600000, active=True, task_state="active", created=None,
                        updated=None, last_start=None, next_start=None, run_interval_seconds=None)
    values.update(over)
    return RemoteTask(**values)


def test_names_are_safe_unique_and_bounded() -> None:
    assert name_for("Nightly parcels (v2)", set()) == "Nightly-parcels-v2"
    assert name_for("../../etc/passwd", set()) == "etc-passwd"
    assert name_for("***", set()) == "task"
    assert name_for("a b", {"a-b", "a-b-2"}) == "a-b-3"
    assert len(name_for("x" * 300, set(), longest=50)) <= 50
    assert name_for("case", {"Case"}) == "case-2", "one file on a case-insensitive checkout"
    assert name_for("CON", set()) == "CON-task" and name_for("nul.txt", set()) == "nul.txt-task"


def test_the_file_reads_back_as_the_same_task() -> None:
    written = imported(task(), name="nightly-export", default_owner="publisher", adopt=True)
    specs, problems, _ = load_text(written.text, "t.yaml", variables={}, now=NOW)
    assert problems == []
    (spec,) = specs
    assert (spec.name, spec.adopt_id, spec.schedule_text, spec.enabled) == ("nightly-export", "abc123",
                                                                             "0 0 2 ? * MON-FRI", True)
    assert spec.parameters == {"in": {"url": "https://x.example.com/0"}} and spec.max_occurrences is None
    assert spec.end is not None and spec.owner is None
    assert written.text.startswith("# Imported by `reconciler import` from portal task abc123 of publisher")


def test_credentials_and_variable_syntax_never_leak_into_the_file() -> None:
    token = "q8Xv2LmN4pRt7YwZ0aBcD3eFgH6iJkL9oPsTuV1xYz-_K5mQ"  # shaped like a portal token
    secret = task(owner="bob", parameters_json=json.dumps({"password": "hunter2", "deep": [{"key": token}],
                                                            "note": "costs ${center}", "itemid": "a" * 32}))
    written = imported(secret, name="t", default_owner="publisher", adopt=False)
    assert "hunter2" not in written.text and token not in written.text
    assert written.secrets == (("parameters.password", "IMPORTED_T_PASSWORD"), ("parameters.deep.0.key", "IMPORTED_T_DEEP_0_KEY"))
    specs, problems, _ = load_text(written.text, "t.yaml", variables={"IMPORTED_T_PASSWORD": "hunter2",
                                                                      "IMPORTED_T_DEEP_0_KEY": token}, now=NOW)
    assert problems == []
    assert specs[0].parameters == json.loads(secret.parameters_json), "the same values once the variables are set"
    assert specs[0].owner == "bob" and specs[0].adopt_id is None


def test_credentials_inside_longer_strings_become_references_in_place() -> None:
    values = {
        "url": "https://gis.example.com/server/rest/services/T/MapServer?f=json&token=tok-123&x=1",
        "sde": "SERVER=db1;DATABASE=gis;UID=loader;PWD=s3cr3t-pw;",
        "header": "Basic dXNlcjpodW50ZXIy",
        "json": json.dumps({"user": "loader", "passphrase": "open sesame", "password": 4711}),
        "dsn": "postgresql://loader:pg-pass@db.example.com:5432/gis",
        "keys": {"api_key": ["k-one", "k-two"]},
        "note": "costs ${center}",
    }
    written = imported(task(parameters_json=json.dumps(values)), name="t", default_owner="publisher", adopt=False)
    for clear in ("tok-123", "s3cr3t-pw", "dXNlcjpodW50ZXIy", "open sesame", "4711", "pg-pass", "k-one", "k-two"):
        assert clear not in written.text, clear
    assert written.refused == ()
    env = {}
    for (path, var), value in zip(written.secrets, ["tok-123", "s3cr3t-pw", "dXNlcjpodW50ZXIy", "open sesame", "4711",
                                                    "pg-pass", "k-one", "k-two"], strict=True):
        env[var] = value
        assert path.startswith("parameters.")
    specs, problems, _ = load_text(written.text, "t.yaml", variables=env, now=NOW)
    assert problems == []
    assert specs[0].parameters == values, "the same text once the variables are set"


def test_a_number_or_a_flag_at_a_credential_key_keeps_its_type() -> None:
    flags = imported(task(parameters_json=json.dumps({"use_token": True, "password": None})), name="t",
                     default_owner="publisher", adopt=False)
    assert flags.refused == () and flags.secrets == () and "use_token: true" in flags.text
    number = imported(task(parameters_json=json.dumps({"auth": {"password": 123456}})), name="t",
                      default_owner="publisher", adopt=False)
    assert "123456" in number.text  # not written by import: the task is refused
    assert number.refused and "parameters.auth.password" in number.refused[0]


def test_names_ids_and_data_are_not_taken_for_tokens() -> None:
    values = {"table": "gisowner.Parcels_2024_Final_Version_Updated.Boundaries",
              "hexid": "F3A9B2C4D5E6F7A8B9C0D1E2F3A4B5C6f3a9b2c4d5e6f7a8",
              "geometry": "AAAAAQAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/+3xYzQ0AAAAAAAAAA==",
              "where": "STATUS = 'ACTIVE' AND OWNER_TOKEN_COUNT = 3"}
    written = imported(task(parameters_json=json.dumps(values)), name="t", default_owner="publisher", adopt=False)
    assert written.secrets == ()


def test_the_forms_a_review_found_written_in_clear_are_references_now() -> None:
    pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    clear = {"db_pass": "dbp4ss", "Pass": "cap5", "pw": "pw6", "api-key": "hy7", "X-Api-Key": "xh8",
             "auth": "user:authD4", "sessionId": "sess9", "cookie": "session=ck10",
             "dsn": "user=scott pass=tiger8", "ora": "oracle://scott/tiger7@db",
             "py": "{'password': 'pyG9'}", "enc": "https://x.example.com/a%3Ftoken%3Dencsecret%26f%3Djson",
             "pem": pem, "aws": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
             "odbc": "DRIVER=x;PWD={br@ce;pw};UID=u;"}
    url = "https://gis.example.com/server/rest/services/T/GPServer/T?token=URLTOKENSECRET99"
    written = imported(task(parameters_json=json.dumps(clear), task_url=url), name="t", default_owner="publisher",
                       adopt=False)
    for secret in ("dbp4ss", "cap5", "pw6", "hy7", "xh8", "authD4", "sess9", "ck10", "tiger8", "tiger7", "pyG9",
                   "encsecret", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "wJalrXUtnFEMI", "br@ce", "URLTOKENSECRET99"):
        assert secret not in written.text, secret
    assert ("task_url", "IMPORTED_T_TASK_URL") in written.secrets
    assert written.refused == ()


def test_two_tasks_never_share_a_secret_variable() -> None:
    params = json.dumps({"in_features": {"token": "tok-a"}})
    first = imported(task(parameters_json=params), name="sync-db", default_owner="publisher", adopt=False)
    taken = frozenset(v for _, v in first.secrets) | {"IMPORTED_SYNC_DB_IN_FEATURES_TOKEN_2"}
    second = imported(task(parameters_json=params), name="sync_db", default_owner="publisher", adopt=False,
                      taken_variables=taken)
    ((_, one),), ((_, other),) = first.secrets, second.secrets
    assert one == "IMPORTED_SYNC_DB_IN_FEATURES_TOKEN" and other == "IMPORTED_SYNC_DB_IN_FEATURES_TOKEN_3"


def test_a_number_at_a_token_settings_key_is_written_as_it_is() -> None:
    written = imported(task(parameters_json=json.dumps({"token_expiration": 60, "session_timeout": 5})), name="t",
                       default_owner="publisher", adopt=False)
    assert written.refused == () and "token_expiration: 60" in written.text


def test_the_forms_a_second_review_found_are_references_now() -> None:
    clear = {
        "azure": "DefaultEndpointsProtocol=https;AccountName=gis;AccountKey=c2VjcmV0a2V5c2VjcmV0a2V5PT0==;EndpointSuffix=x",
        "s3": "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=5d672d79c15b13162d9279b0855c",
        "gh": "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "cli": "export.sh --user loader --password=cl1pass",
        "pg": "PGPASSWORD=pgs3cret psql -h db",
        "note": "password: n0tep4ss",
    }
    written = imported(task(parameters_json=json.dumps(clear)), name="t", default_owner="publisher", adopt=False)
    for secret in ("c2VjcmV0a2V5c2VjcmV0a2V5PT0", "5d672d79c15b13162d9279b0855c", "AKIDEXAMPLE",
                   "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "cl1pass", "pgs3cret", "n0tep4ss"):
        assert secret not in written.text, secret
    assert "AccountName=gis" in written.text and "psql -h db" in written.text, "only the credentials go"
