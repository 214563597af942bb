"""The kiosk side of the crash test, run as its own process and SIGKILLed by the test at random moments.

`python -m tests.kiosk.crash_worker DATA_DIR LOG FIRST TOTAL SEED`: puts cases FIRST..TOTAL-1 through the
real outbox while the real sender delivers them, appending each index to LOG only after its put returned;
then waits for the outbox to drain and prints "drained".

`python -m tests.kiosk.crash_worker --zygote DATA_DIR LOG TOTAL`: imports once, then for each line "FIRST SEED" on
standard input forks a child that does the above (it says "ready" once its outbox is open) and says "child PID";
once the test has killed the child, "reaped PID". A kiosk process killed mid-write is the same whether it was
started or forked; the imports, half a second a run, are paid once.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from domain.payload import CasePayload
from domain.wire import UsageEvent
from kiosk.delivery.wiring import Delivery, open_delivery
from kiosk.settings import load_settings
from tools.samples import make_payload

CASE_TYPES = ("theft", "bike_theft", "online_fraud", "vandalism", "nuisance_tip")


def case_for(index: int) -> CasePayload:
    return make_payload(CASE_TYPES[index % len(CASE_TYPES)], index, language=("en", "ar", "uk")[index % 3])


def drained(delivery: Delivery) -> bool:
    status = delivery.sender.status()
    return status.pending_cases == 0 and status.pending_batches == 0 and delivery.outbox.buffered_events() == 0


def main(data_dir: str, log_path: str, first: int, total: int, seed: int) -> int:
    settings = load_settings(
        {
            "data_dir": Path(data_dir),
            "send_initial_backoff": 0.05,
            "send_max_backoff": 0.5,
            "send_idle_interval": 0.2,
            "request_timeout": 5.0,
            "event_batch_size": 4,
        },
        environ={},
    )
    rng = random.Random(seed)
    delivery = open_delivery(settings)
    delivery.start()
    print("ready", flush=True)
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for index in range(first, total):
        session = uuid.uuid4()
        delivery.outbox.record(UsageEvent(uuid.uuid4(), session, "session_start", datetime.now(UTC)))
        delivery.outbox.put_case(case_for(index))
        os.write(log, f"{index}\n".encode())  # one write: a kill leaves the line whole or absent
        delivery.outbox.record(UsageEvent(uuid.uuid4(), session, "submit", datetime.now(UTC)))
        delivery.outbox.record(UsageEvent(uuid.uuid4(), session, "session_end", datetime.now(UTC)))
        time.sleep(rng.uniform(0, 0.03))
    os.close(log)
    while not drained(delivery):
        time.sleep(0.02)
    delivery.stop()
    print("drained", flush=True)
    return 0


def zygote(data_dir: str, log_path: str, total: int) -> int:
    for line in sys.stdin:  # no thread, no database open here: the children start clean
        first, seed = (int(word) for word in line.split())
        pid = os.fork()
        if pid == 0:
            os._exit(main(data_dir, log_path, first, total, seed))
        print(f"child {pid}", flush=True)
        os.waitpid(pid, 0)
        print(f"reaped {pid}", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "--zygote":
        raise SystemExit(zygote(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    directory, log_file, start, count, seed_text = sys.argv[1:6]
    raise SystemExit(main(directory, log_file, int(start), int(count), int(seed_text)))
