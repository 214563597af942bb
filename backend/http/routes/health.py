"""GET /healthz: 200 while the database answers, 503 when it does not."""

from fastapi import APIRouter

from backend.http.auth import Backend
from backend.http.errors import ApiError, describe
from backend.services.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, responses=describe(503))
def health(backend: Backend) -> Health:
    if not backend.db.ping():
        raise ApiError(503, "database_unavailable", "the database is not reachable")
    return Health(status="ok")
