"""Activation codes (激活码): an account created without a password gets a one-time code, printed on paper; whoever
types it sets the account's first password. Only a keyed digest of each code is stored, so neither the database nor
the logs can give a code back.

Failed attempts are written to the login log (channel "activate") and counted per client address: an address with
too many failures in the lockout window must wait, as with logins.
"""

import dataclasses
import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from suzhi.core import oplog, request_context
from suzhi.core.codes import normalise_code
from suzhi.core.error_codes import CoreErrors
from suzhi.core.errors import AccountLocked, ValidationFailed
from suzhi.core.models import ActivationCode, LoginLog, User
from suzhi.core.params import ACTIVATION_CODE_DAYS, ACTIVATION_CODE_DAYS_DEFAULT, positive_int
from suzhi.core.services.auth import check_new_password

# No look-alikes: no 0/O, 1/I/L; upper case only, so what is read off paper is typed as it is.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
CHANNEL = "activate"
# What the login log keeps as the name of a failed attempt: never the typed code.
LOGGED_NAME = "激活码"
# Failed activations from one address within the login lockout window before it must wait. Higher than the login
# threshold: the people of one workplace often share an address, and a code has about 49 bits.
DEFAULT_FAILURES = 20


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _position in range(CODE_LENGTH))


def code_digest(code: str) -> str:
    """A digest keyed with the site's secret: a copied table cannot be searched for codes offline."""
    return salted_hmac("suzhi.activation-code", normalise_code(code)).hexdigest()


def activation_code_days() -> int:
    return positive_int(ACTIVATION_CODE_DAYS, ACTIVATION_CODE_DAYS_DEFAULT)


def activation_codes_issue(
    *, actor: User, users: Iterable[User], now: datetime.datetime | None = None
) -> dict[int, str]:
    """New codes for `users` (accounts the caller has already been allowed to manage), in one INSERT; earlier unused
    codes of those accounts stop working. Returns {user id: plain code}, the only place the codes exist. Runs
    inside the calling service's transaction, which writes the operation-log row."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("activation codes are issued inside the calling service's transaction")
    now = now or timezone.now()
    expires = now + datetime.timedelta(days=activation_code_days())
    ids = [user.pk for user in users]
    ActivationCode.objects.filter(user_id__in=ids, used_at__isnull=True).update(used_at=now)
    codes = {user_id: new_code() for user_id in ids}
    ActivationCode.objects.bulk_create([
        ActivationCode(user_id=user_id, code_hash=code_digest(code), created_by=actor, expires_at=expires)
        for user_id, code in codes.items()
    ])
    return codes


@dataclasses.dataclass(frozen=True)
class CodeState:
    """What a code is, for the page that asks for a new password: usable, or why not (a Chinese message)."""

    code: ActivationCode | None
    refusal: str | None


def _failures_allowed() -> int:
    return int(getattr(settings, "ACTIVATION_LOCKOUT_FAILURES", DEFAULT_FAILURES))


def _locked(ip: str | None, now: datetime.datetime) -> datetime.datetime | None:
    """When this address may try again, or None: counted from the login log, so every app server agrees."""
    window = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    failures = list(
        LoginLog.objects.filter(channel=CHANNEL, ip=ip, success=False, created_at__gte=now - window)
        .order_by("-created_at").values_list("created_at", flat=True)[:_failures_allowed()]
    )
    if len(failures) < _failures_allowed():
        return None
    return failures[-1] + window


def _log(*, user: User | None, ok: bool) -> None:
    info = request_context.current()
    LoginLog.objects.create(
        username=user.username if user is not None and ok else LOGGED_NAME, user=user if ok else None,
        organisation_id=getattr(user, "organisation_id", None) if ok else None, ip=info.ip,
        user_agent=info.user_agent, channel=CHANNEL, success=ok,
        reason=LoginLog.Reason.OK if ok else LoginLog.Reason.BAD_CREDENTIALS,
    )


def _refusal(found: ActivationCode | None, now: datetime.datetime) -> str | None:
    if found is None:
        return _("This activation code is not valid. Check it against your activation sheet.")
    if found.used_at is not None:
        if found.user.has_usable_password():
            return _("This activation code has been used already. Log in with your password, or ask your "
                     "organisation's administrator to reset it.")
        return _("This activation code has been replaced by a newer one. Use the code on your latest sheet.")
    if found.expires_at <= now:
        return _("This activation code expired on %(date)s. Ask your organisation's administrator for a new one.") % {
            "date": timezone.localtime(found.expires_at).strftime("%Y-%m-%d")}
    if not found.user.is_active:
        return _("This account has been disabled.")
    return None


def _ensure_not_locked(now: datetime.datetime) -> None:
    until = _locked(request_context.current().ip, now)
    if until is not None:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        raise AccountLocked(
            _("Too many wrong activation codes from this network. Try again in %(minutes)d minutes.")
            % {"minutes": minutes},
            detail={"locked_until": until.isoformat()},
        )


def activation_code_check(*, code: str) -> CodeState:
    """Whether `code` may be used now. A wrong code counts as a failed attempt (this is what a guesser calls)."""
    now = timezone.now()
    _ensure_not_locked(now)
    found = ActivationCode.objects.select_related("user").filter(code_hash=code_digest(code)).first()
    refusal = _refusal(found, now)
    if refusal is not None:
        with transaction.atomic():
            _log(user=None, ok=False)
    return CodeState(code=found if refusal is None else None, refusal=refusal)


def account_activate(*, code: str, password: str) -> User:
    """Spend the code: the account gets `password` (checked by the password policy) as its first own password.
    A wrong, spent or expired code is refused with a clear message and counted against the client's address."""
    now = timezone.now()
    _ensure_not_locked(now)
    digest = code_digest(code)
    with transaction.atomic():
        found = ActivationCode.objects.select_for_update().filter(code_hash=digest).first()
        if found is not None:
            found.user = User.objects.get(pk=found.user_id)
        refusal = _refusal(found, now)
        if refusal is None:
            assert found is not None
            user = found.user
            try:
                check_new_password(user=user, password=password)
            except ValidationFailed as exc:
                raise ValidationFailed(exc.message, detail=[{**item, "field": "password"} for item in exc.detail or []]
                                       ) from exc
            user.set_password(password)
            user.must_change_password = False
            user.password_changed_at = now
            user.save(update_fields=["password", "must_change_password", "password_changed_at"])
            ActivationCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
            oplog.record(actor=user, action="user.account_activate", obj=user,
                         summary=_("Activated own account with an activation code"))
            _log(user=user, ok=True)
            return user
    # Logged outside the block above, which a refusal leaves without writing anything.
    with transaction.atomic():
        _log(user=None, ok=False)
    message = refusal
    raise ValidationFailed(message, code=CoreErrors.ACTIVATION_CODE_REFUSED,
                           detail=[{"field": "code", "message": message}])
