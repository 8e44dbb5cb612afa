"""Check-in pages: a person's own pulse and survey answers, and HR's survey set-up.

Only the person who answers ever sees an answer; the counterpart, managers and HR get
the 404 of a missing id. HR's results live in ``hr_view`` and see released aggregates.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from checkins import selectors, services
from checkins.access import access_survey_for_member
from checkins.bank import BANK, BankQuestion
from checkins.forms import PulseForm, SurveyForm, SurveySetupForm, ThresholdForm
from checkins.links import pulse_choice
from checkins.models import Survey
from checkins.release import threshold_for
from matching.membership import counterpart, is_member, member_related, members
from meetings.access import access_meeting_for_member
from meetings.models import Meeting
from people.access import signed_in_person
from programs.access import access_program_for_hr
from programs.models import Enrolment, Program, Skill

SKILLS_OFFERED_MAX = 60


@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    person = signed_in_person(request)
    return render(request, "checkins/mine.html", {"mine": selectors.my_checkins(person=person)})


@require_http_methods(["GET", "HEAD", "POST"])
def pulse(request: HttpRequest, meeting_id: int) -> HttpResponse:
    person = signed_in_person(request)
    meeting = access_meeting_for_member(person, meeting_id)
    held = selectors.meeting_was_held(meeting)
    own = selectors.own_pulse(meeting=meeting, person=person)
    form = PulseForm(
        request.POST if request.method == "POST" else None,
        initial={"useful": own.useful, "progress": own.progress} if own else {},
    )
    if request.method == "POST" and held and form.is_valid():
        try:
            services.pulse_answer(meeting=meeting, person=person, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Thank you. Only you can see your answer."))
            return redirect("checkins:mine")
    return render(
        request,
        "checkins/pulse.html",
        {
            "meeting": meeting,
            "other": counterpart(meeting.pair, person),
            "held": held,
            "form": form,
            "threshold": threshold_for(meeting.pair.program_id),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pulse_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail's one-click answer: GET asks to confirm (it records nothing, so link
    scanners cannot answer); POST records it. Anyone holding the link may answer."""
    choice = pulse_choice(token)
    meeting = (
        Meeting.objects.select_related("pair__program", *member_related("pair__"))
        .filter(pk=choice.meeting_id)
        .first()
        if choice
        else None
    )
    if choice is None or meeting is None or not is_member(meeting.pair, choice.person_id):
        raise Http404("No such pulse link.")
    person = next(p for p in members(meeting.pair) if p.pk == choice.person_id)
    form = PulseForm(
        request.POST if request.method == "POST" else None,
        initial={choice.question: choice.value},
    )
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            services.pulse_answer(meeting=meeting, person=person, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            done = True
    return render(
        request,
        "checkins/pulse_link.html",
        {
            "meeting": meeting,
            "person": person,
            "other": counterpart(meeting.pair, person),
            "form": form,
            "done": done,
            "threshold": threshold_for(meeting.pair.program_id),
        },
        status=400 if form.is_bound and not done else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def survey(request: HttpRequest, survey_id: int) -> HttpResponse:
    person = signed_in_person(request)
    found = access_survey_for_member(person, survey_id)
    questions = selectors.survey_questions(found)
    own = selectors.own_survey_values(survey=found, person=person)
    form = SurveyForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial={f"q{k}": v for k, v in own.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(survey=found, person=person, values=form.values())
        except ValidationError as refusal:
            form.add_error(None, refusal)
            messages.error(request, " ".join(refusal.messages))
        else:
            messages.success(
                request, _("Your answers are saved. You can change them until the survey closes.")
            )
            return redirect("checkins:survey", survey_id=found.pk)
    now = timezone.now()
    return render(
        request,
        "checkins/survey.html",
        {
            "survey": found,
            "form": form,
            "answered": bool(own),
            "own": [(q, BANK[q.key], _label(BANK[q.key], own.get(q.pk))) for q in questions],
            "state": "open"
            if found.is_open(now)
            else ("later" if now < found.opens_at else "closed"),
            "threshold": threshold_for(found.program_id),
        },
        status=400 if form.is_bound else 200,
    )


def _label(question: BankQuestion, value: int | None) -> str | None:
    return None if value is None else question.label(value)


def _program_skills(program: Program) -> QuerySet[Skill]:
    used = Enrolment.skills.through.objects.filter(enrolment__program=program).values("skill_id")
    skills = Skill.objects.filter(pk__in=used)
    if not skills.exists():
        skills = Skill.objects.all()
    return skills.order_by("name")[:SKILLS_OFFERED_MAX]


def _setup_form(
    program: Program, kind: str, data: object = None, survey: Survey | None = None
) -> SurveySetupForm:
    initial = {}
    if survey is not None:
        questions = list(survey.questions.all())
        initial = {
            "opens_on": timezone.localdate(survey.opens_at),
            "closes_on": timezone.localdate(survey.closes_at),
            "keys": sorted({q.key for q in questions}),
            "skills": [q.skill_id for q in questions if q.skill_id],
        }
    return SurveySetupForm(
        data,
        prefix=kind,
        initial=initial,
        skills=Skill.objects.filter(pk__in=_program_skills(program).values("pk")).order_by("name"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hr_surveys(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program_for_hr(signed_in_person(request), program_id)
    surveys = {
        s.kind: s for s in Survey.objects.filter(program=program).prefetch_related("questions")
    }
    which = request.POST.get("form") if request.method == "POST" else None
    threshold_form = ThresholdForm(
        request.POST if which == "threshold" else None,
        initial={"threshold": threshold_for(program)},
    )
    forms = {
        kind: _setup_form(program, kind, request.POST if which == kind else None, surveys.get(kind))
        for kind in Survey.Kind.values
    }
    if which == "threshold" and threshold_form.is_valid():
        try:
            services.program_threshold_set(
                program=program, threshold=threshold_form.cleaned_data["threshold"]
            )
        except ValidationError as refusal:
            threshold_form.add_error("threshold", refusal)
        else:
            messages.success(request, _("The number of answers needed is saved."))
            return redirect("checkins:hr_surveys", program_id=program.pk)
    if which in forms and forms[which].is_valid():
        data = forms[which].cleaned_data
        try:
            services.survey_save(
                program=program,
                kind=which,
                opens_at=SurveySetupForm.moment(data["opens_on"]),
                closes_at=SurveySetupForm.moment(data["closes_on"]),
                keys=data["keys"],
                skills=list(data["skills"]),
            )
        except ValidationError as refusal:
            forms[which].add_error(None, refusal)
        else:
            messages.success(request, _("The survey is saved."))
            return redirect("checkins:hr_surveys", program_id=program.pk)
    return render(
        request,
        "checkins/hr_surveys.html",
        {
            "program": program,
            "threshold_form": threshold_form,
            "setups": [
                (kind, label, forms[kind], surveys.get(kind)) for kind, label in Survey.Kind.choices
            ],
        },
        status=400 if which else 200,
    )
