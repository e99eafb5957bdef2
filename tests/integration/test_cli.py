"""The command line as a user types it."""

import json
import signal
import subprocess
import time
from pathlib import Path

import httpx

from parlour.demo.recipes import DEMO_LIBRARY
from support import free_port, parlour_command, run_parlour


def test_demo_generates_scans_and_reports(tmp_path: Path) -> None:
    result = run_parlour("demo", "--data-dir", str(tmp_path), "--no-serve", timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{len(DEMO_LIBRARY.music)} tracks" in result.stdout
    assert "0 failed" in result.stdout
    listed = json.loads(
        run_parlour("library", "list", "--json", "--data-dir", str(tmp_path)).stdout
    )
    counts = {lib["kind"]: lib["counts"] for lib in listed}
    assert counts["music"]["tracks"] == len(DEMO_LIBRARY.music)
    assert counts["movies"]["movies"] == len(DEMO_LIBRARY.movies)
    assert counts["shows"]["episodes"] == len(DEMO_LIBRARY.shows)
    assert counts["photos"]["photos"] == len(DEMO_LIBRARY.photos)
    # A second demo reuses the library and finds nothing new.
    again = run_parlour("demo", "--data-dir", str(tmp_path), "--no-serve", timeout=300)
    assert again.returncode == 0, again.stderr
    assert "0 added" in again.stdout


def test_bad_input_gets_a_clear_error_and_exit_1(tmp_path: Path) -> None:
    missing = run_parlour(
        "library", "add", "music", str(tmp_path / "nowhere"), "--data-dir", str(tmp_path)
    )
    assert missing.returncode == 1
    assert "is not a folder" in missing.stderr
    assert "Traceback" not in missing.stderr
    (tmp_path / "m").mkdir()
    assert (
        run_parlour(
            "library", "add", "music", str(tmp_path / "m"), "--data-dir", str(tmp_path)
        ).returncode
        == 0
    )
    clash = run_parlour(
        "library",
        "add",
        "photos",
        str(tmp_path / "m"),
        "--data-dir",
        str(tmp_path),
        "--name",
        "Music",
    )
    assert clash.returncode == 1
    assert "already exists" in clash.stderr
    unknown = run_parlour("library", "failures", "Nope", "--data-dir", str(tmp_path))
    assert unknown.returncode == 1
    assert "no library named 'Nope'" in unknown.stderr


def test_scan_with_no_libraries_finishes(tmp_path: Path) -> None:
    result = run_parlour("scan", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "0 added" in result.stdout


def test_demo_serves_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        parlour_command("demo", "--data-dir", str(tmp_path), "--port", str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        ready = False
        while time.monotonic() < deadline and process.poll() is None and not ready:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                time.sleep(0.2)
        assert ready, "the demo server did not come up"
        anonymous = httpx.get(f"http://127.0.0.1:{port}/api/v1/libraries", timeout=5)
        assert anonymous.status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Traceback" not in output
    assert "leaked" not in output  # the probing pool was shut down, not abandoned
    password = output.split("password '", 1)[1].split("'", 1)[0]
    assert len(password) >= 12  # the demo admin's password, printed once
