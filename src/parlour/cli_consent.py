"""`parlour privacy consents` (the instance's usage-report consents, given or withdrawn
on the host by its admin) and `parlour privacy usage-report` (the next report's exact
bytes, the outbox, and "send now")."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.privacy.policy import CURRENT, SubjectKind
from parlour.settings import load_settings


def _write_json(value: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


def cmd_consents(args: argparse.Namespace) -> int:
    parlour = build(load_settings(args.data_dir))
    try:
        if args.give or args.withdraw:
            state = parlour.consent.decide_instance(
                HOST,
                args.give or args.withdraw,
                bool(args.give),
                "cli",
                request_deletion=args.request_deletion,
            )
        else:
            state = parlour.consent.instance(HOST)
    finally:
        parlour.close()
    if args.json:
        _write_json(state)
    else:
        sys.stdout.write(render_consents(state))
    return 0


def _when(seconds: int | None) -> str:
    if seconds is None:
        return "never"
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
            f"    notice: {scope['notice']}",
        ]
    lines.append(f"records ({len(state['records'])}, oldest first):")
    lines += [
        f"    {_when(r['recorded_at'])} {r['scope']} {'given' if r['given'] else 'withdrawn'}"
        f" (policy {r['policy_version']}, via {r['channel']})"
        for r in state["records"]
    ]
    deletion = state.get("deletion_request")
    if deletion is not None:
        outcome = "sent" if deletion["sent"] else f"not sent ({deletion['detail']})"
        lines.append(f"deletion request to the receiver: {outcome}")
    lines.append("see what would be sent: parlour privacy usage-report")
    return "\n".join(lines) + "\n"


def cmd_usage_report(args: argparse.Namespace) -> int:
    parlour = build(load_settings(args.data_dir))
    try:
        sent = parlour.usage_reports.send_now(HOST) if args.send else None
        state = parlour.usage_reports.state(HOST)
    finally:
        parlour.close()
    if args.json:
        _write_json({"state": state, "send": sent})
    else:
        sys.stdout.write(render_usage_report(state, sent))
    return 0


def render_usage_report(state: dict[str, Any], sent: dict[str, Any] | None) -> str:
    where = state["endpoint"] or "no endpoint set"
    lines = [
        f"usage reports: {'on' if state['active'] else 'off'} ({where})",
        *(f"    held back: {reason}" for reason in state["blocked_because"]),
        f"install id: {state['install_id'] or 'none (made at the first consented report)'}",
        f"last report: {_when(state['last_report_at'])}; sent so far: {state['reports_sent']}",
        f"included: {', '.join(state['included_scopes']) or 'nothing (no consent counts)'}"
        f"; personal entries: {state['personal_entries']}",
    ]
    if sent is not None:
        lines.append(
            f"send now: made {sent['made']}, sent {sent['sent']}, failed {sent['failed']},"
            f" dropped {sent['dropped']}"
        )
    lines.append("next report, exactly as it would be sent:")
    lines.append(f"    {state['next_report'] or '(none: nothing would be sent)'}")
    lines.append(f"outbox ({len(state['outbox'])}):")
    for report in state["outbox"]:
        error = f", last error: {report['last_error']}" if report["last_error"] else ""
        lines += [
            f"    #{report['id']} made {_when(report['created_at'])}, {report['attempts']}"
            f" attempt(s), next {_when(report['next_attempt_at'])}{error}",
            f"    {report['body']}",
        ]
    return "\n".join(lines) + "\n"


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add this module's actions under `parlour privacy`."""
    names = [scope.name for scope in CURRENT.of(SubjectKind.INSTANCE)]
    consents = actions.add_parser(
        "consents",
        parents=[common],
        help="the instance's usage-report consents: list, give or withdraw",
    )
    decide = consents.add_mutually_exclusive_group()
    decide.add_argument("--give", choices=names, metavar="SCOPE", help=", ".join(names))
    decide.add_argument(
        "--withdraw", choices=[*names, "all"], metavar="SCOPE", help="a scope, or all"
    )
    consents.add_argument(
        "--request-deletion",
        action="store_true",
        help="with --withdraw: ask the receiver to delete what it got under the install id",
    )
    consents.add_argument("--json", action="store_true")
    consents.set_defaults(handler=cmd_consents)
    report = actions.add_parser(
        "usage-report",
        parents=[common],
        help="the next usage report's exact bytes and the outbox; --send sends now",
    )
    report.add_argument("--send", action="store_true", help="make a report now and send it")
    report.add_argument("--json", action="store_true")
    report.set_defaults(handler=cmd_usage_report)
