"""What matching tells the apps above it. Receivers are wired in ``mentoring/wiring.py``."""

from __future__ import annotations

from dataclasses import dataclass

from lib.events import Event
from matching.models import Pair


@dataclass(frozen=True)
class PairEnded:
    """A pair ended: one of its people ended it (``pair_end``) or withdrew from the program.
    Sent once per pair, inside that transaction, once the pair is marked ended."""

    pair: Pair


pair_ended: Event[PairEnded] = Event("matching.pair_ended")
