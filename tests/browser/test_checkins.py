"""A mentee answers a pulse and a survey from the app; HR sees "not enough answers yet"
until the fifth answer, then the released results."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.text import slugify
from playwright.sync_api import Browser, Page, expect

from checkins.models import SurveyQuestion
from checkins.services import survey_answer
from people.models import User
from tests.browser.conftest import close_context, look, new_context, screenshot_dir, sign_in
from tests.checkins.factories import cohort, held_meeting, new_program, open_survey, pair_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_mentee_answers_a_pulse_and_a_survey_and_hr_sees_results_after_five(
    page: Page, browser: Browser, live_server: object, mentee: User, mentor: User,
    hr_admin: User,
) -> None:  # fmt: skip
    base = live_server.url  # type: ignore[attr-defined]
    program = new_program()
    pair = pair_in(program, mentee=mentee, mentor=mentor)
    others = cohort(program, 2)
    held_meeting(pair)
    survey = open_survey(program)
    questions = {q.key: q.pk for q in SurveyQuestion.objects.filter(survey=survey)}

    hr_context = new_context(browser)
    hr_page = hr_context.new_page()
    sign_in(hr_page, base, hr_admin)
    hr_page.goto(base + reverse("checkins:hr_surveys", args=[program.pk]))
    expect(hr_page.get_by_text("Why there is no free-text question")).to_be_visible()
    look(hr_page, "checkins-hr-surveys")
    results_url = base + reverse("hr_view:survey_results", args=[program.pk])
    hr_page.goto(results_url)
    expect(hr_page.get_by_text("Not enough answers yet").first).to_be_visible()
    look(hr_page, "checkins-hr-results-empty")

    sign_in(page, base, mentee)
    page.goto(base + reverse("home"))
    page.get_by_role("link", name="Check-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-ins")
    look(page, "checkins-mine")
    page.get_by_role("link", name="Answer two questions").click()
    expect(page.get_by_role("heading", name="Who sees your answers")).to_be_visible()
    page.get_by_role("group", name="How useful was the meeting?").get_by_label("4").check()
    page.get_by_label("Yes").check()
    look(page, "checkins-pulse")
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Only you can see your answer.")).to_be_visible()

    page.get_by_role("link", name="Answer", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mid-program survey")
    page.get_by_role("group", name="How useful is the program for you so far?").get_by_label(
        "5"
    ).check()
    page.get_by_role("group", name="Are you making progress on what you came for?").get_by_label(
        "Not yet"
    ).check()
    page.get_by_role("group", name="recommend").get_by_label("9", exact=True).check()
    look(page, "checkins-survey")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    answers = {questions["useful"]: 4, questions["progress"]: 0, questions["recommend"]: 8}
    people = [p for other in others for p in (other.mentee.person, other.mentor.person)]
    for person in people[:3]:  # four answers in all: still nothing for HR
        survey_answer(survey=survey, person=person, values=answers)
    hr_page.goto(results_url)
    expect(hr_page.get_by_text("Not enough answers yet").first).to_be_visible()
    expect(hr_page.locator(".results-table")).to_have_count(0)

    survey_answer(survey=survey, person=people[3], values=answers)  # the fifth
    hr_page.goto(results_url)
    expect(hr_page.get_by_text("5 of 6 people answered")).to_be_visible()
    expect(hr_page.locator(".results-table").first).to_be_visible()
    look(hr_page, "checkins-hr-results")

    # The export: from the program's health, the report as CSV, then the page to print.
    hr_page.goto(base + reverse("hr_view:health", args=[program.pk]))
    with hr_page.expect_download() as download_info:
        hr_page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{slugify(program.name)}-report-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Section", "Row", "Column", "Value"]
    assert ["Mid-program survey", "People who answered", "Value", "5"] in lines
    assert ["Funnel", "Matched", "People", "6"] in lines
    assert mentee.full_name not in text
    assert mentor.full_name not in text

    hr_page.get_by_role("link", name="Report to print").click()
    expect(hr_page.get_by_role("heading", level=1)).to_have_text("Program report")
    expect(hr_page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    expect(hr_page.get_by_role("img", name="The program's funnel, in people")).to_be_visible()
    look(hr_page, "hr-report")
    hr_page.emulate_media(media="print")
    expect(hr_page.locator(".site-header")).to_be_hidden()
    expect(hr_page.locator(".site-footer")).to_be_hidden()
    expect(hr_page.locator("nav")).to_be_hidden()
    expect(hr_page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(hr_page.get_by_role("heading", name="Mid-program survey", exact=True)).to_be_visible()
    hr_page.screenshot(path=str(screenshot_dir() / "hr-report-print.png"), full_page=True)
    hr_page.emulate_media(media="screen")
    hr_page.get_by_role("link", name="Back to the program's health").click()
    expect(hr_page.get_by_role("heading", level=1)).to_have_text("Program health")
    close_context(hr_context)
