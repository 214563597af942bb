"""Store-and-forward assembled from Settings: the outbox the flow writes to and the sender that drains it.

    delivery = open_delivery(settings)
    delivery.start()            # e.g. in App.on_start; the sender runs on its own thread
    flow = Flow(outbox=delivery.outbox, events=delivery.outbox, ...)
    delivery.sender.status()    # for the offline banner / technician screen, cheap enough for a Clock tick
    delivery.stop()             # in App.on_stop

`on_receipt` is called on the sender's thread: a Kivy app hops to the main thread (mainthread/Clock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.wire import CaseReceipt
from kiosk.delivery.backend_client import BackendClient
from kiosk.delivery.httpx_client import HttpxBackendClient
from kiosk.delivery.outbox import SqlOutbox
from kiosk.delivery.sender import Sender
from kiosk.settings import Settings


@dataclass
class Delivery:
    outbox: SqlOutbox
    sender: Sender
    client: BackendClient

    def start(self) -> None:
        self.sender.start()

    def stop(self) -> None:
        self.sender.stop()
        self.client.close()
        self.outbox.close()


def open_delivery(
    settings: Settings,
    *,
    client: BackendClient | None = None,
    translation_ready: Callable[[], bool] = lambda: False,
    on_receipt: Callable[[CaseReceipt], None] | None = None,
) -> Delivery:
    outbox = SqlOutbox(
        settings.outbox_file, settings.backend_public_key, event_batch_size=settings.event_batch_size
    )
    if client is None:
        client = HttpxBackendClient(
            settings.backend_url, settings.kiosk_token, settings.request_timeout, ca_file=settings.backend_ca_file
        )
    sender = Sender(outbox, client, settings, translation_ready=translation_ready, on_receipt=on_receipt)
    outbox.notify = sender.wake
    return Delivery(outbox, sender, client)
