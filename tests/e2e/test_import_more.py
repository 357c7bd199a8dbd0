"""reconciler import through the CLI and the emulator: what a review found after the first fixes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.conftest import Run


def test_a_name_that_matches_nothing_fails_the_import(on_emu: Run, workdir: Path, emu, portal) -> None:
    from tests.conftest import buffer_fields

    portal.create_task(buffer_fields(emu, "real one"))
    result = on_emu("import", "real one", "reall one")
    assert result.code == 1 and "x no portal task matches 'reall one'" in result.out
    assert (workdir / "tasks.d" / "real-one.yaml").exists(), "what matched is still imported"


def test_two_imported_tasks_never_share_a_secret_variable(on_emu: Run, workdir: Path, emu, portal) -> None:
    from tests.conftest import BUFFER_PARAMS, buffer_fields

    for title, token in (("sync db", "TOKEN_OF_A"), ("sync_db", "TOKEN_OF_B")):
        params = {**BUFFER_PARAMS, "in_features": {**BUFFER_PARAMS["in_features"], "token": token}}  # type: ignore[dict-item]
        portal.create_task(buffer_fields(emu, title, parameters_json=json.dumps(params)))
    result = on_emu("import")
    assert result.code == 0, result.out + result.err
    texts = [(workdir / "tasks.d" / f).read_text() for f in ("sync-db.yaml", "sync_db.yaml")]
    refs = [line.split("${secret:")[1].split("}")[0] for text in texts for line in text.splitlines() if "${secret:" in line]
    assert len(refs) == 2 and len(set(refs)) == 2, refs
    assert not any("TOKEN_OF" in text for text in texts)


def test_importing_again_needs_no_secret_of_the_files_already_written(on_emu: Run, workdir: Path, emu,
                                                                      portal) -> None:
    from tests.conftest import BUFFER_PARAMS, buffer_fields

    params = {**BUFFER_PARAMS, "in_features": {**BUFFER_PARAMS["in_features"], "token": "tok-1"}}  # type: ignore[dict-item]
    portal.create_task(buffer_fields(emu, "first", parameters_json=json.dumps(params)))
    assert on_emu("import").code == 0
    portal.create_task(buffer_fields(emu, "second"))
    again = on_emu("import")  # IMPORTED_FIRST_IN_FEATURES_TOKEN is not set in this shell
    assert again.code == 0, again.out + again.err
    assert (workdir / "tasks.d" / "second.yaml").exists() and "already declared" in again.out


def test_an_imported_secret_never_takes_a_variable_name_tasks_d_uses(on_emu: Run, workdir: Path, emu, portal) -> None:
    from tests.conftest import BUFFER_PARAMS, buffer_fields

    taken = "IMPORTED_SYNC_DB_IN_FEATURES_TOKEN"
    (workdir / "tasks.d" / "keep.yaml").write_text(
        "name: keep\ntask_url: ${GP_SERVER_URL}/rest/services/Samples/Buffer/GPServer/Buffer\n"
        f"schedule: 0 0 2 * * ?\nparameters:\n  note: ${{secret:{taken}}}\n")
    params = {**BUFFER_PARAMS, "in_features": {**BUFFER_PARAMS["in_features"], "token": "tok-9"}}  # type: ignore[dict-item]
    portal.create_task(buffer_fields(emu, "sync db", parameters_json=json.dumps(params)))
    result = on_emu("import", "sync db")
    assert result.code == 0, result.out + result.err
    assert f"${{secret:{taken}_2}}" in (workdir / "tasks.d" / "sync-db.yaml").read_text()
