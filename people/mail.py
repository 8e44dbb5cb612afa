"""What every app's e-mails share (people is the bottom layer, so all may import it)."""

from __future__ import annotations


def subject_line(rendered: str) -> str:
    """A subject rendered from a template, on one line: line breaks become spaces (an
    e-mail header may not contain one), and no-break spaces stay (French typography)."""
    return " ".join(part.strip(" \t") for part in rendered.splitlines() if part.strip()).strip()
