"""The background sender: drains the outbox to the backend on its own thread, never on the UI's.

Order of a round: write buffered usage events, send due cases, then event batches, then a heartbeat when
one is due. A failure of the link (unreachable, timeout, refused token, server error) backs the whole
sender off exponentially with jitter; the first success afterwards makes every waiting entry due again,
so sending resumes by itself when the network returns (ODK Collect's known bug was that it did not).
An entry the backend refuses for good (409: same id, other content) is held aside and reported.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from importlib import metadata

from domain.wire import CaseReceipt, Heartbeat
from kiosk.delivery.backend_client import BackendClient, DeliveryError, TimedOut, Unreachable
from kiosk.delivery.outbox import OutboxCounts, SqlOutbox
from kiosk.ports import SenderState, SenderStatus
from kiosk.settings import Settings

log = logging.getLogger(__name__)

OFFLINE_AFTER_FAILURES = 3
MAX_REFERENCES = 20


def backoff_delay(failures: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": between half and all of min(maximum, initial * 2^(n-1))."""
    base = min(maximum, initial * 2.0 ** min(max(failures - 1, 0), 40))
    return base / 2 + rng.uniform(0, base / 2)


def app_version() -> str:
    try:
        return metadata.version("politieloket")
    except metadata.PackageNotFoundError:
        return "dev"


class LinkDown(Exception):
    """Ends a round early: the link failed, the error is already recorded."""


