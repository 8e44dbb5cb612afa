"""A person's own data: ask for an archive, follow it being prepared, download it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from people.access import access_own_data_export, signed_in_person
from people.archive import ARCHIVE_DAYS, archive_path
from people.models import DataExport
from people.own_data import data_export_request

EXPORTS_SHOWN = 5


@require_http_methods(["GET", "HEAD", "POST"])
def data_export(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    if request.method == "POST":
        try:
            data_export_request(person=person)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(
                request, _("Your archive is being prepared. We will e-mail you when it is ready.")
            )
        return redirect("people:data_export")
    exports = list(DataExport.objects.filter(person=person)[:EXPORTS_SHOWN])
    return render(
        request,
        "people/data_export.html",
        {
            "exports": exports,
            "in_progress": any(export.in_progress for export in exports),
            "archive_days": ARCHIVE_DAYS,
            "now": timezone.now(),
        },
    )


@require_safe
def data_export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = access_own_data_export(signed_in_person(request), export_id)
    try:
        handle = archive_path(export).open("rb")
    except FileNotFoundError:
        raise Http404 from None
    stamp = export.requested_at.strftime("%Y-%m-%d")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"mentoring-my-data-{stamp}.zip",
        content_type="application/zip",
    )
