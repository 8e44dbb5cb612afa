from __future__ import annotations

import pytest

from people.models import User
from people.roles import is_hr_admin, is_manager
from people.selectors import chain_down, chain_up, direct_reports, manager_map, reporting_line
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, User]:
    """ceo -> vp -> lead -> (dev1, dev2); ceo -> cfo."""
    ceo = UserFactory(full_name="Ceo")
    vp = UserFactory(full_name="Vp", manager=ceo)
    cfo = UserFactory(full_name="Cfo", manager=ceo)
    lead = UserFactory(full_name="Lead", manager=vp)
    dev1 = UserFactory(full_name="Dev1", manager=lead)
    dev2 = UserFactory(full_name="Dev2", manager=lead)
    return {"ceo": ceo, "vp": vp, "cfo": cfo, "lead": lead, "dev1": dev1, "dev2": dev2}


def test_direct_reports_are_one_level_and_active_only(tree: dict[str, User]) -> None:
    tree["dev2"].is_active = False
    tree["dev2"].save()
    assert list(direct_reports(manager=tree["lead"])) == [tree["dev1"]]


def test_chain_up_reaches_the_top(tree: dict[str, User]) -> None:
    ids = chain_up(tree["dev1"].pk, manager_map())
    assert ids == [tree["lead"].pk, tree["vp"].pk, tree["ceo"].pk]


def test_chain_down_includes_indirect_reports(tree: dict[str, User]) -> None:
    below = chain_down(tree["vp"].pk, manager_map())
    assert below == {tree["lead"].pk, tree["dev1"].pk, tree["dev2"].pk}


def test_reporting_line_excludes_peers_in_other_branches(tree: dict[str, User]) -> None:
    line = reporting_line(person=tree["lead"])
    assert tree["cfo"].pk not in line
    assert line == {tree["vp"].pk, tree["ceo"].pk, tree["dev1"].pk, tree["dev2"].pk}


def test_chain_functions_stop_on_a_cycle() -> None:
    managers: dict[int, int | None] = {1: 2, 2: 3, 3: 1}
    assert chain_up(1, managers) == [2, 3]
    assert chain_down(1, managers) == {2, 3}


def test_reporting_line_is_one_query(
    tree: dict[str, User], django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        reporting_line(person=tree["dev1"])


def test_roles_are_derived(manager: User, mentee: User, hr_admin: User, outsider: User) -> None:
    assert is_manager(manager)
    assert not is_manager(mentee)
    assert is_hr_admin(hr_admin)
    assert not is_hr_admin(outsider)


def test_a_manager_whose_only_report_leaves_is_no_longer_a_manager(
    manager: User, mentee: User
) -> None:
    mentee.manager = None
    mentee.save()
    assert not is_manager(manager)


def test_nobody_can_manage_themselves(outsider: User) -> None:
    from django.db import IntegrityError, transaction

    outsider.manager = outsider
    with pytest.raises(IntegrityError), transaction.atomic():
        outsider.save()
