"""Pilot dashboard API: aggregates per location, kiosk and week, as JSON for the charts and as CSV.

Only usage events and kiosk heartbeats are read, never cases. Every count passes services/anonymity.py first, so
a hidden number (1 to 4 sessions, or one that would give such a count back) is null in JSON and "verborgen" in
CSV, whatever filter the caller chose. Every CSV cell goes through services/spreadsheet.py (no formulas).
(No `from __future__ import annotations`: FastAPI must see the Annotated dependencies at run time.)
"""

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from backend.http.auth import Backend, UsageReader
from backend.http.errors import ApiError, describe
from backend.services.anonymity import K_MIN
from backend.services.presenter import dutch_catalog
from backend.services.session_fold import UsageRecord
from backend.services.spreadsheet import SafeWriter
from backend.services.weeks import BadWeek, Week, parse_week, recent_weeks, week_of
from backend.wiring import Services
from domain.languages import LANGUAGES

if TYPE_CHECKING:
    from backend.services.dashboard import Week as WeekFigures

router = APIRouter(prefix="/api/dashboard", tags=["pilot dashboard"])

HIDDEN = "verborgen"
TREND_WEEKS = 8
WEEK_CHOICES = 26
WeekParam = Annotated[str | None, Query(pattern=r"^\d{4}-W\d{2}$", description="ISO week, e.g. 2026-W48")]
LocationParam = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]


def _figures(events: Iterable[UsageRecord], service_steps: dict[str, list[str]]) -> "WeekFigures":
    """One week's figures, every view decided together (numpy, loaded by the first dashboard request)."""
    from backend.services.dashboard import Week as WeekFigures

    return WeekFigures(events, service_steps)


def _week(backend: Services, text: str | None) -> Week:
    if text is None:
        return week_of(backend.clock())
    try:
        return parse_week(text)
    except BadWeek as error:
        raise ApiError(422, "invalid_week", str(error)) from None


# Plain rows with just these columns load several times faster than ORM objects; they fit UsageRecord.
def _trend(backend: Services, week: Week, service_steps: dict[str, list[str]], location: str | None,
           kiosk: str | None) -> list[dict[str, Any]]:
    """Sessions per week for the same view, each decided exactly as that week's own dashboard decides it."""
    weeks = recent_weeks(week, TREND_WEEKS)
    events = backend.usage.sessions_started(weeks[0].start, weeks[-1].end)
    firsts: dict[Any, str] = {}
    for event in sorted(events, key=lambda e: e.at):
        firsts.setdefault(event.session, week_of(event.at).label)
    members: dict[str, list[Any]] = defaultdict(list)
    for event in events:
        members[firsts[event.session]].append(event)
    return [{"week": w.label, "sessions": _figures(members[w.label], service_steps).sessions(location, kiosk)}
            for w in weeks]


def _labels(backend: Services) -> dict[str, Any]:
    catalog = dutch_catalog(backend.settings.assets_dir)
    steps = {step.id: catalog.text(step.title_key) for schema in backend.catalog for step in schema.steps}
    return {
        "services": {s.case_type: catalog.text(s.title_key) for s in backend.catalog},
        "steps": steps,
        "languages": {language.code: language.dutch_name for language in LANGUAGES},
    }


def dashboard_data(
    backend: Services, week_text: str | None, location: str | None, kiosk: UUID | None
) -> dict[str, Any]:
    week = _week(backend, week_text)
    service_steps = {schema.case_type: [step.id for step in schema.steps] for schema in backend.catalog}
    kiosk_key = str(kiosk) if kiosk else None
    figures = _figures(backend.usage.sessions_started(week.start, week.end), service_steps).view(location, kiosk_key)
    kiosks = [k for k in backend.kiosks.all() if (location is None or k.location == location)
              and (kiosk is None or k.id == kiosk)]
    names = {k.id: k.name for k in backend.kiosks.all()}
    now = backend.clock()
    uptime = backend.heartbeats.uptime(kiosks, week.start, week.end, now)
    return {
        "week": week.label,
        "weeks": [w.label for w in reversed(recent_weeks(week_of(now), WEEK_CHOICES))],
        "filters": {"location": location, "kiosk": str(kiosk) if kiosk else None},
        "k": K_MIN,
        "labels": _labels(backend),
        **asdict(figures),
        "trend": _trend(backend, week, service_steps, location, kiosk_key),
        "by_kiosk": [{"kiosk": names.get(UUID(row["kiosk"]), "?"), "sessions": row["sessions"]}
                     for row in figures.by_kiosk],
        "conversions": backend.cases.conversions(week.start, week.end),  # the whole region, whatever the filter
        "uptime": [{"kiosk": k.name, "location": k.location, "uptime": uptime[k.id],
                    "last_heartbeat_at": k.last_heartbeat_at, "revoked": k.revoked_at is not None} for k in kiosks],
    }


