"""Show the technician this kiosk's provisioning and what is waiting in its outbox.

`python -m kiosk [--data-dir DIR] status [--retry-held]`. Reads the outbox directly, so it works while
the kiosk app runs and when it does not. Prints counts and reasons, never case contents (it cannot read them).
"""

from __future__ import annotations

import argparse
import time

from kiosk.delivery.outbox import SqlOutbox
from kiosk.delivery.sealing import InvalidPublicKey, fingerprint
from kiosk.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--retry-held", action="store_true", help="put entries the backend refused back in the queue"
    )


def provisioning_lines(settings: Settings) -> list[str]:
    if not settings.provisioned:
        return ["Provisioning: not provisioned (run `python -m kiosk provision --backend URL --token TOKEN`)"]
    try:
        key = fingerprint(settings.backend_public_key)
    except InvalidPublicKey:
        key = "INVALID: provision again"
    return [
        f"Provisioning: {settings.kiosk_name} ({settings.location})",
        f"  backend: {settings.backend_url}",
        "  token: stored",
        f"  backend key fingerprint: {key}",
    ]


def age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def outbox_lines(outbox: SqlOutbox, now: float) -> list[str]:
    counts = outbox.counts()
    lines = [
        f"Outbox: {counts.pending_cases} case(s) waiting, {counts.pending_batches} usage batch(es) waiting",
    ]
    if counts.oldest_queued_at is not None:
        lines.append(f"  oldest waiting for {age(now - counts.oldest_queued_at)}")
    errors = outbox.last_errors()
    if errors:
        lines.append("  last errors: " + "; ".join(f"{reason} ({n}x)" for reason, n in errors))
    held = outbox.held_entries()
    for entry in held:
        lines.append(f"  set aside: {entry.kind} {entry.entry_id}: {entry.reason}")
    if any(entry.kind == "case" for entry in held):
        lines += [
            "  A resident's report the backend refused is kept here, sealed; it is not lost and not sent again by",
            "  itself. Usually the kiosk and the backend disagree (versions, forms, provisioning). Fix that, then",
            "  run `python -m kiosk status --retry-held` to send it again. The admin page shows the same count.",
        ]
    return lines


def run(args: argparse.Namespace, settings: Settings) -> int:
    for line in provisioning_lines(settings):
        print(line)
    if not settings.outbox_file.exists():
        print("Outbox: empty (no outbox yet)")
        return 0
    outbox = SqlOutbox(settings.outbox_file)
    if args.retry_held:
        print(f"Put {outbox.release_held()} held entr(y/ies) back in the queue")
    for line in outbox_lines(outbox, time.time()):
        print(line)
    return 0
