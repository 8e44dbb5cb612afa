"""The checks every page visit goes through have teeth: a page wider than a phone fails."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import close_context, look, new_context


def test_look_fails_a_page_that_scrolls_sideways_on_a_phone(browser: Browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Wide</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><main><h1>Wide</h1><button style="white-space: nowrap">'
        "Mentorin oder Mentor im Programm Finanzen auswählen und anfragen"
        "</button></main></body></html>"
    )
    with pytest.raises(AssertionError, match=r"px wide at 390 px"):
        look(page, "look-too-wide")
    context.close()


def test_look_passes_the_same_page_when_the_label_wraps(browser: Browser) -> None:
    context = new_context(browser)
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Narrow</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        "<body><main><h1>Narrow</h1><button>"
        "Mentorin oder Mentor im Programm Finanzen auswählen und anfragen"
        "</button></main></body></html>"
    )
    look(page, "look-wraps")
    close_context(context)
