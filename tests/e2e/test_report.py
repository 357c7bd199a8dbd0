"""`reconciler report --out FILE` through the CLI, the client and the emulator over HTTP: one static
HTML page, escaped and masked, opened in headless Chromium when this machine has it."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from reconciler.emulator.server import Emulator
from tests.conftest import advance_clock
from tests.e2e.conftest import Run, edit_task

SECRET = "Zq9-layer-secret"
HOSTILE = '<script>alert("x")</script> & </pre><img src=x onerror=alert(1)>'
CHROMIUM = next((c for c in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if c and Path(c).exists()), None)
TIMEOUT_S = 60  # one Chromium run (the DOM and the screenshot): it starts in a few seconds; a hung browser fails the test instead of the suite


def reported(on_emu: Run, workdir: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """The shipped tasks, one with a hostile output name and a secret in a URL, applied and run once."""
    monkeypatch.setenv("LAYER_KEY", SECRET)

    def hostile(doc: dict[str, object]) -> None:
        doc["parameters"] = {**doc["parameters"],  # type: ignore[dict-item]
                             "in_features": {"url": "${GP_SERVER_URL}/rest/services/Hosted/${secret:LAYER_KEY}/FeatureServer/0"},
                             "esri_out_feature_service_name": {"serviceProperties": {"name": HOSTILE}}}

    edit_task(workdir, "nightly-parcel-buffer", hostile)
    applied = on_emu("apply", "--auto-approve")
    assert applied.code == 0, applied.out + applied.err
    advance_clock(emu, 2 * 3600 + 5)  # the 02:00 run fires and finishes
    result = on_emu("report", "--out", "report.html")
    assert result.code == 0, result.out + result.err
    assert result.err.strip().endswith("Wrote report.html: 3 tasks, 0 unhealthy, 0 drifted.")
    return (workdir / "report.html").read_text(encoding="utf-8")


def test_the_report_is_one_static_page_escaped_and_masked(on_emu: Run, workdir: Path, emu: Emulator,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    page = reported(on_emu, workdir, emu, monkeypatch)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for name in ("nightly-parcel-buffer", "month-end-service-areas", "quarterly-flood-model"):
        assert name in page
    assert "At 02:00, Monday through Friday" in page and "2026-01-02T02:00:00Z" in page  # words; next fire times
    assert "succeeded" in page, "the 02:00 run"
    assert SECRET not in page and "(secret)" in page
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no external asset"
    assert "Samples/Buffer/GPServer" in page and "<table class=\"heat\">" in page
    # Friday 02:00 (2026-01-02) is a fire time of the nightly task: its heatmap cell says 1.
    assert 'title="Fri 02:00 UTC: 1 fire time"' in page


def test_a_folder_or_an_unwritable_path_is_refused_clearly(on_emu: Run, workdir: Path) -> None:
    (workdir / "out").mkdir()
    folder = on_emu("report", "--out", "out")
    assert folder.code == 1 and "is a folder" in folder.err and "Traceback" not in folder.err
    missing = on_emu("report", "--out", "no/such/dir/report.html")
    assert missing.code == 1 and missing.err.startswith("error: cannot write no/such/dir/report.html")


def png_pixels(data: bytes) -> list[tuple[int, ...]]:
    """The pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes), unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return [tuple(row[x * channels:x * channels + 3]) for row in rows for x in range(width)]


def test_the_png_decoder_can_tell_flat_from_not() -> None:
    def png(width: int, rows: list[bytes]) -> bytes:
        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) \
            + chunk(b"IEND", b"")
    flat = png(2, [b"\x00" + bytes([9, 9, 9] * 2), b"\x02" + bytes(6)])  # the second row: "same as above"
    assert set(png_pixels(flat)) == {(9, 9, 9)}
    assert set(png_pixels(png(2, [b"\x01" + bytes([9, 9, 9, 1, 1, 1])]))) == {(9, 9, 9), (10, 10, 10)}


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")
def test_chromium_shows_the_tasks_and_a_coloured_heatmap(on_emu: Run, workdir: Path, emu: Emulator,
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    reported(on_emu, workdir, emu, monkeypatch)
    url = (workdir / "report.html").resolve().as_uri()
    shot = tmp_path / "report.png"
    browser = [str(CHROMIUM), "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900", f"--screenshot={shot}", "--dump-dom"]
    dom = subprocess.run([*browser, url], capture_output=True, text=True, timeout=TIMEOUT_S, check=True).stdout
    for name in ("nightly-parcel-buffer", "month-end-service-areas", "quarterly-flood-model"):
        assert f">{name}</a>" in dom, "each task is named in the summary table"
    assert "<script" not in dom and "<img" not in dom, "the hostile parameter is text, not markup"
    pixels = png_pixels(shot.read_bytes())
    assert len(set(pixels)) > 20, "not one flat colour"
    # The busiest heatmap cell is the deepest blue, rgb(31,95,245).
    assert any(abs(r - 31) < 6 and abs(g - 95) < 6 and abs(b - 245) < 6 for r, g, b in pixels)


def test_fire_times_in_the_report_and_plan_load_are_read_in_the_schedulers_zone(on_emu: Run, workdir: Path,
                                                                                   emu: Emulator) -> None:
    from datetime import datetime, timezone

    from tests.conftest import BUFFER, BUFFER_PARAMS
    from tests.e2e.conftest import plan_json, write_tasks
    from tests.e2e.test_timezone import set_clock

    for path in (workdir / "tasks.d").glob("*.yaml"):
        path.unlink()
    (workdir / "reconciler.yaml").write_text("project: tz\nowner: publisher\nscheduler_timezone: Europe/Berlin\n")
    write_tasks(workdir / "tasks.d" / "a.yaml", {"name": "utc-two", "schedule": "0 0 2 * * ?",
                                                 "task_url": emu.task_url(BUFFER), "parameters": BUFFER_PARAMS})
    set_clock(emu, datetime(2026, 1, 10, 12, tzinfo=timezone.utc))  # a Saturday
    plan = plan_json(on_emu("plan", "--format", "json"))
    (change,) = plan["changes"]
    assert change["next_fires"]["after"][0] == "2026-01-11T02:00:00Z"
    (service,) = plan["load"]["services"]
    assert "2026-01-11T02:00:00Z" in service["buckets"] and "2026-01-11T03:00:00Z" not in service["buckets"]
    assert on_emu("apply", "--auto-approve").code == 0
    assert on_emu("report", "--out", "r.html").code in (0, 2)
    page = (workdir / "r.html").read_text()
    assert "2026-01-11T02:00:00Z" in page and "2026-01-11T03:00:00Z" not in page


def test_a_zoned_task_shows_its_local_schedule_and_zone(on_emu: Run, workdir: Path, emu: Emulator) -> None:
    from datetime import datetime, timezone

    from tests.e2e.test_timezone import set_clock, zoned_project

    zoned_project(workdir, emu)  # "0 30 2 * * ?" in Europe/Berlin, scheduler UTC
    set_clock(emu, datetime(2026, 1, 10, 12, tzinfo=timezone.utc))
    assert on_emu("apply", "--auto-approve").code == 0
    assert on_emu("report", "--out", "r.html").code == 0
    page = (workdir / "r.html").read_text()
    assert ("At 02:30 in Europe/Berlin <code>0 30 2 * * ?</code>, sent as <code>0 30 1 * * ?</code> (UTC); next "
            "daylight-saving change 2026-03-29T01:00:00Z") in page
