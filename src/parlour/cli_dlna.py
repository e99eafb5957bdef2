"""`parlour dlna enable|disable|status|devices|approve|forget|plays`: the DLNA server, as
an admin on the host sets it up. A running server follows a change within seconds."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.services.application import Parlour
from parlour.settings import load_settings


def _open(args: argparse.Namespace) -> Parlour:
    return build(load_settings(args.data_dir))


def _print_config(config: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(config, option=orjson.OPT_INDENT_2) + b"\n")
        return
    state = "on" if config["enabled"] else "off"
    print(f"DLNA: {state} as {config['name']!r} (device uuid:{config['device_uuid']})")
    print(f"    listens on: {', '.join(config['interfaces']) or 'nothing'} port {config['port']}")
    print(f"    answers devices in: {', '.join(config['allow']) or 'no subnet'}")
    print(f"    shares libraries: {', '.join(config['libraries']) or 'none'}")
    print(f"    new devices need approval: {'yes' if config['approval_required'] else 'no'}")
    days = config["play_retention_days"]
    plays = f"yes, against the device, kept {days} days" if config["record_plays"] else "no"
    print(f"    records plays: {plays}")


def _named(parlour: Parlour, config: dict[str, Any]) -> dict[str, Any]:
    names = {lib.id: lib.name for lib in parlour.libraries.list_all(HOST)}
    return config | {"libraries": [names.get(i, i) for i in config["library_ids"]]}


def cmd_dlna_enable(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        config = parlour.dlna.enable(
            HOST,
            libraries=args.library,
            interfaces=args.interface,
            allow=args.allow,
            name=args.name,
            port=args.port,
            approval_required=args.approval,
            record_plays=args.record_plays,
            play_retention_days=args.play_retention_days,
        )
        _print_config(_named(parlour, config), args.json)
    finally:
        parlour.close()
    return 0


def cmd_dlna_disable(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        config = parlour.dlna.disable(
            HOST, record_plays=args.record_plays, play_retention_days=args.play_retention_days
        )
        _print_config(_named(parlour, config), args.json)
    finally:
        parlour.close()
    return 0


def cmd_dlna_status(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        _print_config(_named(parlour, parlour.dlna.config(HOST)), args.json)
    finally:
        parlour.close()
    return 0


def cmd_dlna_devices(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        found = [device.as_json() for device in parlour.dlna.devices(HOST)]
    finally:
        parlour.close()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(found, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    for device in found:
        mark = "approved" if device["approved"] else "not approved"
        print(f"{device['id']}  {device['address']}  {mark}  {device['user_agent']}")
    return 0


def cmd_dlna_approve(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        parlour.dlna.approve(HOST, args.device, not args.withdraw)
    finally:
        parlour.close()
    return 0


def cmd_dlna_forget(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        parlour.dlna.forget(HOST, args.device)
    finally:
        parlour.close()
    return 0


def cmd_dlna_plays(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        if args.erase:
            erased = parlour.dlna.plays.erase(HOST)
            print(f"erased {erased} recorded plays")
            return 0
        found = [play.as_json() for play in parlour.dlna.plays.listed(HOST, args.limit)]
    finally:
        parlour.close()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(found, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    for play in found:
        when = datetime.fromtimestamp(play["played_at"], UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        print(f"{when}  {play['kind']:<7}  {play['title']}  ({play['device_name']})")
    return 0


def _recording_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record-plays",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="record what devices play, against the device, never a person (off by default;"
        " turning it off erases what was recorded)",
    )
    parser.add_argument(
        "--play-retention-days",
        type=int,
        metavar="N",
        help="days recorded plays are kept, 1 to 30 (default 7)",
    )


def _approval(text: str) -> bool:
    if text not in ("on", "off"):
        raise argparse.ArgumentTypeError("on or off")
    return text == "on"


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    dlna = commands.add_parser(
        "dlna", parents=[common], help="the DLNA/UPnP server for TVs and consoles (off by default)"
    )
    actions = dlna.add_subparsers(dest="dlna_command", required=True, metavar="ACTION")
    enable = actions.add_parser(
        "enable",
        parents=[common],
        help="turn it on, or change it: what is not given stays as it was",
    )
    enable.add_argument(
        "--interface",
        action="append",
        metavar="ADDRESS",
        help="an address of this machine to listen on (required the first time; repeatable)",
    )
    enable.add_argument(
        "--allow",
        action="append",
        metavar="CIDR",
        help="a private subnet whose devices it answers (default: the interfaces' own)",
    )
    enable.add_argument(
        "--library",
        action="append",
        metavar="NAME",
        help="a library the network may see, by name or id (repeatable; none by default)",
    )
    enable.add_argument("--name", help="the name TVs show (default: Parlour)")
    enable.add_argument("--port", type=int, help="the DLNA HTTP port (default 8421)")
    enable.add_argument(
        "--approval", type=_approval, metavar="on|off", help="new devices wait for approval"
    )
    _recording_arguments(enable)
    enable.add_argument("--json", action="store_true")
    enable.set_defaults(handler=cmd_dlna_enable)
    disable = actions.add_parser("disable", parents=[common], help="turn it off")
    _recording_arguments(disable)
    disable.add_argument("--json", action="store_true")
    disable.set_defaults(handler=cmd_dlna_disable)
    status = actions.add_parser("status", parents=[common], help="how it is set up")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=cmd_dlna_status)
    devices = actions.add_parser("devices", parents=[common], help="devices that asked it")
    devices.add_argument("--json", action="store_true")
    devices.set_defaults(handler=cmd_dlna_devices)
    approve = actions.add_parser("approve", parents=[common], help="approve a device")
    approve.add_argument("device", help="the device's id (from `parlour dlna devices`)")
    approve.add_argument("--withdraw", action="store_true", help="withdraw the approval")
    approve.set_defaults(handler=cmd_dlna_approve)
    forget = actions.add_parser(
        "forget", parents=[common], help="forget a device and the plays recorded against it"
    )
    forget.add_argument("device")
    forget.set_defaults(handler=cmd_dlna_forget)
    plays = actions.add_parser(
        "plays", parents=[common], help="plays recorded against devices, newest first"
    )
    plays.add_argument("--limit", type=int, default=100, help="how many (1 to 1000)")
    plays.add_argument("--erase", action="store_true", help="erase every recorded play")
    plays.add_argument("--json", action="store_true")
    plays.set_defaults(handler=cmd_dlna_plays)
