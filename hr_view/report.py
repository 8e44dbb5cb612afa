"""A program's report for HR, to download as CSV or to print (to PDF) from the browser.

``program_report`` builds it once, as sections of rows, from what the health page and the
survey results page show (``hr_view.health.program_health``, ``checkins.aggregates``): counts,
dates and released aggregates only, with the departments suppressed as on the page. No
section has a row per pair or per person, and no name but the program's. The CSV and the
print page both render these sections; neither computes anything of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from audit.models import Action
from audit.services import audit_record
from checkins.aggregates import ProgramResults, QuestionResult, Released, program_results
from hr_view.health import ProgramHealth, program_health
from lib.csv_files import csv_document
from people.access import signed_in_person
from programs.access import access_program_for_hr
from programs.models import Program

Value = int | float | str | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Row:
    label: str | dt.date  # what the row counts (a week's Monday in the weekly trend)
    values: tuple[Value, ...]  # one per value column of the section; None: nothing to show


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: tuple[str, ...]  # the label column's heading, then one per value
    rows: tuple[Row, ...]
    note: str = ""
    chart: SafeString | None = None


@dataclass(frozen=True)
class ProgramReport:
    program_id: int
    name: str
    made_on: dt.date  # in the viewer's zone
    sections: tuple[Section, ...]

    def csv_lines(self) -> Iterator[tuple[object, ...]]:
        """Each value on a line of its own: section, row, column, value (long format, so
        that a spreadsheet can filter and pivot it). A section without rows says why."""
        for section in self.sections:
            if not section.rows:
                yield (section.title, section.note, "", "")
            for row in section.rows:
                label = csv_value(row.label)
                for column, value in zip(section.columns[1:], row.values, strict=True):
                    if value is not None:
                        yield (section.title, label, column, csv_value(value))


def csv_value(value: Value | dt.date) -> object:
    """Numbers as numbers (a dot for decimals), dates as ISO dates, moments in the viewer's
    zone; text as it is (``lib.csv_files`` escapes what a spreadsheet would run)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def _program_section(health: ProgramHealth) -> Section:
    program, pace = health.program, health.cadence
    median = pace.median_days_to_first
    return Section(
        key="program",
        title=_("Program"),
        columns=(_("Fact"), _("Value")),
        rows=(
            Row(_("Name"), (program.name,)),
            Row(_("Status"), (program.status_label,)),
            Row(_("Starts on"), (program.starts_on,)),
            Row(_("Ends on"), (program.ends_on,)),
            Row(_("Active pairs"), (pace.active_pairs,)),
            Row(
                _("Stalled: no meeting for %(days)d days") % {"days": program.stalled_after_days},
                (pace.stalled,),
            ),
            Row(_("Meetings held"), (pace.held,)),
            Row(
                _("Median days from enrolment to first meeting"),
                (None if median is None else round(median),),
            ),
        ),
    )


def _health_sections(health: ProgramHealth) -> tuple[Section, ...]:
    pace, load, waiting, d = health.cadence, health.load, health.waiting, health.departments
    pairs, people = _("Pairs"), _("People")
    if d.suppressed:
        department_rows: tuple[Row, ...] = ()
        department_note = _("Fewer than %(n)d people take part: no breakdown is shown.") % {
            "n": d.threshold
        }
    else:
        other = _("Other departments") if d.shown else _("All departments")
        department_rows = (
            *(Row(name, (n,)) for name, n in d.shown),
            *((Row(other, (d.other,)),) if d.other else ()),
            Row(_("In all"), (d.total,)),
        )
        department_note = _(
            "A department is shown on its own only with at least %(n)d people; smaller ones "
            "are counted together with others, so that no one's department can be worked out."
        ) % {"n": d.threshold}
    return (
        Section(
            key="funnel",
            title=_("Funnel"),
            columns=(_("Stage"), people),
            rows=tuple(Row(stage.label, (stage.count,)) for stage in health.funnel),
            chart=health.funnel_svg,
        ),
        Section(
            key="cadence",
            title=_("Meeting cadence"),
            columns=(_("Meetings per month"), pairs),
            rows=tuple(Row(label, (n,)) for label, n in health.per_month),
            chart=health.cadence_svg,
        ),
        Section(
            key="weeks_since",
            title=_("Active pairs by weeks since their last meeting"),
            columns=(_("Weeks"), pairs),
            rows=tuple(Row(label, (n,)) for label, n in health.weeks_since),
        ),
        Section(
            key="first_meeting",
            title=_("From enrolment to the first meeting"),
            columns=(_("Weeks"), pairs),
            rows=(
                *(Row(label, (n,)) for label, n in health.first_meeting_weeks),
                Row(_("Not met yet"), (pace.waiting_for_first,)),
            ),
            chart=health.first_meeting_svg,
        ),
        Section(
            key="load",
            title=_("Mentor load"),
            columns=(_("Mentors"), _("Number")),
            rows=(
                Row(_("Without a mentee"), (load.without_mentee,)),
                Row(_("Below their capacity"), (load.below_capacity,)),
                Row(_("At their capacity"), (load.at_capacity,)),
                Row(_("Over their capacity"), (load.over_capacity,)),
                Row(_("All mentors"), (load.mentors,)),
                Row(_("Places that mentors offered"), (load.places,)),
                Row(_("Mentees in pairs"), (load.mentees_in_pairs,)),
            ),
        ),
        Section(
            key="waiting",
            title=_("Mentees waiting for a mentor"),
            columns=(_("Measure"), _("Value")),
            rows=(
                Row(_("Mentees waiting"), (waiting.mentees,)),
                Row(
                    _("The longest-waiting mentee enrolled on"),
                    (_local_date(waiting.enrolled_since),),
                ),
            ),
        ),
        Section(
            key="trend",
            title=_("Week by week"),
            columns=(_("Week of"), _("Meetings held"), _("Active pairs")),
            rows=tuple(Row(week.week, (week.held, week.active_pairs)) for week in health.trend),
            chart=health.trend_svg,
        ),
        Section(
            key="departments",
            title=_("People taking part, by department"),
            columns=(_("Department"), people),
            rows=department_rows,
            note=department_note,
        ),
    )


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localtime(moment).date()


