"""`python -m backend [--db URL] [--keys-dir DIR] COMMAND`: run the server or a technician's command.

Every command first brings the database schema up to date. Exit status 0 on success, 1 when something
failed, 2 for bad input.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from backend.services.errors import Broken, ServiceError, Unavailable
from backend.services.keys import KeyFileError
from backend.services.schemas import MIN_PASSWORD, KioskRequest, Role, UserRequest
from backend.settings import Settings, SettingsError, load_settings, settings_environment
from backend.storage.audit import Actor
from backend.storage.db import DatabaseUrlError, is_sqlite_url
from backend.wiring import Services


class CommandError(Exception):
    """Bad input from the technician: printed as one line, exit status 2."""


def _common(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument("--db", dest="database_url", metavar="URL", default=default,
                        help="sqlite:///FILE or postgresql://USER:PASS@HOST/DB (default: a file in var/backend)")
    parser.add_argument("--keys-dir", type=Path, metavar="DIR", default=default,
                        help="where the backend's keys live, outside the database (default var/backend/keys)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description="Politieloket backend")
    _common(parser, None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        _common(sub, argparse.SUPPRESS)  # --db may also come after the command name
        return sub

    serve = command("serve", "run the HTTP server")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes sharing the port (default 1; above 1 needs "
                       "PostgreSQL, whose LISTEN/NOTIFY carries calls between them)")
    kiosk = command("add-kiosk", "provision a kiosk; prints its token as the last line")
    kiosk.add_argument("name")
    kiosk.add_argument("--location", required=True, help="where the kiosk stands, e.g. 'Bureau Amsterdam-Centrum'")
    user = command("add-user", "add a user; the password is read from standard input (one line)")
    user.add_argument("name")
    user.add_argument("--role", required=True, choices=[role.value for role in Role])
    command("purge", "remove the personal data of finished cases past the retention period")
    command("public-key", "print the public key kiosks seal cases to (base64)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings({
        "database_url": args.database_url,
        "keys_dir": args.keys_dir,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "workers": getattr(args, "workers", None),
    })


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"


def _serve(settings: Settings) -> int:
    import uvicorn

    from backend.http.app import create_app

    if settings.workers < 1:
        raise CommandError("--workers must be at least 1")
    proxy_headers, forwarded = bool(settings.forwarded_allow_ips), settings.forwarded_allow_ips or None
    if settings.workers == 1:
        app = create_app(settings)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                    proxy_headers=proxy_headers, forwarded_allow_ips=forwarded)  # fmt: skip
        return 0
    if is_sqlite_url(settings.database_url):
        raise CommandError(
            "--workers above 1 needs PostgreSQL (--db postgresql://...): SQLite takes one writer process, and the "
            "call queue is shared between workers through PostgreSQL"
        )
    # Each worker process builds its own app from the environment: the settings given here travel in it.
    os.environ.update(settings_environment(settings))
    uvicorn.run("backend.http.app:app_from_environment", factory=True, workers=settings.workers,
                host=settings.host, port=settings.port, log_level=settings.log_level,
                proxy_headers=proxy_headers, forwarded_allow_ips=forwarded)  # fmt: skip
    return 0


def _add_kiosk(backend: Services, args: argparse.Namespace) -> int:
    try:
        request = KioskRequest(name=args.name, location=args.location)
    except ValidationError as error:
        raise CommandError(_first_error(error)) from None
    kiosk, token = backend.kiosks.provision(request.name, request.location, _technician())
    print(f"kiosk id:   {kiosk.id}")
    print(f"location:   {kiosk.location}")
    print(f"public key: {backend.keys.public_key}")
    print("token (shown once; give it to the kiosk's provisioning):")
    print(token)
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    line = sys.stdin.readline()
    if not line:
        raise CommandError("no password on standard input")
    return line.rstrip("\r\n")


def _add_user(backend: Services, args: argparse.Namespace) -> int:
    password = _read_password()
    try:
        request = UserRequest(name=args.name, role=Role(args.role), password=password)
    except ValidationError as error:
        if any(part == "password" for part in error.errors()[0]["loc"]):
            raise CommandError(f"the password needs at least {MIN_PASSWORD} characters") from None
        raise CommandError(_first_error(error)) from None
    user = backend.accounts.create_user(request.name, request.role, request.password, _technician())
    print(f"user {user.name} ({user.role}) added: {user.id}")
    return 0


def _technician() -> Actor:
    return Actor(None, "cli")


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.command == "serve":
        return _serve(settings)
    backend = Services.start(settings)
    try:
        if args.command == "add-kiosk":
            return _add_kiosk(backend, args)
        if args.command == "add-user":
            return _add_user(backend, args)
        if args.command == "purge":
            purged = backend.retention.purge(backend.clock(), _technician())
            print(f"purged the personal data of {purged} cases (retention {backend.retention.days()} days)")
            return 0
        print(backend.keys.public_key)
        return 0
    finally:
        backend.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return run(args)
    except (CommandError, SettingsError, DatabaseUrlError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ServiceError as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 1 if isinstance(error, Broken | Unavailable) else 2
    except KeyFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OperationalError as error:
        print(f"error: cannot use the database: {error.orig}", file=sys.stderr)
        return 1
