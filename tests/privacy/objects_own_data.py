"""Object cases for a person's own data (see tests/privacy/objects.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from people.archive import data_export_build
from people.models import DataExport
from tests.privacy.objects import ObjectCase


def _ready_export(w: Any, p: Any) -> ObjectCase:
    """The mentee's archive, built by the real task: only the mentee downloads it."""
    export = DataExport.objects.create(person=p["mentee"])
    data_export_build(export_id=export.pk)
    return ObjectCase({"export_id": export.pk}, frozenset({"mentee"}))


CASES: dict[str, Callable[[Any, Any], Any]] = {"people:data_export_download": _ready_export}
