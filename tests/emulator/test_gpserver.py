"""The federated server: services directory, GP task descriptions, jobs and results."""

from __future__ import annotations

import json
from typing import Any

import requests

from reconciler.emulator.server import Emulator
from tests.conftest import BUFFER, BUFFER_PARAMS, FAILS, SLOW

from .conftest import Client


def _get(url: str, **params: Any) -> Any:
    r = requests.get(url, params={"f": "json", **params}, timeout=10)
    assert r.status_code == 200
    return r.json()


def _submit(emu: Emulator, tool: str, **inputs: Any) -> Any:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in inputs.items()}
    return requests.post(emu.task_url(tool) + "/submitJob", data={"f": "json", **form}, timeout=10).json()


def test_services_directory(emu: Emulator) -> None:
    root = _get(emu.services_url)
    assert root["folders"] == ["Samples", "System"] and root["services"] == []
    samples = _get(emu.services_url + "/Samples")
    assert {"name": "Samples/Buffer", "type": "GPServer"} in samples["services"]
    assert {s["name"] for s in samples["services"]} == {"Samples/Buffer", "Samples/Slow", "Samples/AlwaysFails"}
    assert _get(emu.services_url + "/Nope")["error"]["code"] == 404
    service = _get(emu.services_url + "/Samples/Buffer/GPServer")
    assert service["tasks"] == ["Buffer"] and service["executionType"] == "esriExecutionTypeAsynchronous"


def test_task_parameter_description(emu: Emulator) -> None:
    task = _get(emu.task_url(BUFFER))
    params = {p["name"]: p for p in task["parameters"]}
    assert set(params) == {"in_features", "buffer_distance_or_field", "dissolve_option", "esri_out_feature_service_name", "out_feature_class"}
    assert params["in_features"]["dataType"] == "GPFeatureRecordSetLayer"
    assert params["in_features"]["parameterType"] == "esriGPParameterTypeRequired"
    assert params["dissolve_option"]["choiceList"] == ["NONE", "ALL"]
    assert params["out_feature_class"]["direction"] == "esriGPParameterDirectionOutput"
    assert _get(emu.services_url + "/Samples/Buffer/GPServer/Nope")["error"]["code"] == 400


def test_job_runs_on_the_emulator_clock(emu: Emulator, publisher: Client) -> None:
    submitted = _submit(emu, BUFFER, **BUFFER_PARAMS, esri_out_feature_service_name="buffers")
    assert submitted["jobStatus"] == "esriJobSubmitted" and submitted["jobId"].startswith("j")
    job_url = f"{emu.task_url(BUFFER)}/jobs/{submitted['jobId']}"
    assert _get(job_url)["results"] == {}
    publisher.clock(advance="1")
    assert _get(job_url)["jobStatus"] == "esriJobExecuting"
    publisher.clock(advance="1")
    job = _get(job_url, returnMessages="true")
    assert job["jobStatus"] == "esriJobSucceeded"
    assert job["results"] == {"out_feature_class": {"paramUrl": "results/out_feature_class"}}
    assert job["messages"][0] == {"type": "esriJobMessageTypeInformative", "description": "Submitted."}
    assert any("emulated, not created" in m["description"] for m in job["messages"])
    assert "messages" not in _get(job_url)
    result = _get(job_url + "/results/out_feature_class")
    assert result["dataType"] == "GPFeatureRecordSetLayer"
    ring = result["value"]["features"][0]["geometry"]["rings"][0]
    assert ring[0] == ring[-1] and len(ring) == 17


def test_get_submit_and_post_job_status(emu: Emulator) -> None:
    job = requests.get(emu.task_url(SLOW) + "/submitJob", params={"f": "json", "minutes": "1"}, timeout=10).json()
    status = requests.post(f"{emu.task_url(SLOW)}/jobs/{job['jobId']}", data={"f": "json"}, timeout=10).json()
    assert status["jobStatus"] == "esriJobSubmitted"


def test_failing_job_and_missing_result(emu: Emulator, publisher: Client) -> None:
    job_id = _submit(emu, FAILS, message="boom")["jobId"]
    publisher.clock(advance="5")
    job = _get(f"{emu.task_url(FAILS)}/jobs/{job_id}", returnMessages="true")
    assert job["jobStatus"] == "esriJobFailed"
    assert {"type": "esriJobMessageTypeError", "description": "ERROR 999999: boom"} in job["messages"]
    assert _get(f"{emu.task_url(BUFFER)}/jobs/{job_id}")["error"]["code"] == 400  # not this task's job
    assert _get(f"{emu.task_url(BUFFER)}/jobs/jnope")["error"]["code"] == 400


def test_result_before_success_and_unknown_output(emu: Emulator) -> None:
    job_id = _submit(emu, SLOW)["jobId"]
    assert _get(f"{emu.task_url(SLOW)}/jobs/{job_id}/results/result")["error"]["code"] == 400
    assert _get(f"{emu.task_url(SLOW)}/jobs/{job_id}/results/minutes")["error"]["code"] == 400


def test_invalid_input_is_refused_at_submit(emu: Emulator) -> None:
    answer = _submit(emu, BUFFER, **BUFFER_PARAMS, dissolve_option="SOMETIMES")
    assert answer["error"]["code"] == 400 and "dissolve_option" in answer["error"]["details"][0]


def test_cancel(emu: Emulator, publisher: Client) -> None:
    job_id = _submit(emu, SLOW)["jobId"]
    publisher.clock(advance="1")
    url = f"{emu.task_url(SLOW)}/jobs/{job_id}"
    assert requests.post(url + "/cancel", data={"f": "json"}, timeout=10).json()["jobStatus"] == "esriJobCancelled"
    assert _get(url)["jobStatus"] == "esriJobCancelled"


def test_non_finite_or_huge_numbers_do_not_break_a_job(emu: Emulator) -> None:
    for bad in ("inf", "-inf", "nan", "1e400"):
        body = _submit(emu, SLOW, minutes=bad)
        assert body["error"]["code"] == 400 and body["error"]["message"] == "Unable to complete operation.", bad
    # A huge but finite wait is capped (about 1,900 years), so its end time stays an epoch-ms integer.
    job = _submit(emu, SLOW, minutes="1e300")
    assert job["jobStatus"] == "esriJobSubmitted"
    client = Client(emu)
    assert client.clock(advance="60")["now"] > 0
    client.close()
