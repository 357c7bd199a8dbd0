"""The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself on a sample repository:
it passes on a good task file and fails, naming the problem, on a bad one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]
BAD = "name: bad\ntask_url: https://h/server/rest/services/S/GPServer\nschedule: '0 0 2 ? * MON-FRI'\n"


def hook_repository(target: Path) -> str:
    """The source tree as a committed git repository (the test may run from an sdist, which has
    no .git); its commit. A clean commit lets both runs below share one hook environment."""
    shutil.copytree(ROOT / "reconciler", target / "reconciler", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", target / "schemas")
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, target / name)
    subprocess.run([*GIT, "init", "-q"], cwd=target, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=target, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "hooks"], cwd=target, check=True)
    return subprocess.run([*GIT, "rev-parse", "HEAD"], cwd=target, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.mark.slow
def test_the_hook_passes_a_good_file_and_fails_a_bad_one(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks, sample = tmp_path / "hooks", tmp_path / "sample"
    hooks.mkdir()
    rev = hook_repository(hooks)
    (sample / "tasks.d").mkdir(parents=True)
    shutil.copy(ROOT / "tasks.d" / "nightly-buffer.yaml", sample / "tasks.d" / "good.yaml")
    (sample / "tasks.d" / "bad.yaml").write_text(BAD)
    subprocess.run([*GIT, "init", "-q"], cwd=sample, check=True)
    subprocess.run([*GIT, "add", "-A"], cwd=sample, check=True)

    def try_repo(file: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "reconciler-validate", "--ref", rev,
             "--files", file],
            cwd=sample, capture_output=True, text=True, timeout=300, check=False,
            env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path),
                 "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        )

    good = try_repo("tasks.d/good.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "reconciler validate" in good.stdout and "Passed" in good.stdout
    bad = try_repo("tasks.d/bad.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "tasks.d/bad.yaml:2:11: task_url: task_url points at the GP service, not one of its tasks" in bad.stdout
    assert "good.yaml" not in bad.stdout  # only the file given is checked and reported
