"""`parlour privacy consents`: the instance's usage-report consents and their ledger."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.settings import load_settings


def cmd_consents(args: argparse.Namespace) -> int:
    parlour = build(load_settings(args.data_dir))
    try:
        state = parlour.consent.instance(HOST)
    finally:
        parlour.close()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(state, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        sys.stdout.write(render_consents(state))
    return 0


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def render_consents(state: dict[str, Any]) -> str:
    lines = [f"usage-report policy version {state['policy_version']} (instance scopes)"]
    for scope in state["scopes"]:
        answer = "given" if scope["given"] else "off"
        if scope["pending"]:
            answer += ", not yet decided under this version"
        lines += [
            f"{scope['scope']}: {answer}",
            f"    collects: {', '.join(scope['fields'])}",
        ]
    lines.append(f"records ({len(state['records'])}, oldest first):")
    lines += [
        f"    {_when(r['recorded_at'])} {r['scope']} {'given' if r['given'] else 'withdrawn'}"
        f" (policy {r['policy_version']}, via {r['channel']})"
        for r in state["records"]
    ]
    lines.append("(nothing is sent yet: report sending does not exist)")
    return "\n".join(lines) + "\n"


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add this module's actions under `parlour privacy`."""
    consents = actions.add_parser(
        "consents", parents=[common], help="the instance's usage-report consents and records"
    )
    consents.add_argument("--json", action="store_true")
    consents.set_defaults(handler=cmd_consents)
