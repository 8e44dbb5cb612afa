"""The typed event that every app declares its cross-app events with.

An app that must let apps above it react to something (an enrolment withdrawn, a pair
ended) declares an ``Event`` in its own ``events.py``, with a frozen dataclass as its
payload, and sends it from the service where the thing happens. The app never learns who
reacts: receivers are connected in one table in the project package,
``mentoring/wiring.py``, the only module that knows every app.

The type lives in the ground (``lib``), which every app may import; it imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Payload = TypeVar("Payload")
Receiver = Callable[[Payload], None]


class Event(Generic[Payload]):
    """Something that happened in one app, with the receivers that react to it.

    ``send`` calls the receivers here and now, in the order they were connected, inside
    the sender's transaction: a cascade commits or rolls back with the write that caused
    it, and an error in a receiver reaches the sender. Side effects outside the database
    (e-mails) are the receivers' to enqueue after the commit.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Receiver[Payload]] = []

    def __repr__(self) -> str:
        return f"<Event {self.name}>"

    @property
    def receivers(self) -> tuple[Receiver[Payload], ...]:
        return tuple(self._receivers)

    def connect(self, receiver: Receiver[Payload]) -> None:
        """Add a receiver once: connecting the same one again changes nothing."""
        if receiver not in self._receivers:
            self._receivers.append(receiver)

    def send(self, payload: Payload) -> None:
        for receiver in self._receivers:
            receiver(payload)
