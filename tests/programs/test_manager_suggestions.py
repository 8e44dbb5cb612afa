"""Managers suggest, never decide: nominations and focus suggestions for direct reports."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from people.models import User
from programs.models import FocusSuggestion, Nomination, Program
from programs.selectors import nominations_for_report
from programs.services import focus_suggestion_dismiss, nomination_dismiss
from tests.factories import DepartmentFactory, UserFactory
from tests.programs.factories import ProgramFactory, enrol

pytestmark = pytest.mark.django_db

MISSING_ID = 987654
ROUTES = ("programs:nominate", "programs:suggest_focus")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(route: str, person: User | int) -> str:
    person_id = person if isinstance(person, int) else person.pk
    return reverse(route, kwargs={"person_id": person_id})


def _without_csrf(html: str) -> str:
    """The page as the person sees it: the CSRF token is masked anew on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _assert_same_404_as_missing_id(client: Client, route: str, person: User) -> None:
    for method in (client.get, client.post):
        response, missing = method(_url(route, person)), method(_url(route, MISSING_ID))
        assert response.status_code == 404
        assert missing.status_code == 404
        assert response.content == missing.content


# ------------------------------------------------------------------- who may use the pages


@pytest.mark.parametrize("route", ROUTES)
def test_manager_reaches_the_page_for_own_direct_report(
    route: str, manager: User, mentee: User
) -> None:
    response = _client(manager).get(_url(route, mentee))
    assert response.status_code == 200
    assert mentee.full_name in response.content.decode()


@pytest.mark.parametrize("route", ROUTES)
def test_manager_gets_404_for_an_indirect_report(route: str, manager: User, mentee: User) -> None:
    indirect = UserFactory(full_name="Ines Indirect", manager=mentee)
    _assert_same_404_as_missing_id(_client(manager), route, indirect)


@pytest.mark.parametrize("route", ROUTES)
def test_manager_gets_404_for_someone_elses_report(
    route: str, manager: User, outsider: User
) -> None:
    elsewhere = UserFactory(full_name="Sam Elsewhere", manager=outsider)
    _assert_same_404_as_missing_id(_client(manager), route, elsewhere)


@pytest.mark.parametrize("route", ROUTES)
def test_manager_gets_404_for_an_inactive_report(route: str, manager: User) -> None:
    gone = UserFactory(full_name="Lea Left", manager=manager, is_active=False)
    _assert_same_404_as_missing_id(_client(manager), route, gone)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("persona", ["mentee", "mentor", "hr_admin", "outsider"])
def test_other_personas_get_404_identical_to_a_missing_id(
    route: str, persona: str, personas: dict[str, User | None], mentee: User
) -> None:
    user = personas[persona]
    assert user is not None
    _assert_same_404_as_missing_id(_client(user), route, mentee)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_sign_in(route: str, client: Client, mentee: User) -> None:
    response = client.get(_url(route, mentee))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


def test_old_manager_loses_access_when_the_report_moves(
    manager: User, mentee: User, outsider: User
) -> None:
    ProgramFactory(name="Leadership Circle")
    old = _client(manager)
    old.post(_url("programs:suggest_focus", mentee), {"text": "Public speaking"})
    assert old.get(_url("programs:nominate", mentee)).status_code == 200
    new_manager = UserFactory(full_name="Nina New")
    mentee.manager = new_manager
    mentee.save(update_fields=["manager"])
    for route in ROUTES:
        _assert_same_404_as_missing_id(old, route, mentee)
    page = _client(new_manager).get(_url("programs:suggest_focus", mentee)).content.decode()
    assert "Public speaking" not in page  # the old manager's sent items stay theirs


# ------------------------------------------------------------------- nominate


def test_nominate_page_explains_who_decides_and_offers_open_programs(
    manager: User, mentee: User
) -> None:
    ProgramFactory(name="Leadership Circle")
    ProgramFactory(name="Finance Only", status=Program.Status.CLOSED)
    html = _client(manager).get(_url("programs:nominate", mentee)).content.decode()
    assert "Ezra decides whether to join." in html
    assert "not whether they enrolled" in html
    assert "Your note is only shown to Ezra." in html
    assert "Leadership Circle" in html
    assert "Finance Only" not in html


