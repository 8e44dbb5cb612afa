"""The operators' audit log page and its CSV export (``mentoring/audit_log.py``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.services import audit_export_record
from mentoring.audit_log import AuditFilterForm, audit_csv, audit_events, audit_rows
from people.paging import window

PER_PAGE = 100


@require_safe
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    page = window(request, audit_events(filters=filters), per_page=PER_PAGE, keep=form.FIELDS)
    query = request.GET.urlencode() if filters else ""
    return render(
        request,
        "mentoring/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": audit_rows(page.rows),
            "filtered": bool(filters),
            "query": query,
        },
    )


@require_safe
def audit_log_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    filters = form.filters()
    events = audit_events(filters=filters)
    document, rows = audit_csv(events)
    audit_export_record(rows=rows, filters=list(filters), request=request)
    response = HttpResponse(document, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
