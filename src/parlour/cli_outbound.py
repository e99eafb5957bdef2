"""`parlour privacy report`: the outbound features and what the gate refused."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from parlour.app import build
from parlour.privacy.egress import report
from parlour.settings import load_settings


def cmd_privacy_report(args: argparse.Namespace) -> int:
    parlour = build(load_settings(args.data_dir))
    try:
        found = report(parlour.egress)
    finally:
        parlour.close()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(found, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        sys.stdout.write(render_report(found))
    return 0


def render_report(found: dict[str, Any]) -> str:
    lines = [
        "offline: " + ("on (no outbound connection of any kind)" if found["offline"] else "off"),
    ]
    for feature in found["features"]:
        state = feature["state"]
        if state == "enabled" and not feature["active"]:
            state += ", held back by offline"
        lines += [
            f"{feature['name']}: {state}",
            f"    {feature['description']}",
            f"    hosts: {', '.join(feature['hosts']) or 'none'}",
            f"    sends: {', '.join(feature['fields'])}",
            f"    refused: {feature['refused']}",
        ]
    refused = found["refused"]
    lines.append(f"refused attempts in this command's process: {refused['total']}")
    lines += [f"    {dest}: {count}" for dest, count in sorted(refused["by_destination"].items())]
    lines.append("(the running server's counts: GET /api/v1/admin/privacy/outbound)")
    return "\n".join(lines) + "\n"


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add this module's actions under `parlour privacy`."""
    outbound = actions.add_parser(
        "report",
        parents=[common],
        help="the outbound features: state, hosts, fields sent, refused attempts",
    )
    outbound.add_argument("--json", action="store_true")
    outbound.set_defaults(handler=cmd_privacy_report)
