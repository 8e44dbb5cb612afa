"""HR's people directory and a person's page: who gets in, the search, what a person's
page shows, and what it never shows (session content)."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal import services as journal
from matching.services import pair_end
from meetings.services import meeting_schedule
from people.models import User
from people.views import PER_PAGE
from tests.factories import DepartmentFactory, UserFactory
from tests.meetings.factories import make_pair, when

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("people:directory")
MISSING = "/people/no-such-page/"


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _person_url(person: User) -> str:
    return reverse("hr_view:person", kwargs={"person_id": person.pk})


def _names(html: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="cell-primary"[^>]*><div><a href="[^"]+">([^<]+)</a>', html
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# ---------------------------------------------------------------- who gets in


@pytest.mark.parametrize("persona", ["mentee", "mentor", "manager", "outsider"])
@pytest.mark.parametrize("route", ["people:directory", "hr_view:person", "hr_view:deactivate"])
def test_everyone_but_hr_gets_the_404_of_a_missing_page(
    persona: str, route: str, personas: dict[str, User | None]
) -> None:
    mentee = personas["mentee"]
    assert mentee is not None
    kwargs = {} if route == "people:directory" else {"person_id": mentee.pk}
    client = _as(personas[persona])
    response = client.get(reverse(route, kwargs=kwargs))
    assert response.status_code == 404
    assert response.content == client.get(MISSING).content


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = _as(None).get(DIRECTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_missing_person_is_a_missing_page_for_hr(hr_admin: User) -> None:
    client = _as(hr_admin)
    response = client.get(reverse("hr_view:person", kwargs={"person_id": 987654}))
    assert response.status_code == 404


def test_people_in_the_navigation_leads_hr_to_the_directory(hr_admin: User) -> None:
    html = _as(hr_admin).get(reverse("home")).content.decode()
    assert f'href="{DIRECTORY}"' in html
    directory = _as(hr_admin).get(DIRECTORY).content.decode()
    assert f'href="{DIRECTORY}" aria-current="page"' in directory
    assert reverse("people:import") in directory  # the import is reachable from it


def test_people_is_not_in_anyone_elses_navigation(manager: User, mentee: User) -> None:
    for person in (manager, mentee):
        assert f'href="{DIRECTORY}"' not in _as(person).get(reverse("home")).content.decode()


# ---------------------------------------------------------------- the search


@pytest.fixture
def staff(hr_admin: User) -> dict[str, User]:
    sales = DepartmentFactory(name="Sales")
    return {
        "ada": UserFactory(full_name="Ada Lovelace", email="ada@example.com", department=sales),
        "grace": UserFactory(full_name="Grace Hopper", email="g.hopper@example.com"),
        "alan": UserFactory(full_name="Alan Turing", email="alan@example.com", department=sales),
    }


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("lovel", ["Ada Lovelace"]),  # part of a name, whatever the case
        ("G.HOPPER", ["Grace Hopper"]),  # part of an address
        ("sales", ["Ada Lovelace", "Alan Turing"]),  # a department
    ],
)
def test_search_finds_by_name_address_or_department(
    staff: dict[str, User], hr_admin: User, search: str, found: list[str]
) -> None:
    html = _as(hr_admin).get(DIRECTORY, {"q": search}).content.decode()
    assert _names(html) == found


def test_without_a_search_everyone_is_listed_people_who_left_marked(
    staff: dict[str, User], hr_admin: User
) -> None:
    staff["grace"].is_active = False
    staff["grace"].save(update_fields=["is_active"])
    html = _as(hr_admin).get(DIRECTORY).content.decode()
    assert _names(html) == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Hana HR"]
    assert "Deactivated" in html


def test_a_search_nobody_matches_says_so(staff: dict[str, User], hr_admin: User) -> None:
    html = _as(hr_admin).get(DIRECTORY, {"q": "zzz-nobody"}).content.decode()
    assert _names(html) == []
    assert "Nobody matches this search" in html


def test_a_search_too_long_is_reported_and_everyone_listed(
    staff: dict[str, User], hr_admin: User
) -> None:
    response = _as(hr_admin).get(DIRECTORY, {"q": "x" * 101})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value has at most 100 characters" in html
    assert len(_names(html)) == 4


def test_the_list_is_a_page_at_a_time_and_the_pages_keep_the_search(hr_admin: User) -> None:
    UserFactory.create_batch(PER_PAGE + 5, full_name="Sam Same")
    client = _as(hr_admin)
    first = client.get(DIRECTORY, {"q": "sam"}).content.decode()
    assert len(_names(first)) == PER_PAGE
    assert "?q=sam&amp;page=2" in first
    second = client.get(DIRECTORY, {"q": "sam", "page": "2"}).content.decode()
    assert len(_names(second)) == 5


@pytest.mark.parametrize("query", [{}, {"q": "person"}])
def test_the_directory_runs_the_same_queries_for_20_and_300_people(
    hr_admin: User, query: dict[str, str]
) -> None:
    client = _as(hr_admin)
    managers = UserFactory.create_batch(3)
    for index in range(20):
        UserFactory(manager=managers[index % 3])
    url = DIRECTORY + ("?q=person" if query else "")
    few = _queries(client, url)
    for index in range(280):
        UserFactory(manager=managers[index % 3])
    many = _queries(client, url)
    assert few == many


# ---------------------------------------------------------------- a person's page


def test_the_person_page_shows_the_reporting_line(
    hr_admin: User, manager: User, mentee: User
) -> None:
    left = UserFactory(full_name="Lee Left", manager=manager, is_active=False)
    html = _as(hr_admin).get(_person_url(manager)).content.decode()
    assert mentee.full_name in html
    assert _person_url(mentee) in html
    assert left.full_name in html
    html = _as(hr_admin).get(_person_url(mentee)).content.decode()
    assert f'<a href="{_person_url(manager)}">{manager.full_name}</a>' in html


def test_the_person_page_shows_programs_roles_and_pairs(
    hr_admin: User, mentee: User, mentor: User
) -> None:
    pair = make_pair(mentee, mentor)
    ended = make_pair(UserFactory(full_name="Eve Earlier"), mentor)
    pair_end(pair=ended)
    html = _as(hr_admin).get(_person_url(mentor)).content.decode()
    assert pair.program.name in html
    assert ended.program.name in html
    assert "Mentor" in html
    assert mentee.full_name in html
    assert "Eve Earlier" in html
    assert "pair ended" in html
    mentee_page = _as(hr_admin).get(_person_url(mentee)).content.decode()
    assert "Mentee" in mentee_page
    assert mentor.full_name in mentee_page


def test_the_person_page_runs_the_same_queries_for_1_and_6_programs(
    hr_admin: User, mentor: User
) -> None:
    client = _as(hr_admin)
    make_pair(UserFactory(), mentor)
    UserFactory(manager=mentor)
    few = _queries(client, _person_url(mentor))
    for _ in range(5):
        make_pair(UserFactory(), mentor)
        UserFactory(manager=mentor)
    many = _queries(client, _person_url(mentor))
    assert few == many


def test_no_hr_people_page_shows_a_word_of_session_content(
    hr_admin: User, mentee: User, mentor: User, manager: User
) -> None:
    tag = uuid.uuid4().hex
    canaries = {
        k: f"CANARY-{k}-{tag}"
        for k in ("agenda", "notes", "private", "goal", "goal_text", "agreement", "place")
    }
    pair = make_pair(mentee, mentor)
    day = timezone.localdate() + dt.timedelta(days=3)
    [meeting] = meeting_schedule(
        pair=pair, organiser=mentee, when=when(day), place=canaries["place"]
    )
    journal.agenda_item_add(meeting=meeting, author=mentee, text=canaries["agenda"])
    journal.shared_notes_save(meeting=meeting, by=mentor, text=canaries["notes"], base_version=0)
    journal.private_note_save(meeting=meeting, author=mentee, text=canaries["private"])
    journal.goal_add(
        pair=pair, by=mentee, title=canaries["goal"], description=canaries["goal_text"]
    )
    journal.agreement_save(
        pair=pair, by=mentee, expectations=canaries["agreement"], cadence="Monthly",
        confidentiality="Between us",
    )  # fmt: skip
    client = _as(hr_admin)
    urls = [
        DIRECTORY,
        f"{DIRECTORY}?q={mentee.full_name.split()[0]}",
        reverse("people:import"),
        reverse("people:import_sample"),
        *(_person_url(p) for p in (mentee, mentor, manager)),
        *(reverse("hr_view:deactivate", kwargs={"person_id": p.pk}) for p in (mentee, mentor)),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert [c for c in canaries.values() if c in body] == [], url
    assert mentor.full_name in client.get(_person_url(mentee)).content.decode()  # it did look


def test_a_long_list_of_direct_reports_is_a_page_at_a_time(hr_admin: User, manager: User) -> None:
    from hr_view.views import REPORTS_PER_PAGE

    UserFactory.create_batch(REPORTS_PER_PAGE + 2, manager=manager, full_name="Rey Report")
    client = _as(hr_admin)
    html = client.get(_person_url(manager)).content.decode()
    assert html.count(">Rey Report</a>") == REPORTS_PER_PAGE
    assert "?page=2" in html
    second = client.get(_person_url(manager), {"page": "2"}).content.decode()
    assert second.count(">Rey Report</a>") == 2
