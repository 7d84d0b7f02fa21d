"""A delivery's states and the only moves between them: one small, pure state machine.

pending -> sending -> sent, or -> failed; a failed or interrupted (still `sending`)
delivery can start again, resuming from what the destination confirmed. `sent` is final.
The store (app/sending/deliveries.py) writes each new state in a transaction before and
after every step, so a kill leaves a state this machine can carry on from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from app.errors import UsageError


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryStatus:
    """Where one bundle stands for one destination."""

    state: DeliveryState = DeliveryState.PENDING
    confirmed: int = 0  # bytes the destination confirmed holding
    resume_location: str | None = None  # upload URL or partial file name, while unsent
    attempts: int = 0
    sent_at: str | None = None
    location: str | None = None  # where the bundle is now, once sent
    reason: str | None = None  # the last failure's one-line reason
    retryable: bool | None = None

    def can_start(self, *, explicit: bool = False) -> bool:
        """Whether a send should take it: pending, interrupted, or failed in a way
        that sending again can help; any unsent one when the person named it."""
        if self.state == DeliveryState.SENT:
            return False
        if self.state == DeliveryState.FAILED and not self.retryable:
            return explicit
        return True


class TransitionError(UsageError):
    """A move the machine does not allow (a bug in the caller, or a stale row)."""


def start(status: DeliveryStatus, *, explicit: bool = False) -> DeliveryStatus:
    if not status.can_start(explicit=explicit):
        raise TransitionError(f"a {status.state} delivery cannot be sent again")
    return replace(status, state=DeliveryState.SENDING, attempts=status.attempts + 1)


def save_progress(status: DeliveryStatus, location: str, confirmed: int) -> DeliveryStatus:
    if status.state != DeliveryState.SENDING:
        raise TransitionError(f"progress saved for a {status.state} delivery")
    if confirmed < 0:
        raise TransitionError("a negative offset")
    return replace(status, resume_location=location, confirmed=confirmed)


def succeed(status: DeliveryStatus, location: str, at: str, size: int) -> DeliveryStatus:
    if status.state != DeliveryState.SENDING:
        raise TransitionError(f"a {status.state} delivery cannot become sent")
    return replace(
        status,
        state=DeliveryState.SENT,
        confirmed=size,
        resume_location=None,
        sent_at=at,
        location=location,
        reason=None,
        retryable=None,
    )


def fail(status: DeliveryStatus, reason: str, *, retryable: bool) -> DeliveryStatus:
    """The resume state is kept: the next send asks the destination where it stands."""
    if status.state != DeliveryState.SENDING:
        raise TransitionError(f"a {status.state} delivery cannot fail")
    return replace(status, state=DeliveryState.FAILED, reason=reason, retryable=retryable)


def reset(status: DeliveryStatus) -> DeliveryStatus:
    """The destination's transport changed: what the old one held means nothing to the
    new one (resuming would reach the old server), so start over, unless sent."""
    if status.state == DeliveryState.SENT:
        return status
    return replace(
        status,
        state=DeliveryState.PENDING,
        confirmed=0,
        resume_location=None,
        reason=None,
        retryable=None,
    )
