"""The command line: parse, call the services, print. Nothing else lives here."""

import argparse
import getpass
import os
import secrets
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import orjson

from parlour import __version__, cli_consent, cli_dlna, cli_my_data, cli_outbound
from parlour.app import build
from parlour.domain.accounts import HOST
from parlour.domain.errors import InvalidInputError, ParlourError
from parlour.log import configure_logging
from parlour.services.application import Parlour
from parlour.services.scanning import ScanProgress, ScanSummary
from parlour.settings import load_settings

_FAILURES_SHOWN = 50


class ProgressBar:
    """One self-rewriting line on a terminal; a line every few seconds otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last_line = 0.0

    def __call__(self, state: ScanProgress) -> None:
        if state.phase != "probing":
            return  # walking and sidecars have no count to show
        now = time.monotonic()
        finished = state.done >= state.total
        if not self.tty and not finished and now - self._last_line < 5:
            return
        self._last_line = now
        width = shutil.get_terminal_size((100, 20)).columns
        filled = int(20 * state.done / state.total) if state.total else 20
        bar = "#" * filled + "." * (20 - filled)
        text = (
            f"{state.library}: [{bar}] {state.done}/{state.total} files"
            f"  {state.rate:.0f} files/s  {state.folder or '/'}"
        )
        if self.tty:
            self.stream.write(
                "\r" + text[: width - 1].ljust(width - 1) + ("\n" if finished else "")
            )
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _print_summary(summary: ScanSummary, out: TextIO) -> None:
    out.write(
        f"scan done: {summary.added} added, {summary.changed} changed, {summary.moved} moved, "
        f"{summary.removed} removed, {summary.unchanged} unchanged, {summary.failed} failed\n"
    )
    for problem in summary.problems:
        out.write(f"  problem: {problem}\n")
    for path, reason in summary.failures[:_FAILURES_SHOWN]:
        out.write(f"  failed: {path}: {reason}\n")
    if summary.failed > _FAILURES_SHOWN:
        out.write(
            f"  ... and {summary.failed - _FAILURES_SHOWN} more"
            " (see `parlour library failures NAME`)\n"
        )


def _open(args: argparse.Namespace, **overrides: object) -> Parlour:
    settings = load_settings(args.data_dir, **overrides)
    return build(settings)


def cmd_scan(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        summary = parlour.scanner.scan(full=args.full, library=args.library, progress=ProgressBar())
    finally:
        parlour.close()
    _print_summary(summary, sys.stdout)
    return 0


def cmd_library_add(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        info = parlour.libraries.add(
            HOST, args.kind, args.path, args.name, follow_symlinks=args.follow_symlinks
        )
    finally:
        parlour.close()
    print(f"library {info.name!r} ({info.kind}) now covers: {', '.join(info.paths)}")
    print("run `parlour scan` to catalogue it (a running server picks it up by itself)")
    return 0


def cmd_library_remove(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        info = parlour.libraries.remove(HOST, args.library)
    finally:
        parlour.close()
    counts = ", ".join(f"{value} {key}" for key, value in info.counts.items())
    print(f"library {info.name!r} removed from the catalogue ({counts})")
    print(f"its folders were not touched: {', '.join(info.paths) or 'none'}")
    return 0


def cmd_library_list(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        libraries = parlour.libraries.list_all(HOST)
    finally:
        parlour.close()
    if args.json:
        sys.stdout.buffer.write(
            orjson.dumps([lib.as_json() for lib in libraries], option=orjson.OPT_INDENT_2)
        )
        sys.stdout.write("\n")
        return 0
    if not libraries:
        print("no libraries yet: add one with `parlour library add KIND PATH`")
    for lib in libraries:
        counts = ", ".join(f"{value} {key}" for key, value in lib.counts.items())
        print(f"{lib.name} ({lib.kind}) [{lib.id}]: {counts}")
        for path in lib.paths:
            print(f"    {path}")
    return 0


def cmd_library_failures(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        failures = parlour.libraries.failures(HOST, args.library)
    finally:
        parlour.close()
    if args.json:
        rows = [{"path": f.path, "reason": f.reason} for f in failures]
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        for failure in failures:
            print(f"{failure.path}: {failure.reason}")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise InvalidInputError("the two passwords differ")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        user = parlour.accounts.add_user(HOST, args.name, _read_password(args), admin=args.admin)
    finally:
        parlour.close()
    print(f"user {user.name!r} added ({user.role}); grant libraries with `parlour user grant`")
    return 0


def cmd_user_grant(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        user = parlour.accounts.grant(HOST, args.name, args.libraries, args.max_rating)
        names = {lib.id: lib.name for lib in parlour.libraries.list_all(HOST)}
    finally:
        parlour.close()
    granted = ", ".join(names[lib] for lib in user.library_ids) or "no library"
    print(f"{user.name} may now see: {granted}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        users = parlour.accounts.list_users(HOST)
    finally:
        parlour.close()
    if args.json:
        rows = [
            {
                "id": u.id,
                "name": u.name,
                "role": u.role.value,
                "disabled": u.disabled,
                "libraries": list(u.library_ids),
                "max_content_rating": u.max_content_rating,
            }
            for u in users
        ]
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    for user in users:
        state = " (disabled)" if user.disabled else ""
        print(f"{user.name} [{user.role}]{state}: {len(user.library_ids)} libraries")
    return 0


def cmd_user_app_password(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        made = parlour.app_passwords.create_for_user(HOST, args.name, args.label)
    finally:
        parlour.close()
    print(f"app password {made.info.label!r} [{made.info.id}] made for {made.user_name!r}")
    print(
        f"for music apps (Subsonic) only: sign in as {made.user_name!r} with the password on"
        " the next line; it is shown only now (revoke it with `parlour user app-passwords"
        f" {made.user_name} --revoke {made.info.id}`)"
    )
    print(made.secret)  # alone on the last line, for scripts (DESIGN.md)
    return 0


def cmd_user_app_passwords(args: argparse.Namespace) -> int:
    parlour = _open(args)
    try:
        if args.revoke:
            parlour.app_passwords.revoke_for_user(HOST, args.name, args.revoke)
            print(f"app password {args.revoke} of {args.name!r} revoked")
            return 0
        found = parlour.app_passwords.list_for_user(HOST, args.name)
    finally:
        parlour.close()
    if args.json:
        rows = [info.as_json() for info in found]
        sys.stdout.buffer.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
        return 0
    if not found:
        print(f"{args.name} has no app passwords")
    for info in found:
        used = (
            "never used"
            if info.last_used_at is None
            else "last used " + time.strftime("%Y-%m-%d %H:%M", time.localtime(info.last_used_at))
        )
        made = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created_at))
        print(f"{info.label} [{info.id}]: made {made}, {used}")
    return 0


def _serve(parlour: Parlour, host: str, port: int, *, watch: bool) -> int:
    # The web stack loads only for the commands that serve: `scan` and `library` start
    # in a fraction of the time.
    from parlour.frontends.web.app import create_app  # noqa: PLC0415
    from parlour.frontends.web.server import serve  # noqa: PLC0415

    app = create_app(parlour, watch=watch, dlna=True)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    shown = f"[{shown}]" if ":" in shown else shown
    code = parlour.setup.begin()
    if code is not None:
        # The console only: never logged, never stored (AU-10).
        print(
            f"parlour: no admin yet; claim this server with the one-time setup code {code}"
            f" at http://{shown}:{port}/api/v1/setup",
            file=sys.stderr,
            flush=True,
        )
    print(f"Parlour {__version__} serving on http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    serve(app, host, port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    parlour = _open(args, host=args.host, port=args.port)
    try:
        settings = parlour.settings
        return _serve(
            parlour, settings.host, settings.port, watch=settings.watch and not args.no_watch
        )
    finally:
        parlour.close()


def cmd_demo(args: argparse.Namespace) -> int:
    from parlour.demo.generate import generate_library  # noqa: PLC0415 - demo only
    from parlour.demo.recipes import DEMO_LIBRARY  # noqa: PLC0415

    parlour = _open(args, host=args.host, port=args.port)
    try:
        data_dir = parlour.settings.data_dir
        started = time.monotonic()
        roots = generate_library(
            DEMO_LIBRARY, data_dir / "demo-library", cache_dir=data_dir / "cache" / "demo"
        )
        print(
            f"generated the demo library in {time.monotonic() - started:.1f} s"
            f" under {data_dir / 'demo-library'}"
        )
        existing = {path for lib in parlour.libraries.list_all(HOST) for path in lib.paths}
        names = {
            "music": "Demo Music",
            "movies": "Demo Films",
            "shows": "Demo Shows",
            "photos": "Demo Photos",
        }
        for kind, root in roots.items():
            if os.path.realpath(root) not in existing:
                parlour.libraries.add(HOST, kind, str(root), names[kind])
        _print_summary(parlour.scanner.scan(progress=ProgressBar()), sys.stdout)
        for lib in parlour.libraries.list_all(HOST):
            print(f"  {lib.name}: " + ", ".join(f"{v} {k}" for k, v in lib.counts.items()))
        if not parlour.accounts.has_admin():
            password = secrets.token_urlsafe(12)
            parlour.accounts.add_user(HOST, "admin", password, admin=True)
            # Shown once, never stored in clear: the demo's only way in.
            print(f"demo admin account: user 'admin', password '{password}' (shown only now)")
        if args.no_serve:
            return 0
        settings = parlour.settings
        return _serve(parlour, settings.host, settings.port, watch=True)
    finally:
        parlour.close()


def build_parser() -> argparse.ArgumentParser:
    # --data-dir is accepted before or after the command; SUPPRESS keeps a subcommand's
    # absent option from overwriting the value given before it.
    data_dir_help = "where the catalogue and settings live"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=data_dir_help)
    parser = argparse.ArgumentParser(prog="parlour", description="A self-hosted media server.")
    parser.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    parser.add_argument("--version", action="version", version=f"parlour {__version__}")
    parser.add_argument("--log-level", default=os.environ.get("PARLOUR_LOG_LEVEL", "WARNING"))
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", parents=[common], help="run the server")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8420)")
    serve.add_argument(
        "--no-watch", action="store_true", help="do not scan at start or follow folder changes"
    )
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser(
        "demo", parents=[common], help="make a sample library, scan it and serve it"
    )
    demo.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    demo.add_argument("--port", type=int, help="port to listen on (default 8420)")
    demo.add_argument("--no-serve", action="store_true", help="stop after generating and scanning")
    demo.set_defaults(handler=cmd_demo)

    scan = commands.add_parser(
        "scan", parents=[common], help="catalogue what changed in every library"
    )
    scan.add_argument("--full", action="store_true", help="read every file again, changed or not")
    scan.add_argument("--library", help="scan only this library (name or id)")
    scan.set_defaults(handler=cmd_scan)

    user = commands.add_parser("user", parents=[common], help="add users and grant libraries")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    user_add = user_commands.add_parser("add", parents=[common], help="add a local account")
    user_add.add_argument("name")
    user_add.add_argument("--admin", action="store_true", help="may manage the server")
    user_add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user_add.set_defaults(handler=cmd_user_add)
    grant = user_commands.add_parser(
        "grant", parents=[common], help="set the libraries a user may see (by name or id)"
    )
    grant.add_argument("name")
    grant.add_argument("libraries", nargs="*", metavar="LIBRARY")
    grant.add_argument("--max-rating", help="highest content rating of films and shows shown")
    grant.set_defaults(handler=cmd_user_grant)
    user_list = user_commands.add_parser("list", parents=[common], help="list users")
    user_list.add_argument("--json", action="store_true")
    user_list.set_defaults(handler=cmd_user_list)
    app_password = user_commands.add_parser(
        "app-password",
        parents=[common],
        help="make an app password for music apps (Subsonic); printed once, on the last line",
    )
    app_password.add_argument("name")
    app_password.add_argument(
        "--label", default="Music app", help="which app or device it is for (up to 64 characters)"
    )
    app_password.set_defaults(handler=cmd_user_app_password)
    app_passwords = user_commands.add_parser(
        "app-passwords",
        parents=[common],
        help="list a user's app passwords (never the passwords), or revoke one",
    )
    app_passwords.add_argument("name")
    app_passwords.add_argument("--json", action="store_true")
    app_passwords.add_argument(
        "--revoke", metavar="ID", help="revoke the app password with this id"
    )
    app_passwords.set_defaults(handler=cmd_user_app_passwords)

    library = commands.add_parser(
        "library", parents=[common], help="add, list and remove libraries"
    )
    library_commands = library.add_subparsers(
        dest="library_command", required=True, metavar="ACTION"
    )
    add = library_commands.add_parser("add", parents=[common], help="add a folder as a library")
    add.add_argument("kind", choices=["music", "movies", "shows", "photos", "videos"])
    add.add_argument("path")
    add.add_argument(
        "--name", help="library name (default: by kind; an existing name adds a folder to it)"
    )
    add.add_argument(
        "--follow-symlinks", action="store_true", help="follow symlinks that leave the folder"
    )
    add.set_defaults(handler=cmd_library_add)
    listing = library_commands.add_parser(
        "list", parents=[common], help="list libraries and their counts"
    )
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_library_list)
    remove = library_commands.add_parser(
        "remove",
        parents=[common],
        help="forget a library and its catalogue (its files are not touched)",
    )
    remove.add_argument("library", help="library name or id")
    remove.set_defaults(handler=cmd_library_remove)
    failures = library_commands.add_parser(
        "failures", parents=[common], help="files that could not be read"
    )
    failures.add_argument("library", help="library name or id")
    failures.add_argument("--json", action="store_true")
    failures.set_defaults(handler=cmd_library_failures)

    privacy = commands.add_parser(
        "privacy", parents=[common], help="outbound features, and what is kept about users"
    )
    privacy_actions = privacy.add_subparsers(
        dest="privacy_command", required=True, metavar="ACTION"
    )
    cli_outbound.register(privacy_actions, common)
    cli_my_data.register(privacy_actions, common)
    cli_consent.register(privacy_actions, common)
    cli_dlna.register(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.log_level.upper())
    try:
        return int(args.handler(args))
    except ParlourError as exc:
        print(f"parlour: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("parlour: interrupted", file=sys.stderr)
        return 130
