"""HR keeps the skills taxonomy: add, rename, merge; each with clear refusals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import User
from programs.models import Enrolment, Skill
from programs.services import enrolment_withdraw
from tests.programs.factories import ProgramFactory, SkillFactory, enrol

pytestmark = pytest.mark.django_db


def _edit_url(skill: Skill) -> str:
    return reverse("programs:skill_edit", kwargs={"skill_id": skill.pk})


def _names() -> list[str]:
    return list(Skill.objects.order_by("name").values_list("name", flat=True))


# ---------------------------------------------------------------- list and add


def test_list_shows_how_many_live_enrolments_use_each_skill(
    client: Client, hr_admin: User, mentee: User, mentor: User, outsider: User
) -> None:
    program = ProgramFactory()
    speaking, unused = SkillFactory(name="Public speaking"), SkillFactory(name="Unused")
    for person, role in ((mentee, "mentee"), (mentor, "mentor"), (outsider, "mentee")):
        enrol(program, person, role=role).skills.set([speaking])
    enrolment_withdraw(enrolment=Enrolment.objects.get(person=outsider))
    client.force_login(hr_admin)
    html = client.get(reverse("programs:skills")).content.decode()
    assert "2 enrolments" in html  # the withdrawn one does not count
    assert "0 enrolments" in html
    assert _edit_url(unused) in html


def test_list_without_skills_explains_what_they_are_for(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    html = client.get(reverse("programs:skills")).content.decode()
    assert "No skills yet" in html
    assert 'name="name"' in html


def test_adding_a_skill_saves_it_and_says_so(client: Client, hr_admin: User) -> None:
    client.force_login(hr_admin)
    response = client.post(
        reverse("programs:skills"), {"name": "  Data   storytelling "}, follow=True
    )
    assert "“Data storytelling” was added" in response.content.decode()
    assert _names() == ["Data storytelling"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("negotiation", "“Negotiation” is already in the list. Merge into it instead."),
        ("NEGOTIATION", "“Negotiation” is already in the list."),
        ("   ", "This field is required"),
        ("", "This field is required"),
        ("x" * 81, "at most 80 characters"),
    ],
)
def test_adding_a_duplicate_or_empty_name_is_refused_and_changes_nothing(
    client: Client, hr_admin: User, name: str, message: str
) -> None:
    SkillFactory(name="Negotiation")
    client.force_login(hr_admin)
    response = client.post(reverse("programs:skills"), {"name": name})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert _names() == ["Negotiation"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_runs_the_same_queries_for_10_and_200_skills(
    client: Client, hr_admin: User, mentee: User
) -> None:
    client.force_login(hr_admin)
    skills = SkillFactory.create_batch(10)
    enrol(ProgramFactory(), mentee).skills.set(skills)
    few = _queries(client, reverse("programs:skills"))
    SkillFactory.create_batch(190)
    many = _queries(client, reverse("programs:skills"))
    assert few == many


# ---------------------------------------------------------------- rename


def test_renaming_keeps_the_skill_on_enrolments(
    client: Client, hr_admin: User, mentee: User
) -> None:
    skill = SkillFactory(name="Pubic speaking")
    enrolment = enrol(ProgramFactory(), mentee)
    enrolment.skills.set([skill])
    client.force_login(hr_admin)
    assert 'value="Pubic speaking"' in client.get(_edit_url(skill)).content.decode()
    response = client.post(
        _edit_url(skill), {"action": "rename", "name": "Public speaking"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("programs:skills")
    assert "is now called “Public speaking”" in response.content.decode()
    assert [s.name for s in enrolment.skills.all()] == ["Public speaking"]


def test_renaming_to_a_name_already_taken_is_refused(client: Client, hr_admin: User) -> None:
    skill = SkillFactory(name="Coaching")
    SkillFactory(name="Negotiation")
    client.force_login(hr_admin)
    response = client.post(_edit_url(skill), {"action": "rename", "name": "negotiation "})
    html = response.content.decode()
    assert "“Negotiation” is already in the list" in html
    assert 'value="negotiation "' in html or 'value="negotiation"' in html
    assert _names() == ["Coaching", "Negotiation"]


# ---------------------------------------------------------------- merge


def test_merging_moves_enrolments_to_the_target_once_and_deletes_the_source(
    client: Client, hr_admin: User, mentee: User, mentor: User
) -> None:
    program = ProgramFactory()
    source, target = SkillFactory(name="Speaking"), SkillFactory(name="Public speaking")
    other = SkillFactory(name="Negotiation")
    only_source = enrol(program, mentee)
    only_source.skills.set([source, other])
    both = enrol(program, mentor, role="mentor")
    both.skills.set([source, target])
    client.force_login(hr_admin)
    response = client.post(_edit_url(source), {"action": "merge", "target": target.pk}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("programs:skills")
    assert "“Speaking” was merged into “Public speaking”" in response.content.decode()
    assert not Skill.objects.filter(pk=source.pk).exists()
    assert sorted(s.name for s in only_source.skills.all()) == ["Negotiation", "Public speaking"]
    through = Enrolment.skills.through.objects
    assert list(through.filter(enrolment=both).values_list("skill_id", flat=True)) == [target.pk]


@pytest.mark.parametrize("target", ["self", "", "987654"])
def test_merging_into_itself_nothing_or_a_missing_skill_changes_nothing(
    client: Client, hr_admin: User, mentee: User, target: str
) -> None:
    skill = SkillFactory(name="Speaking")
    SkillFactory(name="Coaching")
    enrolment = enrol(ProgramFactory(), mentee)
    enrolment.skills.set([skill])
    client.force_login(hr_admin)
    value = str(skill.pk) if target == "self" else target
    response = client.post(_edit_url(skill), {"action": "merge", "target": value})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert _names() == ["Coaching", "Speaking"]
    assert list(enrolment.skills.all()) == [skill]


def test_merge_choices_list_every_other_skill(client: Client, hr_admin: User) -> None:
    skill = SkillFactory(name="Speaking")
    others = [SkillFactory(name="Coaching"), SkillFactory(name="Negotiation")]
    client.force_login(hr_admin)
    html = client.get(_edit_url(skill)).content.decode()
    for other in others:
        assert f'<option value="{other.pk}">{other.name}</option>' in html
    assert f'<option value="{skill.pk}"' not in html
    assert "keep their skills" in html


def test_the_only_skill_has_nothing_to_merge_into(client: Client, hr_admin: User) -> None:
    skill = SkillFactory(name="Lonely")
    client.force_login(hr_admin)
    assert "no other skill to merge into" in client.get(_edit_url(skill)).content.decode()
