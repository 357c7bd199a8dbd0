"""The distributions: built once (sdist, then the wheel from the sdist, as `python -m build` does),
their contents and metadata, the wheel installed into a fresh virtualenv running the shipped
tasks, and a part of the test suite run from the unpacked sdist."""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAME = "arcgis_task_reconciler"


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    pytest.importorskip("build", reason="build is not installed (pip install build)")
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the test extra pins setuptools>=77, so no build environment is downloaded
    # (the README's `pip install .` builds in isolation, and CI runs it).
    subprocess.run([sys.executable, "-m", "build", "-q", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=120)
    (sdist,) = out.glob(f"{NAME}-*.tar.gz")
    (wheel,) = out.glob(f"{NAME}-*-py3-none-any.whl")
    yield sdist, wheel


def unpack(sdist: Path, target: Path) -> list[Path]:
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.10.12+, 3.11.4+
            archive.extractall(target, filter="data")
        else:
            archive.extractall(target)  # our own archive
    return list(target.iterdir())


@pytest.mark.slow
def test_the_wheel_ships_the_schemas_the_licence_and_py_typed(dists: tuple[Path, Path]) -> None:
    names = zipfile.ZipFile(dists[1]).namelist()
    for shipped in ("task", "project", "plan-file"):
        assert f"reconciler/schemas/{shipped}.schema.json" in names
    assert "reconciler/py.typed" in names
    (licence,) = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert zipfile.ZipFile(dists[1]).read(licence).decode() == (ROOT / "LICENSE").read_text()
    assert not any(n.startswith(("tests/", "tasks.d/")) for n in names)
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    meta = Parser().parsestr(zipfile.ZipFile(dists[1]).read(metadata).decode())
    assert (meta["Name"], meta["License-Expression"], meta["Requires-Python"]) == (
        "arcgis-task-reconciler", "Apache-2.0", ">=3.10")
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "reconciler = reconciler.cli:console" in zipfile.ZipFile(dists[1]).read(entry_points).decode()


@pytest.mark.slow
def test_the_sdist_ships_every_file_git_tracks(dists: tuple[Path, Path]) -> None:
    # Every file of the repository, not a list of some: the tests read the action, the workflows
    # and Dependabot's settings as well as the tests, the task files and the schemas.
    with tarfile.open(dists[0]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    expected = {"LICENSE", "README.md", "reconciler.yaml", ".pre-commit-hooks.yaml", ".vscode/settings.json",
                "schemas/task.schema.json", "schemas/project.schema.json", "reconciler/py.typed",
                "tests/conftest.py", "tests/render/golden/full.txt", "docs/quartz.md", "action.yml",
                ".github/workflows/plan.yml", ".github/workflows/apply.yml", ".github/dependabot.yml"}
    assert expected <= names
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode == 0:  # a git checkout (not an unpacked sdist)
        assert set(tracked.stdout.split()) - names == set()
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.mark.slow
def test_the_wheel_in_a_fresh_virtualenv_validates_the_shipped_tasks(dists: tuple[Path, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(dists[1])], check=True, capture_output=True, timeout=120)
    # The dependencies come from this environment (a path line, not a site folder: its editable
    # install of the source tree is not loaded), so nothing is downloaded.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = subprocess.run([sys.executable, "-c", "import yaml, os; print(os.path.dirname(os.path.dirname(yaml.__file__)))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "dependencies.pth").write_text(ours + "\n")
    (src,) = unpack(dists[0], tmp_path / "src")
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run([str(python), "-c", "import reconciler; print(reconciler.__file__)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True, env=env).stdout
    assert where.startswith(purelib)
    done = subprocess.run(["reconciler", "validate", "tasks.d"], cwd=src, capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "3 files, 3 valid tasks: 0 errors, 0 warnings\n"), done.stderr
    schema = subprocess.run(["reconciler", "schema"], cwd=tmp_path, capture_output=True, text=True, env=env,
                            timeout=60, check=True).stdout
    assert schema == (src / "schemas" / "task.schema.json").read_text().rstrip("\n") + "\n"


# Run from the unpacked sdist: every test that reads a file of the repository other than the
# package (the action, the workflows, Dependabot, the README, the task files, the schemas, the
# pre-commit hook, the editor settings) and the commands they document; the rest of the suite only
# imports the package. (The whole suite passes there too; it takes minutes.)
SDIST_PART = ["tests/github", "tests/test_docs.py", "tests/test_schema_editors.py", "tests/test_architecture.py",
              "tests/test_setup_commands.py", "tests/test_precommit.py", "tests/taskfiles/test_loader.py",
              "tests/commands/test_validate_files.py", "tests/cli/test_completion.py"]


@pytest.mark.slow
def test_the_tests_that_read_the_repository_pass_from_the_unpacked_sdist(dists: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    (src,) = unpack(dists[0], tmp_path / "src")
    assert [p for p in SDIST_PART if not (src / p).exists()] == []
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SDIST_PART, "-o", "addopts=",
         "-m", "not slow", "-W", "error", "--rootdir", str(src)],
        cwd=src, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    last = done.stdout.splitlines()[-1]
    assert " passed" in last and " failed" not in last and " error" not in last, last
    imported = subprocess.run([sys.executable, "-c", "import reconciler; print(reconciler.__file__)"], cwd=src,
                              capture_output=True, text=True, check=True).stdout
    assert imported.startswith(str(src))  # the sdist's own code ran, not this checkout's


def test_schema_is_valid_and_documents_every_property() -> None:
    import jsonschema

    from reconciler.taskfiles.schema import task_schema

    schema = task_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name
        assert prop.get("examples"), name
    for name, prop in schema["properties"]["schedule"]["oneOf"][1]["properties"].items():
        assert prop.get("description") and prop.get("examples"), name


def test_no_install_hint_names_the_unrelated_pypi_project() -> None:
    # `pip install reconciler` would fetch someone else's package: hints name the distribution.
    texts = [*ROOT.joinpath("reconciler").rglob("*.py"), *ROOT.joinpath("reconciler").rglob("*.md"),
             *ROOT.joinpath("tests").rglob("*.py"), ROOT / "README.md", *ROOT.joinpath(".github").rglob("*.y*ml")]
    wrong = [str(p.relative_to(ROOT)) for p in texts if p.name != "test_packaging.py"
             and re.search(r"pip install '?reconciler\b", p.read_text())]
    assert wrong == []
    assert "pip install 'arcgis-task-reconciler[emulator-tls]'" in (ROOT / "reconciler" / "emulator" / "tls.py").read_text()
