"""Real Chromium through Playwright, with screenshots and an axe-core scan per page."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright

from people.models import User
from tests.factories import PASSWORD, totp_code

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
PHONE = WIDTHS["mobile"]
BLOCKING_IMPACTS = {"serious", "critical"}
# Moderate rules that are fixed everywhere and must stay fixed.
BLOCKING_RULES = {"landmark-unique"}
# Pages a test visited (per browser context) and the ones already measured at phone width.
_VISITED: dict[BrowserContext, list[str]] = {}
_MEASURED: dict[BrowserContext, set[str]] = {}


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


def new_context(browser: Browser) -> BrowserContext:
    """A fresh browser (own cookies) whose every page is held to the phone width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    _VISITED[context] = []
    _MEASURED[context] = set()
    context.on("page", _watch)
    return context


def close_context(context: BrowserContext) -> None:
    """Measure every page the context visited but no `look` measured, then close it.

    A page is revisited as it is now (same cookies), at phone width, so a page a test only
    passed through (a redirect target, a page it clicked on from) cannot scroll sideways
    unnoticed either.
    """
    unmeasured = [u for u in dict.fromkeys(_VISITED.pop(context)) if u not in _MEASURED[context]]
    _MEASURED.pop(context)
    try:
        if unmeasured:
            probe = context.new_page()
            probe.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
            for url in unmeasured:
                probe.goto(url)
                assert_fits_width(probe, "revisited at phone width")
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser, live_server: object) -> Iterator[Page]:
    cache.clear()  # rate limits from earlier tests must not leak in
    context = new_context(browser)
    page = context.new_page()
    yield page
    close_context(context)


def _watch(page: Page) -> None:
    def visited(response: Response) -> None:
        request = response.request
        urls = _VISITED.get(page.context)
        if (
            urls is not None
            and request.is_navigation_request()
            and request.frame == page.main_frame
            and request.method == "GET"
            and response.ok
            and response.headers.get("content-type", "").startswith("text/html")
        ):
            urls.append(_address(response.url))

    page.on("response", visited)


def _address(url: str) -> str:
    return url.split("#", 1)[0]


def assert_fits_width(page: Page, name: str) -> None:
    """No sideways scroll: nothing is wider than the viewport."""
    problem = _too_wide(page)
    assert problem is None, f"{name}: {problem}"


def _too_wide(page: Page) -> str | None:
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return f"{page.url} is {width} px wide at {viewport} px" if width > viewport else None


def look(page: Page, name: str) -> None:
    """Screenshot the page at desktop and phone width; fail on serious axe violations, on
    the landmark rules we fixed, and on a page that scrolls sideways at either width."""
    problems: list[object] = []
    for label, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(screenshot_dir() / f"{name}-{label}.png"), full_page=True)
        violations = [
            v
            for v in Axe().run(page).response["violations"]
            if v["impact"] in BLOCKING_IMPACTS or v["id"] in BLOCKING_RULES
        ]
        problems += [
            (label, v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations
        ]
        if too_wide := _too_wide(page):
            problems.append((label, too_wide))
        if (width, height) == PHONE:
            _MEASURED.setdefault(page.context, set()).add(_address(page.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    assert problems == [], f"{name}: {problems}"


def sign_in(page: Page, base_url: str, user: User, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("e-?mail", re.I)).first.fill(user.email)
    page.get_by_label(re.compile("^password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_url(re.compile(rf"^{re.escape(base_url)}/(accounts/2fa/authenticate/)?$"))
    if "/2fa/authenticate/" in page.url:  # HR admins and operators: the authenticator app
        page.locator("input[name=code]").fill(totp_code(user))
        page.get_by_role("button", name=re.compile("^sign in$", re.I)).click()
    page.wait_for_url(f"{base_url}/")