def _options(backend: Services) -> dict[str, Any]:
    kiosks = backend.kiosks.all()
    return {
        "locations": sorted({k.location for k in kiosks}),
        "kiosks": [{"id": str(k.id), "name": k.name, "location": k.location} for k in kiosks],
    }


@router.get("", responses=describe(401, 403, 422))
def dashboard(
    reader: UsageReader, backend: Backend, week: WeekParam = None,
    location: LocationParam = None, kiosk: UUID | None = None,
) -> dict[str, Any]:
    """Sessions, funnel and drop-off, abandon reasons, languages, services, calls, ratings, uptime for one week."""
    data = dashboard_data(backend, week, location, kiosk)
    return data | {"options": _options(backend)}


def _cell(value: Any) -> str:
    return HIDDEN if value is None else str(value)


def dashboard_csv(data: dict[str, Any]) -> str:
    """The aggregates as rows: section, key, measure, value (hidden numbers read "verborgen")."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["week", "location", "kiosk", "section", "key", "measure", "value"])
    scope = [data["week"], data["filters"]["location"] or "alle", data["filters"]["kiosk"] or "alle"]

    def row(section: str, key: Any, measure: str, value: Any) -> None:
        writer.writerow([*scope, section, key, measure, _cell(value)])

    row("totaal", "", "sessies", data["sessions"])
    row("totaal", "", "verstuurd", data["submitted"])
    for stage in data["funnel"]:
        row("funnel", stage["stage"], "sessies", stage["reached"])
        row("funnel", stage["stage"], "hier gestopt", stage["left"])
    for service, steps in data["steps"].items():
        for step in steps:
            row(f"stappen:{service}", step["step"], "bereikt", step["reached"])
            row(f"stappen:{service}", step["step"], "afgehaakt", step["dropped"])
    for name, key in (("abandon_reasons", "reason"), ("languages", "language"),
                      ("services", "service"), ("by_location", "location"), ("by_kiosk", "kiosk"), ("trend", "week")):
        for item in data[name]:
            row(name, item[key], "sessies", item["sessions"])
    for item in data["satisfaction"]["ratings"]:
        row("tevredenheid", item["rating"], "sessies", item["sessions"])
    row("tevredenheid", "", "gemiddelde", data["satisfaction"]["mean"])
    calls = data["calls"]
    row("gesprekken", "", "aangevraagd", calls["requested"])
    row("gesprekken", "", "verbonden", calls["connected"])
    for measure in ("wait_ms", "duration_ms"):
        spread = calls[measure] or {}
        for point in ("p50", "p90"):
            row("gesprekken", measure, point, spread.get(point))
    for item in data["uptime"]:
        row("uptime", item["kiosk"], "aandeel", item["uptime"] if item["uptime"] is not None else "onbekend")
    return out.getvalue()


@router.get(".csv", responses=describe(401, 403, 422), response_class=Response)
def dashboard_export(
    reader: UsageReader, backend: Backend, week: WeekParam = None,
    location: LocationParam = None, kiosk: UUID | None = None,
) -> Response:
    """The same aggregates as CSV, small cells suppressed."""
    data = dashboard_data(backend, week, location, kiosk)
    name = f"politieloket-{data['week']}.csv"
    return Response(dashboard_csv(data), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
