"""What a running app holds for its requests, in one container: `app.state.running`.

The services (built once from Settings, backend/wiring.py) and, once the call WebSockets are installed, the call
queue and the writer that stores the calls' usage events (routes/signalling.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.applications import Starlette

from backend.wiring import Services

if TYPE_CHECKING:
    from backend.http.call_events import CallEventWriter
    from backend.services.calls import Calls


@dataclass
class Running:
    services: Services
    calls: Calls | None = None
    call_events: CallEventWriter | None = None


def running(app: Starlette) -> Running:
    found: Running = app.state.running
    return found
