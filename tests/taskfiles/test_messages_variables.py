"""Issue 16, "Variables and secrets": exact messages for unset secrets, --var names and task names."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from reconciler.render.validate import problem_line, problem_to_dict
from reconciler.taskfiles import loader

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
URL = "https://gis.example.com/server/rest/services/Tools/Buffer/GPServer/Buffer"


def problems(tmp_path: Path, text: str, **options: object) -> list[str]:
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    result = loader.load(tmp_path, variables={}, now=NOW, **options)  # type: ignore[arg-type]
    return [problem_line(problem_to_dict(p)).replace(f"{tmp_path}/", "") for p in result.problems]


def test_an_unset_secret_is_only_told_to_come_from_the_environment(tmp_path: Path) -> None:
    found = problems(tmp_path, f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nparameters:\n"
                     "  token: ${secret:GP_TOKEN}\n")
    assert found == [
        "t.yaml:5:10: parameters.token: secret variable GP_TOKEN is not set"
        "\n  hint: set GP_TOKEN in the environment, e.g. from your CI's secret store"
    ]
    assert ":-" not in found[0] and "--var" not in found[0]


def test_an_unset_plain_variable_still_offers_var_and_a_default(tmp_path: Path) -> None:
    found = problems(tmp_path, f"name: a\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\nparameters:\n  x: ${{REGION}}\n")
    assert found == [
        "t.yaml:5:6: parameters.x: variable REGION is not set"
        "\n  hint: set REGION in the environment (or pass --var REGION=VALUE), or give a default: ${REGION:-value}"
    ]


def test_status_names_an_unset_secret_outside_parameters_the_same_way(tmp_path: Path) -> None:
    found = problems(tmp_path, "name: a\ntask_url: ${secret:URL}\nschedule: '0 0 2 * * ?'\n",
                     unset_secrets_unknown=True)
    assert found[0] == (
        "t.yaml:2:11: task_url: secret variable URL is not set"
        "\n  hint: set URL in the environment, e.g. from your CI's secret store; status leaves only a parameter's "
        "secret unknown"
    )


def test_a_task_name_with_a_non_ascii_letter_says_ascii_letters(tmp_path: Path) -> None:
    found = problems(tmp_path, f"name: straßen-puffer\ntask_url: {URL}\nschedule: '0 0 2 * * ?'\n")
    assert found == [
        "t.yaml:1:7: name: must be 1-100 ASCII letters (A-Z, a-z), digits, '.', '_' or '-', starting with a letter "
        "or digit\n  hint: e.g. name: nightly-buffer"
    ]
