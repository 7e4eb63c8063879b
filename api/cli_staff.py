"""`fayuan staff ...`: manage staff accounts from the shell (the same directory the console uses).

The password comes from FAYUAN_STAFF_PASSWORD, else an interactive prompt (asked twice), else one
line on standard input — never from the command line, where it would land in shell history."""
from __future__ import annotations

import argparse
import getpass
import os
import sys


def _directory():
    from assistant.db import create_records_schema
    from assistant.staff.accounts import StaffDirectory
    from knowledge.database import make_engine
    from api.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.resolved_database_url)
    create_records_schema(engine)
    return StaffDirectory(engine)


def _read_password() -> str:
    if os.environ.get("FAYUAN_STAFF_PASSWORD"):
        return os.environ["FAYUAN_STAFF_PASSWORD"]
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise SystemExit("passwords do not match")
        return first
    return sys.stdin.readline().rstrip("\n")


def _cmd_add(args: argparse.Namespace) -> int:
    from assistant.staff.accounts import StaffAccountError

    try:
        member = _directory().add(args.username, _read_password(), role=args.role,
                                  display_name=args.display_name or "")
    except StaffAccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {member.username} ({member.role}, shown to colleagues and people as {member.display_name})")
    if not args.display_name:
        print(f"warning: no --display-name; the console shows the username until "
              f"`fayuan staff rename {member.username} --display-name 张律师`", file=sys.stderr)
    return 0


def _account_command(action, done: str) -> int:
    """Run `action(directory)`; a refused request is a message and exit status 2, not a traceback."""
    from assistant.staff.accounts import StaffAccountError

    try:
        action(_directory())
    except StaffAccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(done)
    return 0


def _cmd_passwd(args: argparse.Namespace) -> int:
    password = _read_password()
    return _account_command(lambda d: d.set_password(args.username, password),
                            f"password of {args.username} changed (its sessions and tokens revoked)")


def _cmd_rename(args: argparse.Namespace) -> int:
    return _account_command(lambda d: d.set_display_name(args.username, args.display_name),
                            f"{args.username} is now shown as {args.display_name}")


def _cmd_disable(args: argparse.Namespace) -> int:
    return _account_command(lambda d: d.deactivate(args.username), f"{args.username} deactivated")


def _cmd_revoke(args: argparse.Namespace) -> int:
    return _account_command(lambda d: d.revoke_sessions(args.username),
                            f"all sessions and tokens of {args.username} revoked")


def _cmd_list(_args: argparse.Namespace) -> int:
    for member in _directory().list():
        print(f"{member.username}\t{member.role}\t{member.display_name}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="manage staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="create an account (password from FAYUAN_STAFF_PASSWORD, prompt or stdin)")
    add.add_argument("username")
    add.add_argument("--role", choices=["staff", "admin"], default="staff")
    add.add_argument("--display-name", default="", help="the name colleagues and people see, e.g. 张律师")
    add.set_defaults(func=_cmd_add)
    passwd = staff_sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("username")
    passwd.set_defaults(func=_cmd_passwd)
    rename = staff_sub.add_parser("rename", help="set the display name colleagues and people see")
    rename.add_argument("username")
    rename.add_argument("--display-name", required=True)
    rename.set_defaults(func=_cmd_rename)
    disable = staff_sub.add_parser("disable", help="deactivate an account")
    disable.add_argument("username")
    disable.set_defaults(func=_cmd_disable)
    revoke = staff_sub.add_parser("revoke", help="end every console session and API token of an account")
    revoke.add_argument("username")
    revoke.set_defaults(func=_cmd_revoke)
    staff_sub.add_parser("list", help="list active accounts").set_defaults(func=_cmd_list)
