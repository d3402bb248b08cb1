"""Login throttling, counted in the `login_attempt` table so that the limits hold
across every worker process (an in-memory counter would count per worker).

Each attempt is recorded as a failure and committed *before* the password is checked,
then the recent failures are counted, the new one included; a successful login marks
its row as succeeded. So concurrent attempts on several workers all see each other, and
no more than the limit are ever checked, however the requests interleave.

Limits (app config): LOGIN_FAILURES_PER_ACCOUNT failures per account name (since its
last successful login) and LOGIN_FAILURES_PER_ADDRESS failures per client address,
both within LOGIN_WINDOW_SECONDS. Refused attempts are not recorded and not checked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import LoginAttempt
from ..transactions import write_transaction

ACCOUNT_LENGTH = 80
ADDRESS_LENGTH = 64


def now_utc() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything here is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def account_key(name: str) -> str:
    """The account name as throttling counts it: "Alice " and "alice" are one account."""
    return name.strip().casefold()[:ACCOUNT_LENGTH]


@dataclass(frozen=True)
class Attempt:
    id: int
    # Seconds until an attempt would be allowed, when this one is refused.
    retry_after: int | None


def _retry_after(
    failures: list[datetime], limit: int, window: timedelta, now: datetime
) -> int | None:
    """With `failures` (earlier failures, oldest first) in the window, seconds until one
    more attempt fits under `limit`, or None if it fits now."""
    if len(failures) < limit:
        return None
    expires = _aware(failures[len(failures) - limit]) + window
    return max(1, math.ceil((expires - now).total_seconds()))


def begin(session: Session, account: str, address: str) -> Attempt:
    """Record a login attempt (as a failure, committed) and decide whether it may be
    checked. A refused attempt is deleted again: only checked attempts count."""
    config = current_app.config
    window = timedelta(seconds=int(config["LOGIN_WINDOW_SECONDS"]))
    account, address = account_key(account), address[:ADDRESS_LENGTH]
    attempt = LoginAttempt(account=account, address=address, at=now_utc(), succeeded=False)
    with write_transaction():  # the write lock up front (SQLite), see app/transactions.py
        session.add(attempt)
    attempt_id = attempt.id

    now = now_utc()
    since = now - window
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.account == account, LoginAttempt.succeeded.is_(True)
        )
    )
    account_since = max(since, _aware(last_success)) if last_success else since
    earlier = LoginAttempt.id != attempt.id
    by_account = session.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.account == account, LoginAttempt.succeeded.is_(False))
        .where(LoginAttempt.at > account_since, earlier)
        .order_by(LoginAttempt.at)
    ).all()
    by_address = session.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.address == address, LoginAttempt.succeeded.is_(False))
        .where(LoginAttempt.at > since, earlier)
        .order_by(LoginAttempt.at)
    ).all()
    waits = [
        wait
        for wait in (
            _retry_after(list(by_account), int(config["LOGIN_FAILURES_PER_ACCOUNT"]), window, now),
            _retry_after(list(by_address), int(config["LOGIN_FAILURES_PER_ADDRESS"]), window, now),
        )
        if wait is not None
    ]
    if waits:
        with write_transaction():
            session.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt_id))
        return Attempt(attempt_id, max(waits))
    return Attempt(attempt_id, None)


def succeeded(session: Session, attempt: Attempt) -> None:
    """Mark the attempt as a successful login (the caller commits)."""
    row = session.get(LoginAttempt, attempt.id)
    if row is not None:
        row.succeeded = True
