"""The task schema as editors and check-jsonschema read it (files as written, `${...}` and all),
and as the loader checks with it (after substitution, where a reference excuses nothing)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from reconciler import cli
from reconciler.taskfiles import loader
from reconciler.taskfiles.placeholders import PLACEHOLDER, for_checking
from reconciler.taskfiles.schema import task_schema

ROOT = Path(__file__).resolve().parent.parent
RAW = json.loads((ROOT / "schemas" / "task.schema.json").read_text())
SHIPPED = sorted((ROOT / "tasks.d").rglob("*.yaml"))
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"


def documents(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def editor_errors(document: Any) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(RAW).iter_errors(document)]


def test_every_document_of_every_shipped_task_file_is_valid_as_written() -> None:
    found = [(path.name, i) for path in SHIPPED for i, _ in enumerate(documents(path))]
    assert len(found) >= 3
    assert {(p.name, i): editor_errors(d) for p in SHIPPED for i, d in enumerate(documents(p))} == {
        key: [] for key in found}


def test_the_readmes_multi_document_example_is_valid_in_every_document(tmp_path: Path) -> None:
    # The shipped files hold one document each (check-jsonschema reads no other); the README shows
    # the multi-document form, whose every document the editor settings check.
    readme = (ROOT / "README.md").read_text()
    [example] = [block for block in readme.split("```yaml\n")[1:] if "\n---\n" in block.split("```")[0]
                 and "task_url:" in block.split("```")[0]]
    text = example.split("```")[0]
    docs = [d for d in yaml.safe_load_all(text) if d is not None]
    assert len(docs) >= 2 and [editor_errors(d) for d in docs] == [[] for _ in docs]
    (tmp_path / "tasks.d").mkdir()
    (tmp_path / "tasks.d" / "two.yaml").write_text(text)
    specs, problems, _ = loader.load_text(text, "two.yaml", variables={}, now=datetime.now(timezone.utc))
    assert [p.message for p in problems if p.severity.value == "error"] == [] and len(specs) == len(docs)


def test_the_editor_schema_still_flags_a_wrong_value_without_a_reference() -> None:
    good = {"name": "a", "task_url": URL, "schedule": "0 0 2 ? * MON-FRI"}
    assert editor_errors(good) == []
    assert editor_errors({**good, "task_url": "${GP_SERVER_URL}/rest/services/Tools/Buffer/GPServer/Buffer"}) == []
    assert editor_errors({**good, "task_url": URL.rsplit("/", 1)[0]}) != []
    assert editor_errors({**good, "name": "bad name"}) != []
    assert editor_errors({**good, "start": "tomorrow"}) != []
    assert editor_errors({**good, "enabeld": True}) != []


def test_every_pattern_of_the_task_schema_has_the_reference_alternative() -> None:
    def bare_patterns(node: Any, where: str) -> list[str]:
        if isinstance(node, list):
            return [w for i, item in enumerate(node) for w in bare_patterns(item, f"{where}/{i}")]
        if not isinstance(node, dict):
            return []
        found = [where] if "pattern" in node and where.rsplit("/", 2)[-2:-1] != ["anyOf"] else []
        if "anyOf" in node and any("pattern" in b for b in node["anyOf"]):
            assert PLACEHOLDER in node["anyOf"], where
        return found + [w for k, v in node.items() if k != "$defs" for w in bare_patterns(v, f"{where}/{k}")]

    assert bare_patterns(RAW["properties"], "properties") == []


def test_the_loader_checks_without_the_reference_alternative() -> None:
    strict = task_schema()
    assert "placeholder" not in json.dumps(strict) and "anyOf" not in json.dumps(strict["properties"]["task_url"])
    assert strict["properties"]["task_url"]["pattern"] == RAW["properties"]["task_url"]["anyOf"][0]["pattern"]
    assert for_checking({"anyOf": [{"pattern": "x"}, {"type": "null"}, PLACEHOLDER]}) == {
        "anyOf": [{"pattern": "x"}, {"type": "null"}]}


@pytest.mark.parametrize(("url", "variables"), [
    ("${GP}/rest/services/Tools/Buffer/GPServer", {"GP": "https://gis.example.com/server"}),  # substituted, still wrong
    ("$${GP}/rest/services/Tools/Buffer/GPServer/Buffer", {}),  # a literal ${ is no reference
    ("${GP:-not a url}/rest/services/Tools/Buffer/GPServer/Buffer", {}),
])
def test_a_substituted_value_must_meet_the_fields_own_rule(url: str, variables: dict[str, str]) -> None:
    text = f"name: a\ntask_url: {url}\nschedule: '0 0 2 ? * MON-FRI'\n"
    specs, problems, _ = loader.load_text(text, "a.yaml", variables=variables, now=datetime.now(timezone.utc))
    assert specs == [] and [p.field for p in problems] == ["task_url"]


def test_a_substituted_good_value_is_accepted() -> None:
    text = "name: ${N}\ntask_url: ${GP}/rest/services/Tools/Buffer/GPServer/Buffer\nschedule: '0 0 2 ? * MON-FRI'\n"
    specs, problems, _ = loader.load_text(text, "a.yaml", variables={"N": "n", "GP": "https://h/server"},
                                          now=datetime.now(timezone.utc))
    assert problems == [] and specs[0].task_url == "https://h/server/rest/services/Tools/Buffer/GPServer/Buffer"


def test_check_jsonschema_passes_the_shipped_task_files_as_written(tmp_path: Path) -> None:
    # The README's command, on the files themselves: check-jsonschema --schemafile
    # schemas/task.schema.json tasks.d/*.yaml (it refuses a file of several YAML documents).
    if shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("check-jsonschema is not installed (pip install check-jsonschema)")
    shipped = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tasks.d").glob("*.yaml"))
    assert len(shipped) >= 3
    done = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile",
                           "schemas/task.schema.json", *shipped], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: a\nschedule: 0 0 2 ? * MON-FRI\ntask_url: https://h/x\n")
    refused = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile",
                              str(ROOT / "schemas" / "task.schema.json"), str(bad)],
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 1 and "task_url" in refused.stdout


def test_the_editor_settings_map_every_task_file_to_the_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert settings["./schemas/task.schema.json"] == ["tasks.d/**/*.yaml", "tasks.d/**/*.yml"]
    assert settings["./schemas/project.schema.json"] == ["reconciler.yaml"]
    assert all((ROOT / path).is_file() for path in settings)


@pytest.mark.parametrize(("which", "file"), [([], "task"), (["task"], "task"), (["project"], "project"),
                                             (["plan-file"], "plan-file")])
def test_reconciler_schema_prints_the_shipped_schema(which: list[str], file: str, capsys) -> None:
    assert cli.main(["schema", *which]) == 0
    assert capsys.readouterr().out == (ROOT / "schemas" / f"{file}.schema.json").read_text().rstrip("\n") + "\n"
