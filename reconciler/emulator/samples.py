"""The sample GP tools the emulated federated server hosts, and what each one computes.

Each tool runs for a fixed span of emulator time (virtual when the clock is virtual), then
succeeds or fails. The outcome is decided at submit time, so jobs are pure functions of their
inputs and the clock, and therefore deterministic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

INPUT = "esriGPParameterDirectionInput"
OUTPUT = "esriGPParameterDirectionOutput"
METERS_PER_UNIT = {
    "esriMeters": 1.0,
    "esriKilometers": 1000.0,
    "esriFeet": 0.3048,
    "esriMiles": 1609.344,
    "esriDecimalDegrees": 1.0,  # buffers in the input's units when nothing better is known [I]
}


@dataclass(frozen=True, kw_only=True)
class Param:
    name: str
    data_type: str
    required: bool = False
    direction: str = INPUT
    default: Any = None
    choices: tuple[str, ...] = ()
    description: str = ""

    def describe(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "dataType": self.data_type,
            "displayName": self.name.replace("_", " ").title(),
            "description": self.description,
            "direction": self.direction,
            "defaultValue": self.default,
            "parameterType": "esriGPParameterTypeRequired" if self.required else "esriGPParameterTypeOptional",
            "category": "",
        }
        if self.choices:
            data["choiceList"] = list(self.choices)
        return data


@dataclass(frozen=True, kw_only=True)
class Outcome:
    succeeded: bool
    results: dict[str, Any] = field(default_factory=dict)  # output param name -> value
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Tool:
    folder: str
    service: str
    name: str
    description: str
    params: tuple[Param, ...]
    run: Callable[[dict[str, Any]], Outcome]
    duration_s: Callable[[dict[str, Any]], float]
    system: bool = False  # a system service (e.g. spatial analysis): only admins may schedule it

    @property
    def key(self) -> str:
        return f"{self.folder}/{self.service}/GPServer/{self.name}"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def outputs(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.direction == OUTPUT)


def _circle(x: float, y: float, radius: float, points: int = 16) -> list[list[float]]:
    ring = [[x + radius * math.cos(2 * math.pi * i / points), y + radius * math.sin(2 * math.pi * i / points)]
            for i in range(points)]
    return ring + [ring[0]]


def _distance(value: Any) -> float:
    if isinstance(value, dict):
        return float(value.get("distance", 0)) * METERS_PER_UNIT.get(str(value.get("units", "esriMeters")), 1.0)
    return float(value)


def _run_buffer(inputs: dict[str, Any]) -> Outcome:
    features = inputs.get("in_features")
    distance = _distance(inputs.get("buffer_distance_or_field") or 0)
    found = features.get("features", []) if isinstance(features, dict) else []
    buffered = [
        {"attributes": {"OBJECTID": i + 1, "BUFF_DIST": distance},
         "geometry": {"rings": [_circle(float(f["geometry"]["x"]), float(f["geometry"]["y"]), distance)]}}
        for i, f in enumerate(found)
        if isinstance(f, dict) and isinstance(f.get("geometry"), dict) and "x" in f["geometry"]
    ]
    value = {
        "geometryType": "esriGeometryPolygon",
        "spatialReference": (features or {}).get("spatialReference", {"wkid": 4326}) if isinstance(features, dict) else {"wkid": 4326},
        "fields": [{"name": "OBJECTID", "type": "esriFieldTypeOID"}, {"name": "BUFF_DIST", "type": "esriFieldTypeDouble"}],
        "features": buffered,
    }
    messages = [f"Buffered {len(buffered)} feature(s) by {distance:g} m."]
    if inputs.get("esri_out_feature_service_name"):
        # A real server would create a hosted feature layer; the emulator only says so [I].
        messages.append(f"Output feature service '{inputs['esri_out_feature_service_name']}' (emulated, not created).")
    return Outcome(succeeded=True, results={"out_feature_class": value}, messages=tuple(messages))


def _run_slow(inputs: dict[str, Any]) -> Outcome:
    return Outcome(succeeded=True, results={"result": f"Slept {_slow_minutes(inputs):g} minute(s)."})


MAX_SLOW_MINUTES = 1e9  # ~1,900 years: keeps the job's end time a storable epoch-ms integer [I]


def _slow_minutes(inputs: dict[str, Any]) -> float:
    return min(max(float(inputs.get("minutes") or 10), 0.0), MAX_SLOW_MINUTES)


def _run_fail(inputs: dict[str, Any]) -> Outcome:
    reason = str(inputs.get("message") or "This tool always fails.")
    return Outcome(succeeded=False, messages=(f"ERROR 999999: {reason}", "Failed to execute (AlwaysFails)."))


_BUFFER_PARAMS = (
    Param(name="in_features", data_type="GPFeatureRecordSetLayer", required=True,
          description="Point features to buffer (a FeatureSet; {\"url\": ...} is accepted and yields no features)."),
    Param(name="buffer_distance_or_field", data_type="GPLinearUnit", required=True,
          default={"distance": 100, "units": "esriMeters"}, description="Buffer distance."),
    Param(name="dissolve_option", data_type="GPString", default="NONE", choices=("NONE", "ALL")),
    Param(name="esri_out_feature_service_name", data_type="GPString",
          description="Name of the hosted feature layer a real server would create."),
    Param(name="out_feature_class", data_type="GPFeatureRecordSetLayer", direction=OUTPUT),
)

TOOLS: tuple[Tool, ...] = (
    Tool(folder="Samples", service="Buffer", name="Buffer", description="Buffers point features (2 s).",
         params=_BUFFER_PARAMS, run=_run_buffer, duration_s=lambda _: 2.0),
    Tool(folder="Samples", service="Slow", name="Slow",
         description="Waits `minutes` (default 10) of emulator time, to exercise overlapping runs.",
         params=(Param(name="minutes", data_type="GPDouble", default=10),
                 Param(name="result", data_type="GPString", direction=OUTPUT)),
         run=_run_slow, duration_s=lambda inputs: _slow_minutes(inputs) * 60),
    Tool(folder="Samples", service="AlwaysFails", name="AlwaysFails", description="Fails after 1 s.",
         params=(Param(name="message", data_type="GPString"),),
         run=_run_fail, duration_s=lambda _: 1.0),
    Tool(folder="System", service="SpatialAnalysisTools", name="CreateBuffers",
         description="A system (spatial analysis) service: only administrators may schedule it.",
         params=_BUFFER_PARAMS, run=_run_buffer, duration_s=lambda _: 2.0, system=True),
)


def find_tool(path: str) -> Tool | None:
    """`path` is relative to /rest/services, e.g. `Samples/Buffer/GPServer/Buffer`."""
    return next((t for t in TOOLS if t.key == path.strip("/")), None)


def decode_input(param: Param, raw: Any) -> Any:
    """A submitted value as the tool sees it; JSON text for structured types. Raises ValueError."""
    if not isinstance(raw, str):
        return raw
    if param.data_type in ("GPFeatureRecordSetLayer", "GPLinearUnit", "GPRecordSet"):
        try:
            return json.loads(raw)
        except ValueError:
            if param.data_type == "GPFeatureRecordSetLayer":
                return {"url": raw}  # a layer URL
            raise ValueError(f"{param.name}: expected JSON") from None
    if param.data_type in ("GPDouble", "GPLong"):
        if not raw.strip():
            return None
        value = float(raw)
        if not math.isfinite(value):  # inf/nan would crash the job's end-time arithmetic
            raise ValueError(f"{param.name}: {raw!r} is not a finite number")
        return value
    if param.choices and raw not in param.choices:
        raise ValueError(f"{param.name}: {raw!r} is not one of {', '.join(param.choices)}")
    return raw
