"""Calls for the kiosk app: built from Settings, run on their own asyncio loop in a background thread.

    calls = CallService(settings, translator)         # once, at start-up
    handle = calls.start(language, service, session_id, intake, on_view)
    handle.say("...") / handle.set_muted(True) / handle.hang_up()
    handle.frames                                     # the officer's video for the screen

`on_view` is called on the call thread: a Kivy screen hops to the main thread before touching widgets.
The loop runs in a thread so that the touchscreen never waits for aiortc (and works whether or not the app
itself runs on asyncio). aiortc, PyAV and the loop load on the first call, not when the kiosk starts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import uuid
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from domain.call import CallRequest, IceServer
from domain.chat import Caption, IntakeSummary, Sender
from domain.forms import SIGNATURE_CASE_TYPE, TRANSCRIPT_CASE_TYPE, FormCatalog, FormSchema
from domain.payload import CasePayload
from domain.statement import Statement, Stroke
from kiosk.call.chat import ChatTranslation
from kiosk.call.frames import LatestFrame
from kiosk.call.ports import Peer, PeerState, Signalling, StatementSealer, TranscriptKeeper
from kiosk.call.session import CallSession, CallTiming
from kiosk.call.signature import signature_payload
from kiosk.call.transcript import transcript_payload
from kiosk.call.view import CallView
from kiosk.settings import Settings
from kiosk.translation.ports import TextTranslator

if TYPE_CHECKING:
    from kiosk.call.media import LocalMedia, MediaDevices
    from kiosk.captions.call_captions import CallCaptions
    from kiosk.captions.captioner import CaptionEngines


def timing_from(settings: Settings) -> CallTiming:
    return CallTiming(
        no_answer_s=settings.call_no_answer_seconds,
        connect_s=settings.call_connect_seconds,
        silence_s=settings.call_silence_seconds,
        reconnect_s=settings.call_reconnect_seconds,
    )


def devices_from(settings: Settings) -> MediaDevices:
    from kiosk.call.media import MediaDevices

    return MediaDevices(
        camera=settings.call_camera,
        microphone=settings.call_microphone,
        speaker=settings.call_speaker,
        video_size=settings.call_video_size,
        test_media=settings.call_test_media,
    )


class CallLoop:
    """An asyncio event loop in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="call-loop", daemon=True)
        self._thread.start()

    def submit(self, work: Coroutine[Any, Any, Any]) -> concurrent.futures.Future[Any]:
        return asyncio.run_coroutine_threadsafe(work, self.loop)

    def stop(self) -> None:
        """Cancel what still runs (media relays, a call being torn down), then stop the loop."""

        async def cancel_all() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._thread.is_alive():
            with contextlib.suppress(concurrent.futures.TimeoutError):
                self.submit(cancel_all()).result(timeout=10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=10)


class CallHandle:
    """The screen's grip on one call; every method may be called from any thread."""

    def __init__(self, loop: CallLoop, session: CallSession, frames: LatestFrame, own: LatestFrame) -> None:
        self._loop = loop
        self._session = session
        self.frames = frames  # the officer's picture
        self.own = own  # the kiosk's own camera: the resident sees themselves from "start" on
        self.finished: concurrent.futures.Future[CallView] | None = None

    @property
    def call_id(self) -> str:
        return self._session.call_id

    @property
    def view(self) -> CallView:
        return self._session.view

    def say(self, text: str) -> None:
        self._loop.submit(self._session.say(text))

    def set_muted(self, muted: bool) -> None:
        self._loop.loop.call_soon_threadsafe(self._session.set_muted, muted)

    def set_captions(self, on: bool) -> None:
        self._loop.loop.call_soon_threadsafe(self._session.set_captions, on)

    def hang_up(self) -> None:
        self._loop.submit(self._session.hang_up())

    def leave_for_alternative(self) -> None:
        self._loop.submit(self._session.leave_for_alternative())

    def sign_statement(self, strokes: tuple[Stroke, ...] | None) -> concurrent.futures.Future[bool]:
        """Signed with these finger strokes (0..1 of the pad), or refused (None); True once sealed."""
        return self._loop.submit(self._session.sign_statement(strokes))


