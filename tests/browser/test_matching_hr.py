"""HR runs cohort matching in real Chromium: run, review, edit by hand, publish."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import Page, expect

from matching.models import MatchRun, Pair, Proposal
from matching.services import pair_create
from people.models import User
from programs.models import Enrolment, Program
from tests.browser.conftest import look, sign_in
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db(transaction=True)

MENTEES = [
    ("Ana Sales", "Sales"),
    ("Ben Okafor", "Engineering"),
    ("Chloé Martin", "Marketing"),
    ("Dev Patel", "Engineering"),
    ("Eva Novak", "Support"),
    ("Farid Haddad", "Legal"),
    ("Greta Lind", "Operations"),
    ("Hugo Silva", "Design"),
]
MENTORS = [
    ("Bo Sales", "Sales", ["Negotiation", "Hiring"]),
    ("Iris Chen", "Finance", ["Negotiation", "Public speaking"]),
    ("Jonas Weber", "Engineering", ["Hiring", "Public speaking"]),
    ("Kemi Adeyemi", "Research", ["Negotiation", "Hiring", "Public speaking"]),
]


@pytest.fixture
def cohort(db: None) -> Program:
    program = ProgramFactory(name="Leaders 2027")
    departments = {}
    skills = {
        name: SkillFactory(name=name) for name in ("Negotiation", "Hiring", "Public speaking")
    }
    wanted = [["Negotiation"], ["Hiring", "Public speaking"], ["Public speaking"]]
    for i, (name, department) in enumerate(MENTEES):
        dept = departments.setdefault(department, DepartmentFactory(name=department))
        person = UserFactory(full_name=name, department=dept)
        enrolment = enrol(program, person, languages=["en", "es"] if i % 2 else ["en"])
        enrolment.skills.set([skills[s] for s in wanted[i % 3]])
    for name, department, offered in MENTORS:
        dept = departments.setdefault(department, DepartmentFactory(name=department))
        person = UserFactory(full_name=name, department=dept, title="Director")
        enrolment = enrol(program, person, role=Enrolment.Role.MENTOR, languages=["en", "es"])
        enrolment.skills.set([skills[s] for s in offered])
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    program.refresh_from_db()
    return program


def test_hr_runs_edits_and_publishes_matching(
    page: Page, live_server: object, hr_admin: User, cohort: Program, eager_tasks: None
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("matching:runs", kwargs={"program_id": cohort.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Matching")
    expect(page.get_by_text("No proposals yet")).to_be_visible()

    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("status")).to_contain_text("Matching has started")
    table = page.get_by_role("table")
    expect(table).to_contain_text("8 proposed pairs")
    expect(table).to_contain_text("shared skill")
    expect(table).to_contain_text("Both speak English")
    expect(table).to_contain_text("/100")
    expect(table).to_contain_text(re.compile("(Strong|Good|Weak) fit"))
    expect(page.get_by_role("columnheader", name="What to watch")).to_be_visible()
    run = MatchRun.objects.get(program=cohort)
    assert run.status == MatchRun.Status.DONE
    look(page, "matching-hr-proposals")

    ana = Proposal.objects.select_related("mentor__person").get(
        run=run, mentee__person__full_name="Ana Sales"
    )
    ana_mentor = str(ana.mentor.person)
    page.get_by_role("button", name=f"Remove Ana Sales and {ana_mentor}").click()
    expect(page.get_by_role("status")).to_contain_text("Ana Sales is no longer proposed")
    expect(page.get_by_role("table")).to_contain_text("7 proposed pairs")
    unmatched = page.get_by_role("region", name="Waiting list: mentees without a mentor")
    expect(unmatched).to_contain_text("Ana Sales")
    expect(unmatched).to_contain_text("Removed from the proposals by hand")

    # Bo works in Sales too: the program's rules refuse the pair, and nothing changes.
    page.get_by_label("Mentee", exact=True).select_option(label="Ana Sales")
    page.get_by_label("Mentor", exact=True).select_option(label="Bo Sales")
    page.get_by_role("button", name="Save this pair").click()
    expect(page.get_by_role("alert")).to_contain_text("Ana Sales and Bo Sales cannot be paired")
    expect(page.get_by_label("Mentee", exact=True)).to_have_value(str(ana.mentee_id))
    assert not Proposal.objects.filter(run=run, mentee_id=ana.mentee_id).exists()
    look(page, "matching-hr-refused")

    page.get_by_label("Mentor", exact=True).select_option(label=ana_mentor)
    page.get_by_role("button", name="Save this pair").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Ana Sales is now proposed for {ana_mentor}"
    )
    expect(page.get_by_role("table")).to_contain_text("8 proposed pairs")
    expect(page.get_by_role("table")).to_contain_text("by hand")

    page.get_by_role("button", name="Publish pairs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the pairs?")
    figures = page.locator("[data-publish-figures]")
    expect(figures).to_contain_text("8 pairs are created.")
    expect(figures).to_contain_text("12 people get an introduction e-mail")
    expect(figures).to_contain_text("16 e-mails in all.")
    assert not Pair.objects.exists()
    assert mail.outbox == []
    look(page, "matching-hr-publish-confirm")
    page.get_by_role("button", name="Yes, publish 8 pairs").click()
    expect(page.get_by_role("status")).to_contain_text("8 pairs published")
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("8 pairs in this program")
    expect(page.get_by_role("button", name="Publish pairs")).to_have_count(0)
    look(page, "matching-hr-published")
    assert Pair.objects.filter(program=cohort, status=Pair.Status.ACTIVE).count() == 8
    assert len(mail.outbox) == 16
    assert re.search("Leaders 2027", mail.outbox[0].body)

    # In matching with every pair published, the primary action is starting the program.
    start = page.get_by_role("button", name="Start the program")
    expect(start).to_have_class(re.compile("btn-primary"))
    # Everyone has a mentor now: another run would have nobody to match.
    expect(page.get_by_role("button", name=re.compile("Run matching"))).to_have_count(0)
    start.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start “Leaders 2027”?")
    expect(page.get_by_text("8 pairs start meeting")).to_be_visible()
    expect(page.locator("[data-start-warnings]")).to_have_count(0)
    look(page, "matching-hr-start-confirm")
    page.get_by_role("button", name="Yes, start the program").click()
    expect(page.get_by_role("status")).to_contain_text("is now: Active")
    cohort.refresh_from_db()
    assert cohort.status == Program.Status.ACTIVE


def test_a_run_on_a_running_program_matches_the_waiting_mentees(
    page: Page, live_server: object, hr_admin: User, cohort: Program, eager_tasks: None
) -> None:
    """Everyone is paired and the program runs; a pair ends; HR matches just that mentee."""
    MatchRun.objects.create(program=cohort, status=MatchRun.Status.PUBLISHED)
    mentors = list(Enrolment.objects.filter(program=cohort, role="mentor").order_by("pk"))
    with transaction.atomic():
        for i, mentee in enumerate(Enrolment.objects.filter(program=cohort, role="mentee")):
            pair_create(mentee=mentee, mentor=mentors[i % 4], origin=Pair.Origin.MANUAL)
    Program.objects.filter(pk=cohort.pk).update(status=Program.Status.ACTIVE)
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("programs:hr_detail", kwargs={"program_id": cohort.pk}))
    page.get_by_role("link", name="Matching and pairs").click()
    expect(
        page.get_by_text("Matching now pairs only the mentees who have no mentor")
    ).to_be_visible()
    waiting = page.get_by_role("region", name="Waiting list: mentees without a mentor")
    expect(waiting).to_contain_text("Nobody is waiting: every mentee has a mentor.")
    expect(page.get_by_role("button", name=re.compile("Match the"))).to_have_count(0)
    look(page, "matching-hr-active-nobody-waiting")

    ended = Pair.objects.get(program=cohort, mentee__person__full_name="Eva Novak")
    Pair.objects.filter(pk=ended.pk).update(status=Pair.Status.ENDED)
    Enrolment.objects.filter(program=cohort, role="mentor").update(capacity=3)
    page.reload()
    expect(waiting).to_contain_text("Eva Novak")
    expect(waiting).to_contain_text("Waiting for a matching run")
    page.get_by_role("button", name="Match the 1 waiting mentee").click()
    expect(page.get_by_role("status")).to_contain_text("Matching has started")
    table = page.get_by_role("table").first
    expect(table).to_contain_text("1 proposed pair")
    expect(table).to_contain_text("Eva Novak")
    mentee_menu = page.get_by_label("Mentee", exact=True)
    expect(mentee_menu.locator("option")).to_have_text(["Choose a mentee", "Eva Novak"])
    look(page, "matching-hr-active-waiting")

    page.get_by_role("button", name="Publish pairs").click()
    expect(page.locator("[data-publish-figures]")).to_contain_text("1 pair is created.")
    page.get_by_role("button", name="Yes, publish 1 pair").click()
    expect(page.get_by_role("status")).to_contain_text("1 pair published")
    expect(waiting).to_contain_text("Nobody is waiting")
    assert Pair.objects.filter(program=cohort, status=Pair.Status.ACTIVE).count() == 8


def test_the_progress_bar_follows_a_run_and_shows_the_proposals_when_done(
    page: Page, live_server: object, hr_admin: User, cohort: Program
) -> None:
    run = MatchRun.objects.create(
        program=cohort, status=MatchRun.Status.RUNNING, stage="scoring", progress=25
    )
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.goto(base + reverse("matching:runs", kwargs={"program_id": cohort.pk}))
    stage = page.locator("[data-run-stage]")
    expect(stage).to_have_text("Scoring candidate pairs")
    expect(page.get_by_role("button", name=re.compile("Run matching"))).to_have_count(0)
    look(page, "matching-hr-progress")

    MatchRun.objects.filter(pk=run.pk).update(stage="solving", progress=60)
    expect(stage).to_have_text("Finding the best assignment")
    expect(page.locator("progress")).to_have_attribute("value", "60")

    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.DONE, stage="finished", progress=100
    )
    expect(page.get_by_role("heading", name="What matching found")).to_be_visible()
    expect(page.locator("[data-run-progress]")).to_have_count(0)