def _released_sections(key: str, title: str, released: Released) -> Iterator[Section]:
    rate = released.response_rate
    yield Section(
        key=key,
        title=title,
        columns=(_("Measure"), _("Value")),
        rows=(
            Row(_("Released"), (released.released_at,)),
            Row(_("People who answered"), (released.responses,)),
            Row(_("People asked"), (released.invited,)),
            Row(_("Response rate (%)"), (rate,)),
        ),
    )
    shown = [q for q in released.questions if q is not None]
    for number, question in enumerate(shown, start=1):
        yield _question_section(f"{key}-{number}", title, question)


def _question_section(key: str, survey: str, question: QuestionResult) -> Section:
    text = f"{question.text} — {question.skill}" if question.skill else question.text
    summary = [Row(_("Answers"), (question.n, None))]
    if question.mean is not None:
        summary.append(Row(_("Average"), (round(question.mean, 2), None)))
    if question.nps is not None:
        summary.append(Row(_("Recommend score"), (question.nps, None)))
    return Section(
        key=key,
        title=f"{survey}: {text}",
        columns=(_("Answer"), _("People"), _("Share (%)")),
        rows=(*(Row(bar.label, (bar.count, bar.percent)) for bar in question.bars), *summary),
    )


def _results_sections(results: ProgramResults) -> Iterator[Section]:
    """Only what HR's results page shows: released totals of at least the threshold."""
    for survey in results.surveys:
        if survey.released is not None:
            yield from _released_sections(
                f"survey-{survey.kind}", survey.kind_label, survey.released
            )
    if results.pulse is not None:
        yield from _released_sections("pulse", _("After meetings (pulse)"), results.pulse)


def program_report(*, program_id: int, now: dt.datetime) -> ProgramReport:
    """The whole report, in the fixed number of queries of the health and results pages."""
    health = program_health(program_id=program_id, now=now)
    results = program_results(program_id=program_id)
    return ProgramReport(
        program_id=program_id,
        name=health.program.name,
        made_on=timezone.localtime(now).date(),
        sections=(
            _program_section(health),
            *_health_sections(health),
            *_results_sections(results),
        ),
    )


def report_csv(report: ProgramReport) -> bytes:
    header = (_("Section"), pgettext("report CSV column", "Row"), _("Column"), _("Value"))
    return csv_document(header, report.csv_lines())


def report_filename(report: ProgramReport) -> str:
    slug = slugify(report.name) or f"program-{report.program_id}"
    return f"{slug}-report-{report.made_on.isoformat()}.csv"


def report_export_record(*, program: Program, report: ProgramReport, request: HttpRequest) -> None:
    """HR downloaded the program report: the audit log keeps who, when, which program and
    how many lines (like the participant export)."""
    with transaction.atomic():
        audit_record(
            action=Action.HR_EXPORT,
            target=program,
            details={"export": "program_report", "rows": sum(1 for line in report.csv_lines())},
            request=request,
        )


@require_safe
def program_report_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    report = program_report(program_id=program.pk, now=timezone.now())
    report_export_record(program=program, report=report, request=request)
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response


@require_safe
def program_report_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    report = program_report(program_id=program.pk, now=timezone.now())
    return render(request, "hr_view/report.html", {"report": report})