class CallService:
    def __init__(
        self,
        settings: Settings,
        translator: TextTranslator,
        loop: CallLoop | None = None,
        captions: Callable[[], CaptionEngines | None] | None = None,
        put_case: Callable[[CasePayload], None] | None = None,
    ) -> None:
        self._settings = settings
        self._translator = translator
        self._loop = loop
        self._captions = captions  # loads the speech model on the first call; None: no captions
        self._put_case = put_case  # the outbox: a transcript the officer keeps is sealed and sent like a case
        self._transcript_form: FormSchema | None = None  # read from the forms once, on the first call
        self._signature_form: FormSchema | None = None
        self._handles: list[CallHandle] = []

    @property
    def available(self) -> bool:
        return bool(self._settings.backend_url and self._settings.kiosk_token)

    def start(
        self,
        language: str,
        service: str | None,
        session_id: uuid.UUID,
        intake: IntakeSummary,
        on_view: Callable[[CallView], None],
        linked_case: str | None = None,
    ) -> CallHandle:
        from kiosk.call.aiortc_call import AiortcCall, pin_host_addresses
        from kiosk.call.media import open_local_media, open_speaker, resident_audio, show_own_picture
        from kiosk.call.websocket_signalling import WebsocketSignalling

        if self._loop is None:
            pin_host_addresses(self._settings.call_host_addresses)
            self._loop = CallLoop()
        loop, devices = self._loop, devices_from(self._settings)
        request = CallRequest(str(uuid.uuid4()), str(session_id), language, service)
        frames, own = LatestFrame(), LatestFrame()
        media: list[LocalMedia] = []  # opened on the call loop as the call starts
        engines = self._captions() if self._captions is not None else None
        captions = self._call_captions(engines, language, loop, lambda: session)

        async def signalling() -> Signalling:
            return await WebsocketSignalling.open(
                self._settings.backend_url, self._settings.kiosk_token, ca_file=self._settings.backend_ca_file
            )

        def peer(on_state: Callable[[PeerState], None], on_message: Callable[[str], None]) -> Peer:
            if not media:
                media.append(open_local_media(devices))
            officer_audio = None if captions is None else lambda track: captions.hear(Sender.OFFICER, track)
            return AiortcCall(media[0], frames, lambda: open_speaker(devices), on_state, on_message, officer_audio)

        session = CallSession(
            request,
            intake,
            signalling,
            peer,
            ChatTranslation(self._translator, language),
            on_view,
            timing=timing_from(self._settings),
            kiosk_ice=(IceServer(self._settings.call_stun_urls),) if self._settings.call_stun_urls else (),
            captions=captions,
            keep_transcript=self._transcript_keeper(request.call_id, language, linked_case),
            seal_statement=self._statement_sealer(),
        )

        async def run() -> CallView:
            # The camera goes on when the resident starts the call (never before), so they see themselves while
            # they wait; it goes off when the call ends.
            media.append(open_local_media(devices))
            mirror = asyncio.ensure_future(show_own_picture(media[0], own))
            if captions is not None:  # what the resident says, after mute: a muted microphone is not listened to
                captions.hear(Sender.RESIDENT, resident_audio(media[0]))
            try:
                return await session.run()
            finally:
                mirror.cancel()
                for opened in media:
                    opened.stop()

        handle = CallHandle(loop, session, frames, own)
        handle.finished = loop.submit(run())
        self._handles = [h for h in self._handles if h.finished and not h.finished.done()] + [handle]
        return handle

    def _transcript_keeper(self, call_id: str, language: str, linked_case: str | None) -> TranscriptKeeper | None:
        put_case = self._put_case
        if put_case is None:
            return None
        if self._transcript_form is None:
            self._transcript_form = FormCatalog.load(self._settings.forms_dir).get(TRANSCRIPT_CASE_TYPE)
        schema = self._transcript_form

        def keep(turns: Sequence[Caption], kept_by: str) -> None:  # on a worker thread, as the call ends
            now = datetime.now(UTC)
            put_case(transcript_payload(schema, call_id, language, turns, now, linked_case, kept_by))

        return keep

    def _statement_sealer(self) -> StatementSealer | None:
        put_case = self._put_case
        if put_case is None:
            return None
        if self._signature_form is None:
            self._signature_form = FormCatalog.load(self._settings.forms_dir).get(SIGNATURE_CASE_TYPE)
        schema = self._signature_form

        def seal(statement: Statement, digest: str, strokes: tuple[Stroke, ...] | None) -> None:  # a worker thread
            put_case(signature_payload(schema, statement, digest, strokes, datetime.now(UTC)))

        return seal

    @staticmethod
    def _call_captions(
        engines: CaptionEngines | None, language: str, loop: CallLoop, session: Callable[[], CallSession]
    ) -> CallCaptions | None:
        if engines is None:
            return None
        from kiosk.captions.call_captions import CallCaptions

        def heard(caption: Any) -> None:  # on a caption worker thread: over to the call loop
            loop.loop.call_soon_threadsafe(session().show_caption, caption.caption)

        return CallCaptions(engines, language, heard)

    def close(self, grace: float = 3.0) -> None:
        """Hang up a call still going (the officer is told why), then stop the loop."""
        for handle in self._handles:
            if handle.finished is not None and not handle.finished.done():
                handle.hang_up()
                with contextlib.suppress(Exception):
                    handle.finished.result(timeout=grace)
        if self._loop is not None:
            self._loop.stop()
