"""PgListener: one PostgreSQL connection per worker that LISTENs, and says when it is up and when it was lost.

Its application_name names the worker, so the others see from pg_stat_activity whether it is alive: a killed
process's connection closes with it. Reconnects by itself; `on_lost` runs before every new attempt, so what
was learnt on the old connection can be thrown away (notifications sent meanwhile were missed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence

from sqlalchemy.engine import make_url

log = logging.getLogger("politieloket.calls")

RETRY_S = 1.0


def conninfo(database_url: str) -> str:
    """A SQLAlchemy postgresql+psycopg URL as libpq understands it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgListener:
    def __init__(
        self,
        database_url: str,
        application_name: str,
        channels: Sequence[str],
        on_notify: Callable[[str, str], None],  # (channel, payload), on the event loop
        on_lost: Callable[[], None],
    ) -> None:
        self._conninfo = conninfo(database_url)
        self._name = application_name
        self._channels = list(channels)
        self._on_notify = on_notify
        self._on_lost = on_lost
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        # Imported here: a backend on SQLite never listens, and psycopg costs it 50 ms at start-up (on PostgreSQL
        # SQLAlchemy has loaded it already).
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo, autocommit=True, application_name=self._name
                ) as connection:
                    for name in self._channels:
                        await connection.execute(f'LISTEN "{name}"')
                    self.ready.set()
                    async for notice in connection.notifies():
                        self._on_notify(notice.channel, notice.payload)
            except (psycopg.Error, OSError) as error:
                log.warning("the call bus connection failed: %s", type(error).__name__)
            self.ready.clear()
            self._on_lost()
            await asyncio.sleep(RETRY_S)
