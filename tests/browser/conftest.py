"""Real Chromium through Playwright, with screenshots and an axe-core scan per page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Browser, Page, sync_playwright

from people.models import User
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls made by
# test set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"desktop": (1280, 900), "mobile": (390, 844)}
BLOCKING_IMPACTS = {"serious", "critical"}


def screenshot_dir() -> Path:
    root = Path(os.environ.get("MENTORING_TEST_ARTIFACTS", "test-artifacts"))
    folder = root.resolve() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    cache.clear()  # rate limits from earlier tests must not leak in
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def look(page: Page, name: str) -> None:
    """Screenshot the page at desktop and mobile width, and fail on serious axe violations."""
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshot_dir() / f"{name}-{label}.png"), full_page=True)
        violations = [
            v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS
        ]
        summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]
        assert summary == [], f"{name} at {label}: {summary}"
    page.set_viewport_size({"width": 1280, "height": 900})


def sign_in(page: Page, base_url: str, user: User, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(user.email)
    page.get_by_label(re.compile("^password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_url(f"{base_url}/")