def test_manager_nominates_a_report_with_a_note(manager: User, mentee: User) -> None:
    program = ProgramFactory(name="Leadership Circle")
    client = _client(manager)
    response = client.post(
        _url("programs:nominate", mentee),
        {"program": program.pk, "note": "  You would enjoy this.  "},
        follow=True,
    )
    nomination = Nomination.objects.get()
    assert (nomination.manager, nomination.report, nomination.program) == (
        manager,
        mentee,
        program,
    )
    assert nomination.note == "You would enjoy this."
    assert response.redirect_chain == [(_url("programs:nominate", mentee), 302)]
    html = response.content.decode()
    assert "Nomination for “Leadership Circle” sent to Ezra Mentee." in html
    assert "You would enjoy this." in html  # the manager's own sent item
    # The program is no longer offered: only in the sent list.
    assert f'value="{program.pk}"' not in html


def test_nominate_page_shows_an_empty_state_when_no_program_is_open(
    manager: User, mentee: User
) -> None:
    ProgramFactory(name="Closed one", status=Program.Status.CLOSED)
    html = _client(manager).get(_url("programs:nominate", mentee)).content.decode()
    assert "No program to suggest to Ezra right now" in html
    assert 'name="program"' not in html


def _window_over() -> Program:
    today = timezone.localdate()
    return ProgramFactory(
        name="Window over",
        enrolment_opens=today - dt.timedelta(days=30),
        enrolment_closes=today - dt.timedelta(days=1),
    )


def _other_departments() -> Program:
    program = ProgramFactory(name="Finance only", audience=Program.Audience.DEPARTMENTS)
    program.departments.set([DepartmentFactory(name="Finance")])
    return program


