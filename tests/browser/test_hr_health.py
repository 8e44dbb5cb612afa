"""HR checks whether a program works, in real Chromium: from home to the programs side by
side, then a program's health with its charts and tables, at 1280 and 390 px."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bench.health import seed_health_program
from people.models import User
from tests.browser.conftest import look, screenshot_dir, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_opens_a_programs_health_from_home(
    page: Page, live_server: object, hr_admin: User
) -> None:
    program = seed_health_program(people=120, meetings_per_pair=6, now=timezone.now())
    program.name = "Leadership mentoring 2026"  # as in the demo, for the README's screenshot
    program.save(update_fields=["name"])
    base = live_server.url  # type: ignore[attr-defined]
    sign_in(page, base, hr_admin)
    page.get_by_role("link", name="Program health").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programs side by side")
    look(page, "hr-health-compare")

    page.get_by_role("link", name=program.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Program health")
    # The README's tour shows this page: the top of it, at desktop width (docs/images/).
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(screenshot_dir() / "readme-program-health.png"))
    for chart in ("The program's funnel, in people", "Meetings held per week"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    page.get_by_text("The numbers as a table").first.click()
    expect(page.get_by_role("rowheader", name="Invited")).to_be_visible()
    look(page, "hr-health-program")

    page.get_by_label("Order").select_option(label="Fewest meetings first")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{base}/programs/manage/{program.pk}/health/?sort=held")
    expect(page.get_by_text("Next page")).to_be_visible()
