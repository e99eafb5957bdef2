"""`parlour privacy inventory|export|erase|retention`: what Parlour keeps about a user."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.privacy.erase import ERASABLE
from parlour.settings import load_settings

if TYPE_CHECKING:
    from parlour.services.application import Parlour


def _open(args: argparse.Namespace) -> Parlour:
    return build(load_settings(args.data_dir))


def cmd_inventory(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        record = parlour.my_data.processing_record(HOST)
    finally:
        parlour.close()
    if args.json:
        sys.stdout.write(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 0
    print("What Parlour keeps about each user (the record of processing):")
    for category in record["categories"]:
        where = ", ".join(str(place) for place in category["stored_in"])
        print(f"\n{category['category']}: {category['data']}")
        print(f"  why: {category['purpose']}  ({category['legal_basis']})")
        print(f"  how long: {category['retention']}")
        print(f"  where: {where}")
    print(f"\nrecipients: {record['recipients']}")
    if record["unclassified_tables"]:
        print(f"UNCLASSIFIED tables: {', '.join(record['unclassified_tables'])}")
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        document = parlour.my_data.export_user(HOST, args.user)
    finally:
        parlour.close()
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
    if args.output is None:
        sys.stdout.buffer.write(data)
    else:
        args.output.write_bytes(data)
        args.output.chmod(0o600)  # someone's personal data: only the admin reads it
        print(f"wrote the data of {args.user!r} to {args.output}")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        if args.category is None:
            parlour.my_data.delete_user(HOST, args.user)
            print(f"deleted user {args.user!r} and everything kept about them")
            return 0
        result: dict[str, Any] = parlour.my_data.erase_user_category(HOST, args.user, args.category)
    finally:
        parlour.close()
    print(f"erased {result['erased']} of {args.user!r} ({result['rows']} rows)")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        removed = parlour.my_data.apply_retention()
    finally:
        parlour.close()
    print(f"history retention applied: {removed} plays past their user's limit removed")
    return 0


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add this module's actions under `parlour privacy`."""
    inventory = actions.add_parser(
        "inventory", parents=[common], help="what is kept about users: why and how long"
    )
    inventory.add_argument("--json", action="store_true")
    inventory.set_defaults(handler=cmd_inventory)

    export = actions.add_parser(
        "export", parents=[common], help="everything kept about one user, as JSON"
    )
    export.add_argument("user", help="user name or id")
    export.add_argument("--output", type=Path, help="write to this file (default: stdout)")
    export.set_defaults(handler=cmd_export)

    erase = actions.add_parser(
        "erase", parents=[common], help="erase a user's data, or the whole account"
    )
    erase.add_argument("user", help="user name or id")
    erase.add_argument(
        "--category",
        choices=[category.value for category in ERASABLE],
        help="erase only this (default: delete the account and all its data)",
    )
    erase.set_defaults(handler=cmd_erase)

    retention = actions.add_parser(
        "retention", parents=[common], help="remove plays past each user's retention limit"
    )
    retention.set_defaults(handler=cmd_retention)