@pytest.mark.parametrize(
    "make_program",
    [
        lambda: ProgramFactory(name="Closed", status=Program.Status.CLOSED),
        lambda: ProgramFactory(name="Draft", status=Program.Status.DRAFT),
        _window_over,
        _other_departments,
        lambda: ProgramFactory(name="Invited only", audience=Program.Audience.INVITED),
    ],
    ids=["closed", "draft", "outside-window", "other-departments", "invited-only"],
)
def test_nominating_for_a_program_not_open_to_the_report_changes_nothing(
    make_program: object, manager: User, mentee: User
) -> None:
    program = make_program()  # type: ignore[operator]
    ProgramFactory(name="Leadership Circle")  # the page still offers a choice
    response = _client(manager).post(
        _url("programs:nominate", mentee), {"program": program.pk, "note": "Keep me"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a program that is open to Ezra right now." in html
    assert program.name not in html  # a program not open to them is never named
    assert "Keep me" in html  # the person's input is kept
    assert not Nomination.objects.exists()


def test_a_program_that_closed_meanwhile_is_refused_with_nothing_left_to_offer(
    manager: User, mentee: User
) -> None:
    program = ProgramFactory(name="Leadership Circle")
    client = _client(manager)
    assert f'value="{program.pk}"' in client.get(_url("programs:nominate", mentee)).content.decode()
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    response = client.post(_url("programs:nominate", mentee), {"program": program.pk})
    html = response.content.decode()
    assert "Choose a program that is open to Ezra right now." in html
    assert "No program to suggest to Ezra right now" in html
    assert not Nomination.objects.exists()


def test_nominating_twice_is_refused_with_a_clear_message(manager: User, mentee: User) -> None:
    program = ProgramFactory(name="Leadership Circle")
    client = _client(manager)
    client.post(_url("programs:nominate", mentee), {"program": program.pk, "note": "First"})
    response = client.post(
        _url("programs:nominate", mentee), {"program": program.pk, "note": "Second"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ezra Mentee has already been nominated for this program." in html
    assert "No program to suggest to Ezra right now" in html  # nothing else to offer
    assert list(Nomination.objects.values_list("note", flat=True)) == ["First"]


def test_nominating_without_choosing_a_program_changes_nothing(manager: User, mentee: User) -> None:
    ProgramFactory(name="Leadership Circle")
    response = _client(manager).post(_url("programs:nominate", mentee), {"note": "Hello"})
    assert "Choose a program." in response.content.decode()
    assert not Nomination.objects.exists()


def test_nominate_page_shows_no_status_after_the_report_enrols(manager: User, mentee: User) -> None:
    program = ProgramFactory(name="Leadership Circle")
    ProgramFactory(name="Another program")
    client = _client(manager)
    client.post(
        _url("programs:nominate", mentee), {"program": program.pk, "note": "Go for it"}, follow=True
    )
    url = _url("programs:nominate", mentee)
    before = _without_csrf(client.get(url).content.decode())
    enrol(program, mentee)
    assert Nomination.objects.get().status == Nomination.Status.ENROLLED
    after = _without_csrf(client.get(url).content.decode())
    assert after == before
    for word in ("Enrolled", "enrolled in", "Dismissed", "dismissed", "Accepted", "Sent</"):
        assert word not in after


def test_nominate_page_shows_no_status_after_the_report_dismisses(
    manager: User, mentee: User
) -> None:
    program = ProgramFactory(name="Leadership Circle")
    client = _client(manager)
    client.post(_url("programs:nominate", mentee), {"program": program.pk}, follow=True)
    url = _url("programs:nominate", mentee)
    before = _without_csrf(client.get(url).content.decode())
    nomination_dismiss(nomination=Nomination.objects.get())
    after = _without_csrf(client.get(url).content.decode())
    assert after == before
    assert "Dismissed" not in after
    assert "dismissed" not in after


def test_nominate_page_does_not_reveal_programs_the_report_joined_alone(
    manager: User, mentee: User
) -> None:
    """Leaving a program out of the choices would tell the manager the report is in it."""
    joined = ProgramFactory(name="Joined alone")
    client = _client(manager)
    url = _url("programs:nominate", mentee)
    before = _without_csrf(client.get(url).content.decode())
    enrol(joined, mentee)
    after = _without_csrf(client.get(url).content.decode())
    assert after == before
    assert f'value="{joined.pk}"' in after


def test_nominating_a_report_already_enrolled_does_not_ask_them_again(
    manager: User, mentee: User
) -> None:
    joined = ProgramFactory(name="Joined alone")
    enrol(joined, mentee)
    response = _client(manager).post(_url("programs:nominate", mentee), {"program": joined.pk})
    assert response.status_code == 302
    assert Nomination.objects.get().status == Nomination.Status.ENROLLED
    assert list(nominations_for_report(report=mentee)) == []


def test_nominate_page_runs_the_same_queries_for_10_and_200_sent_nominations(
    manager: User, mentee: User
) -> None:
    client = _client(manager)
    url = _url("programs:nominate", mentee)

    def queries_with(count: int) -> int:
        more = count - Nomination.objects.count()
        Nomination.objects.bulk_create(
            Nomination(program=p, manager=manager, report=mentee, note="n")
            for p in ProgramFactory.create_batch(more)
        )
        ProgramFactory.create_batch(more)  # still offered: as many choices as sent items
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(200)


# ------------------------------------------------------------------- suggest a focus


def test_suggest_page_explains_who_sees_the_suggestion(manager: User, mentee: User) -> None:
    html = _client(manager).get(_url("programs:suggest_focus", mentee)).content.decode()
    assert "Areas you might explore with your mentor" in html
    assert "Only Ezra sees your suggestion." in html
    assert "Their mentor sees it only if Ezra chooses to share it." in html
    assert "Nothing comes back to you" in html


def test_manager_sends_a_focus_suggestion(manager: User, mentee: User) -> None:
    response = _client(manager).post(
        _url("programs:suggest_focus", mentee),
        {"text": "Presenting to senior leaders"},
        follow=True,
    )
    suggestion = FocusSuggestion.objects.get()
    assert (suggestion.manager, suggestion.report) == (manager, mentee)
    assert suggestion.text == "Presenting to senior leaders"
    assert response.redirect_chain == [(_url("programs:suggest_focus", mentee), 302)]
    html = response.content.decode()
    assert "Your suggestion was sent to Ezra Mentee." in html
    assert "Presenting to senior leaders" in html


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_suggestion_is_refused_and_changes_nothing(
    text: str, manager: User, mentee: User
) -> None:
    response = _client(manager).post(_url("programs:suggest_focus", mentee), {"text": text})
    assert response.status_code == 200
    assert "Write a suggestion first." in response.content.decode()
    assert not FocusSuggestion.objects.exists()


def test_a_too_long_suggestion_is_refused_and_changes_nothing(manager: User, mentee: User) -> None:
    response = _client(manager).post(_url("programs:suggest_focus", mentee), {"text": "x" * 2001})
    assert "at most 2000 characters" in response.content.decode()
    assert not FocusSuggestion.objects.exists()


def test_suggest_page_shows_nothing_about_dismissal(manager: User, mentee: User) -> None:
    client = _client(manager)
    url = _url("programs:suggest_focus", mentee)
    client.post(url, {"text": "Negotiation"}, follow=True)
    before = _without_csrf(client.get(url).content.decode())
    focus_suggestion_dismiss(suggestion=FocusSuggestion.objects.get())
    after = _without_csrf(client.get(url).content.decode())
    assert after == before
    assert "Negotiation" in after


def test_suggest_page_lists_only_this_managers_suggestions_to_this_report(
    manager: User, mentee: User, outsider: User
) -> None:
    colleague = UserFactory(full_name="Cleo Colleague", manager=manager)
    FocusSuggestion.objects.create(manager=manager, report=colleague, text="For Cleo")
    FocusSuggestion.objects.create(manager=outsider, report=mentee, text="From someone else")
    FocusSuggestion.objects.create(manager=manager, report=mentee, text="For Ezra")
    html = _client(manager).get(_url("programs:suggest_focus", mentee)).content.decode()
    assert "For Ezra" in html
    assert "For Cleo" not in html
    assert "From someone else" not in html


def test_suggest_page_runs_the_same_queries_for_10_and_200_suggestions(
    manager: User, mentee: User
) -> None:
    client = _client(manager)
    url = _url("programs:suggest_focus", mentee)

    def queries_with(count: int) -> int:
        FocusSuggestion.objects.bulk_create(
            FocusSuggestion(manager=manager, report=mentee, text=f"Idea {i}")
            for i in range(count - FocusSuggestion.objects.count())
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(200)


# ------------------------------------------------------------------- my team


def test_team_page_links_each_report_to_nominate_and_suggest(manager: User, mentee: User) -> None:
    colleague = UserFactory(full_name="Cleo Colleague", manager=manager)
    html = _client(manager).get(reverse("people:team")).content.decode()
    for person in (mentee, colleague):
        assert _url("programs:nominate", person) in html
        assert _url("programs:suggest_focus", person) in html
    assert "Nominate for a program" in html
    assert "Suggest a focus" in html


@pytest.mark.parametrize("route", ROUTES)
def test_a_report_name_with_markup_is_shown_as_text(route: str, manager: User) -> None:
    report = UserFactory(full_name="<b>Bold%</b> Report", manager=manager)
    ProgramFactory(name="Leadership Circle")
    client = _client(manager)
    html = client.get(_url(route, report)).content.decode()
    assert "<b>Bold%</b>" not in html
    assert "&lt;b&gt;Bold%&lt;/b&gt;" in html
    if route == "programs:nominate":
        response = client.post(_url(route, report), {"program": MISSING_ID})
        assert "Choose a program that is open to &lt;b&gt;Bold%&lt;/b&gt; right now." in (
            response.content.decode()
        )
