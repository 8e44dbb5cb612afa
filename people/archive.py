"""A person's own data as one zip archive: ``data.json``, ``index.html`` and the files
the apps add (``meetings.ics``), from every app registered in ``lib.personal_data``.

Built by the ``people.build_data_export`` task; stored under
``MENTORING_VAR_DIR/private/exports``, outside anything the web server serves.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import secrets
import zipfile
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lib.personal_data import export_sections
from people.models import DataExport, User

logger = logging.getLogger(__name__)

ARCHIVE_DAYS = 7  # how long a download link works


def exports_dir() -> Path:
    folder = Path(settings.MENTORING_PRIVATE_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def archive_path(export: DataExport) -> Path:
    return exports_dir() / export.file_name


def archive_bytes(person: User, *, now: dt.datetime) -> bytes:
    """The archive's content, in the person's language and time zone."""
    with (
        translation.override(person.language),
        timezone.override(zoneinfo.ZoneInfo(person.time_zone)),
    ):
        sections = export_sections(person)
        data = {
            "format": "mentoring-personal-data/1",
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "person_id": person.pk,
            **{registration.key: section.data for registration, section in sections},
        }
        index = render_to_string(
            "people/data_export/index.html",
            {"person": person, "created_at": now, "sections": sections},
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("index.html", index)
        for _registration, section in sections:
            for name, content in section.files.items():
                archive.writestr(name, content)
    return buffer.getvalue()


def data_export_build(*, export_id: int) -> bool:
    """Build one requested archive; False when another worker took it or it is gone.

    The claim is a conditional update, so a duplicate task does nothing. A worker killed
    while building leaves the row ``building``: the person asks again after
    ``STALE_BUILD`` (``data_export_request`` lets them)."""
    now = timezone.now()
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.BUILDING
    )
    if not claimed:
        return False
    export = DataExport.objects.select_related("person").get(pk=export_id)
    file_name = f"{secrets.token_urlsafe(24)}.zip"
    try:
        content = archive_bytes(export.person, now=now)
        (exports_dir() / file_name).write_bytes(content)
    except Exception:
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.READY,
        finished_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=ARCHIVE_DAYS),
        file_name=file_name,
        size=len(content),
    )
    return True


def data_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete archives whose link expired (file first, then the row): idempotent."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(expires_at__lt=now)
    count = 0
    for export in expired.iterator():
        if export.file_name:
            archive_path(export).unlink(missing_ok=True)
        count += DataExport.objects.filter(pk=export.pk).delete()[0]
    return count
