"""Admin API: provision and revoke kiosks, manage user accounts, set retention and run the purge.

Accounts also show a login lockout (and can be unlocked) and whether TOTP is set up (and can be reset);
the TOTP policy makes it mandatory for officers and admins.
"""

from uuid import UUID

from fastapi import APIRouter

from backend.http.auth import Admin, AdminChanging, Backend
from backend.http.errors import describe
from backend.services.errors import not_found
from backend.services.schemas import (
    KioskRequest,
    KioskView,
    PasswordReset,
    ProvisionedKiosk,
    PurgeReport,
    Retention,
    TotpPolicy,
    UserRequest,
    UserView,
)
from backend.wiring import Services

router = APIRouter(prefix="/api/admin", tags=["admin"])


@router.get("/kiosks", response_model=list[KioskView], responses=describe(401, 403))
def kiosks(admin: Admin, backend: Backend) -> list[KioskView]:
    """All kiosks with their last heartbeat: outbox backlog, last error, version."""
    return backend.kiosks.all()


@router.post("/kiosks", response_model=ProvisionedKiosk, status_code=201, responses=describe(401, 403, 409, 422))
def provision_kiosk(request: KioskRequest, admin: AdminChanging, backend: Backend) -> ProvisionedKiosk:
    """A new kiosk; its token is in this answer only (the backend keeps just a hash)."""
    kiosk, token = backend.kiosks.provision(request.name, request.location, admin.actor)
    return ProvisionedKiosk(kiosk=kiosk, token=token, public_key=backend.keys.public_key)


@router.post("/kiosks/{kiosk_id}/revoke", response_model=KioskView, responses=describe(401, 403, 404, 422))
def revoke_kiosk(kiosk_id: UUID, admin: AdminChanging, backend: Backend) -> KioskView:
    """The kiosk's token stops working at once."""
    return backend.kiosks.revoke(kiosk_id, admin.actor)


def _view(backend: Services, user: UserView) -> UserView:
    locked_until = backend.throttle.locked_users(backend.clock()).get(user.id)
    return user.model_copy(update={"locked_until": locked_until, "totp_enrolled": backend.totp.enrolled(user.id)})


def _user(backend: Services, user_id: UUID) -> UserView:
    user = backend.accounts.user(user_id)
    if user is None:
        raise not_found("user")
    return user


@router.get("/users", response_model=list[UserView], responses=describe(401, 403))
def users(admin: Admin, backend: Backend) -> list[UserView]:
    """All accounts, with a lockout after failed logins (locked_until) and whether TOTP is set up."""
    locked = backend.throttle.locked_users(backend.clock())
    enrolled = backend.totp.enrolled_users()
    return [
        user.model_copy(update={"locked_until": locked.get(user.id), "totp_enrolled": user.id in enrolled})
        for user in backend.accounts.users()
    ]


@router.post("/users/{user_id}/unlock", response_model=UserView, responses=describe(401, 403, 404, 422))
def unlock_user(user_id: UUID, admin: AdminChanging, backend: Backend) -> UserView:
    """End a lockout after failed logins now, and clear the account's count of failures (audited)."""
    user = _user(backend, user_id)
    backend.throttle.unlock(user, admin.actor)
    return _view(backend, user)


@router.post("/users/{user_id}/totp/reset", response_model=UserView, responses=describe(401, 403, 404, 422))
def reset_totp(user_id: UUID, admin: AdminChanging, backend: Backend) -> UserView:
    """Remove the account's TOTP (a lost phone): its sessions end and it sets TOTP up again (audited)."""
    user = _user(backend, user_id)
    backend.totp.reset(user, admin.actor)
    return _view(backend, user)


@router.get("/totp-policy", response_model=TotpPolicy, responses=describe(401, 403))
def totp_policy(admin: Admin, backend: Backend) -> TotpPolicy:
    return TotpPolicy(required=backend.totp.required())


@router.put("/totp-policy", response_model=TotpPolicy, responses=describe(401, 403, 422))
def set_totp_policy(request: TotpPolicy, admin: AdminChanging, backend: Backend) -> TotpPolicy:
    """Mandatory TOTP for officers and admins: one without it can only set it up after the password login."""
    return TotpPolicy(required=backend.totp.set_required(request.required, admin.actor))


@router.post("/users", response_model=UserView, status_code=201, responses=describe(401, 403, 409, 422))
def create_user(request: UserRequest, admin: AdminChanging, backend: Backend) -> UserView:
    return UserView.model_validate(
        backend.accounts.create_user(request.name, request.role, request.password, admin.actor)
    )


@router.post("/users/{user_id}/disable", response_model=UserView, responses=describe(401, 403, 404, 409, 422))
def disable_user(user_id: UUID, admin: AdminChanging, backend: Backend) -> UserView:
    """The account can no longer log in; its open sessions end at once."""
    return UserView.model_validate(backend.accounts.set_disabled(user_id, True, admin.actor))


@router.post("/users/{user_id}/enable", response_model=UserView, responses=describe(401, 403, 404, 422))
def enable_user(user_id: UUID, admin: AdminChanging, backend: Backend) -> UserView:
    return UserView.model_validate(backend.accounts.set_disabled(user_id, False, admin.actor))


@router.post("/users/{user_id}/password", response_model=UserView, responses=describe(401, 403, 404, 422))
def reset_password(user_id: UUID, request: PasswordReset, admin: AdminChanging, backend: Backend) -> UserView:
    """Set a new password; the account's open sessions end."""
    return UserView.model_validate(backend.accounts.reset_password(user_id, request.password, admin.actor))


@router.get("/retention", response_model=Retention, responses=describe(401, 403))
def retention(admin: Admin, backend: Backend) -> Retention:
    return Retention(retention_days=backend.retention.days())


@router.put("/retention", response_model=Retention, responses=describe(401, 403, 422))
def set_retention(request: Retention, admin: AdminChanging, backend: Backend) -> Retention:
    """Days a finished case keeps its personal data before the purge removes it."""
    return Retention(retention_days=backend.retention.set_days(request.retention_days, admin.actor))


@router.post("/purge", response_model=PurgeReport, responses=describe(401, 403))
def purge(admin: AdminChanging, backend: Backend) -> PurgeReport:
    """Run the retention purge now (serve also runs it on its own, regularly)."""
    return PurgeReport(purged_cases=backend.retention.purge(backend.clock(), admin.actor))