class Sender:
    def __init__(
        self,
        outbox: SqlOutbox,
        client: BackendClient,
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        translation_ready: Callable[[], bool] = lambda: False,
        on_receipt: Callable[[CaseReceipt], None] | None = None,
    ) -> None:
        self._outbox = outbox
        self._client = client
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()
        self._translation_ready = translation_ready
        self._on_receipt = on_receipt
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._link_error: DeliveryError | None = None
        self._sending = False
        self._next_heartbeat = 0.0
        self._settled = 0  # entries acknowledged or held aside so far
        self._settled_at_compaction = 0
        self._references: deque[CaseReceipt] = deque(maxlen=MAX_REFERENCES)

    # --- control, safe to call from the UI thread ---------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the request in flight (at most request_timeout); the outbox keeps what is not sent."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self._settings.request_timeout + 1 if timeout is None else timeout)
            self._thread = None

    def wake(self) -> None:
        """Try now, whatever the backoff says: called after a submit."""
        with self._lock:
            self._retry_at = 0.0
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> SenderStatus:
        counts = self._outbox.counts()
        with self._lock:
            failing, link_error, sending = self._failures, self._link_error, self._sending
            references = tuple((receipt.case_id, receipt.reference) for receipt in self._references)
            mailed = frozenset(receipt.case_id for receipt in self._references if receipt.confirmation_mail)
        return SenderStatus(
            state=self._state(counts, failing, link_error, sending),
            pending_cases=counts.pending_cases,
            pending_batches=counts.pending_batches,
            oldest_pending_seconds=self._oldest_seconds(counts),
            last_error=link_error.reason if link_error else self._held_summary(counts),
            references=references,
            mailed=mailed,
        )

    # --- one round, also what unit tests drive directly --------------------------------------------------

    def run_once(self) -> bool:
        """Send everything that is due. True when the link worked for the whole round."""
        with self._lock:
            self._sending = True
        settled_before = self._settled
        try:
            self._outbox.flush_events()
            self._send_cases()
            self._send_batches()
            self._heartbeat_if_due()
        except LinkDown:
            return False
        finally:
            with self._lock:
                self._sending = False
        # compact in the first quiet round after a drain, not right after a receipt, when the next submit may come
        quiet = self._settled == settled_before
        if quiet and self._settled != self._settled_at_compaction and self._outbox.counts().nothing_to_send:
            self._outbox.compact()
            self._settled_at_compaction = self._settled
        return True

    def _send_cases(self) -> None:
        while not self._stop.is_set() and (pending := self._outbox.next_case(self._clock())) is not None:
            case_id = pending.delivery.case_id
            try:
                receipt = self._client.send_case(pending.delivery)
            except DeliveryError as error:
                if error.permanent:
                    self._outbox.hold_case(case_id, error.reason)
                    self._settled += 1
                    self._link_worked()  # the backend answered: the link is fine, this entry is not
                    continue
                self._outbox.postpone_case(case_id, error.reason, self._link_failed(error))
                raise LinkDown() from error
            with self._lock:
                self._references.append(receipt)
            if self._on_receipt is not None:  # before the delete: a crash in between only resends, same reference
                self._on_receipt(receipt)
            self._outbox.acknowledge_case(case_id)
            self._settled += 1
            self._link_worked()

    def _send_batches(self) -> None:
        while not self._stop.is_set() and (pending := self._outbox.next_batch(self._clock())) is not None:
            batch_id = pending.batch.batch_id
            try:
                self._client.send_events(pending.batch)
            except DeliveryError as error:
                if error.permanent:
                    self._outbox.hold_batch(batch_id, error.reason)
                    self._settled += 1
                    self._link_worked()
                    continue
                self._outbox.postpone_batch(batch_id, error.reason, self._link_failed(error))
                raise LinkDown() from error
            self._outbox.acknowledge_batch(batch_id)
            self._settled += 1
            self._link_worked()

    def _heartbeat_if_due(self) -> None:
        now = self._clock()
        if now < self._next_heartbeat:
            return
        counts = self._outbox.counts()
        with self._lock:
            link_error = self._link_error
        heartbeat = Heartbeat(
            outbox_pending=counts.pending_cases,
            oldest_pending_seconds=int(self._oldest_seconds(counts)),
            last_error=link_error.reason if link_error else self._held_summary(counts),
            app_version=app_version(),
            translation_ready=self._translation_ready(),
            outbox_held=counts.held_cases,
            held_reason=self._held_case_reason() if counts.held_cases else None,
        )
        try:
            self._client.send_heartbeat(heartbeat)
        except DeliveryError as error:
            if not error.permanent:
                self._link_failed(error)
                raise LinkDown() from error
            log.warning("heartbeat refused: %s", error.reason)
        else:
            self._link_worked()
        self._next_heartbeat = now + self._settings.send_heartbeat_interval

    # --- link state ------------------------------------------------------------------------------------------

    def _link_failed(self, error: DeliveryError) -> float:
        """Record a failure of the link; returns when to try again."""
        with self._lock:
            self._failures += 1
            delay = backoff_delay(
                self._failures, self._settings.send_initial_backoff, self._settings.send_max_backoff, self._rng
            )
            self._retry_at = self._clock() + delay
            self._link_error = error
            retry_at = self._retry_at
        log.info("sending paused for %.1f s: %s", delay, error.reason)
        return retry_at

    def _link_worked(self) -> None:
        with self._lock:
            recovered = self._failures > 0
            self._failures = 0
            self._retry_at = 0.0
            self._link_error = None
        if recovered:
            self._outbox.make_due(self._clock())

    def _state(
        self, counts: OutboxCounts, failures: int, error: DeliveryError | None, sending: bool
    ) -> SenderState:
        if failures and isinstance(error, Unreachable | TimedOut) and failures >= OFFLINE_AFTER_FAILURES:
            return SenderState.OFFLINE
        if failures:
            return SenderState.WAITING
        if sending or not counts.nothing_to_send:
            return SenderState.SENDING
        return SenderState.IDLE

    def _oldest_seconds(self, counts: OutboxCounts) -> float:
        return 0.0 if counts.oldest_queued_at is None else max(0.0, self._clock() - counts.oldest_queued_at)

    def _held_case_reason(self) -> str | None:
        reasons = sorted(entry.reason for entry in self._outbox.held_entries() if entry.kind == "case")
        return reasons[0] if reasons else None

    def _held_summary(self, counts: OutboxCounts) -> str | None:
        if not counts.held_cases and not counts.held_batches:
            return None
        reasons = sorted({entry.reason for entry in self._outbox.held_entries()})
        what = f"{counts.held_cases} case(s)" if counts.held_cases else f"{counts.held_batches} event batch(es)"
        return f"{what} set aside: {'; '.join(reasons)}"

    # --- the thread --------------------------------------------------------------------------------------------

    def _run(self) -> None:
        self._outbox.make_due(self._clock())  # after a restart, try at once whatever the old backoff was
        while not self._stop.is_set():
            with self._lock:
                retry_at = self._retry_at
            self._guarded_round(send=self._clock() >= retry_at)
            self._wake.wait(self._sleep_seconds())
            self._wake.clear()

    def _guarded_round(self, send: bool) -> None:
        try:
            if send:
                self.run_once()
            else:  # backing off: still move buffered usage events from memory to disk
                self._outbox.flush_events()
        except Exception as error:  # the thread must outlive a full disk or a bug; report and back off
            log.exception("sender round failed")
            self._link_failed(DeliveryError(f"kiosk error while sending ({type(error).__name__})"))

    def _sleep_seconds(self) -> float:
        now = self._clock()
        with self._lock:
            retry_at = self._retry_at
        next_try = retry_at if retry_at > now else self._next_heartbeat
        return max(0.0, min(now + self._settings.send_idle_interval, next_try) - now)
