"""What programs tells the apps above it. Receivers are wired in ``mentoring/wiring.py``."""

from __future__ import annotations

from dataclasses import dataclass

from lib.events import Event
from programs.models import Enrolment


@dataclass(frozen=True)
class EnrolmentWithdrawn:
    """Someone withdrew from a program (``enrolment_withdraw``). Sent inside that
    transaction, once the enrolment is marked withdrawn."""

    enrolment: Enrolment


enrolment_withdrawn: Event[EnrolmentWithdrawn] = Event("programs.enrolment_withdrawn")
