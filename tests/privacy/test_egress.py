"""Zero egress by default (P-01, R-7): the default scenario against a real server leaves
the outbound gate nothing to refuse (EG-03), and passes in a network namespace that has
only loopback (EG-02)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from parlour.privacy.outbound_features import FeatureState
from privacy.egress_scenario import ADMIN, REPORT, USER, run_default_scenario
from support import Account, demo_libraries, parlour_command, require_tool, serve_libraries

TESTS = Path(__file__).resolve().parents[1]
FEATURES = {"usage_reports", "metadata_lookup", "scrobbling", "update_check", "dlna"}


def _check_default_run(seen: dict[str, Any]) -> None:
    assert seen["me"] == ADMIN[0]
    assert seen["libraries"] == ["movies", "music", "photos", "shows"]
    assert seen["search_hits"] >= 1
    assert seen["played_bytes"] > 0
    assert (seen["transcoded_type"], seen["transcoded_bytes"] > 0) == ("audio/mpeg", True)
    report = seen["report"]
    assert report["offline"] is True
    assert {f["name"] for f in report["features"]} == FEATURES
    for feature in report["features"]:
        assert feature["state"] != FeatureState.ENABLED.value
        # DLNA (home network only, off by default) is the one feature offline leaves be.
        assert (feature["active"], feature["offline_blocks"], feature["refused"]) == (
            False,
            feature["name"] != "dlna",
            0,
        )
    assert report["refused"] == {"total": 0, "by_destination": {}, "by_feature": {}}


def test_eg03_default_scenario_leaves_the_gate_nothing_to_refuse(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    # The control (a refused attempt does move the counter) is in
    # tests/unit/privacy/test_egress_gate.py: test_eg03_control_...
    accounts = [Account(*ADMIN, admin=True), Account(*USER, libraries=("Music",))]
    with serve_libraries(tmp_path / "data", demo_libraries(demo_roots), accounts) as (
        process,
        headers,
    ):
        seen = run_default_scenario(process.base, headers[ADMIN[0]])
        plain = httpx.get(process.base + REPORT, headers=headers[USER[0]], timeout=10)
        anonymous = httpx.get(process.base + REPORT, timeout=10)
    _check_default_run(seen)
    assert (plain.status_code, anonymous.status_code) == (403, 401)


def test_eg02_default_scenario_in_a_network_namespace_with_only_loopback(
    tmp_path: Path, demo_roots: dict[str, Path]
) -> None:
    unshare = require_tool("unshare")
    # Root makes the namespace directly (as CI does); anyone else through a user namespace.
    mapping = [] if os.geteuid() == 0 else ["--map-root-user"]
    script = TESTS / "privacy" / "egress_scenario.py"
    roots = json.dumps({kind: str(root) for kind, root in demo_roots.items()})
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), *sys.path]))
    result = subprocess.run(
        [unshare, "--net", *mapping, sys.executable, str(script), str(tmp_path / "data"), roots],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["interfaces"] == ["lo"]  # the namespace really had nothing but loopback
    _check_default_run(seen)


def _report_command(
    data: Path, *options: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        parlour_command("--data-dir", str(data), "privacy", "report", *options),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ, **environment),
    )


def test_p16_privacy_report_lists_every_feature_with_hosts_fields_and_counts(
    tmp_path: Path,
) -> None:
    default = _report_command(tmp_path, "--json")
    assert default.returncode == 0, default.stderr
    found = json.loads(default.stdout)
    assert found["offline"] is True
    assert {f["name"]: f["state"] for f in found["features"]} == {
        "usage_reports": "disabled",
        "metadata_lookup": "not available yet",
        "scrobbling": "not available yet",
        "update_check": "not available yet",
        "dlna": "disabled",
    }
    assert found["refused"]["total"] == 0
    switched_on = _report_command(
        tmp_path,
        PARLOUR_OFFLINE="false",
        PARLOUR_USAGE_REPORTS_ENABLED="true",
        PARLOUR_USAGE_REPORT_ENDPOINT="https://reports.example/v1/usage?k=1",
    )
    assert switched_on.returncode == 0, switched_on.stderr
    lines = switched_on.stdout.splitlines()
    assert "usage_reports: enabled" in lines
    assert "    hosts: reports.example" in lines
    assert any(
        line.startswith("    sends: schema, schema_version, policy_version, install_id, scopes,")
        and "scopes.personal_usage.plays_per_week_band" in line
        for line in lines
    )
    assert "k=1" not in switched_on.stdout  # the host is shown, never the URL's query
