"""The page cache lives in ``people.page_cache``, low enough for every app's views to use;
this name stays for the pages and tests that import it from here."""

from people.page_cache import PAGES, Render, cached_page

__all__ = ["PAGES", "Render", "cached_page"]
