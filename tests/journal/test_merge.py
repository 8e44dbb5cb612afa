"""The three-way line merge behind concurrent edits of the shared notes."""

from __future__ import annotations

from journal.merge import merge_texts

BASE = "Goals\nTry saying no once\nRead the book\nNext time: feedback"


def test_edits_on_lines_apart_are_both_kept() -> None:
    mine = BASE.replace("Goals", "Goals for May")
    theirs = BASE.replace("Next time: feedback", "Next time: feedback upwards")
    assert merge_texts(BASE, mine, theirs) == (
        "Goals for May\nTry saying no once\nRead the book\nNext time: feedback upwards"
    )


def test_an_addition_at_the_top_and_one_at_the_end_are_both_kept() -> None:
    merged = merge_texts(BASE, "Agreed: weekly\n" + BASE, BASE + "\nBring the deck")
    assert merged == "Agreed: weekly\n" + BASE + "\nBring the deck"


def test_a_deletion_and_an_edit_elsewhere_are_both_kept() -> None:
    mine = BASE.replace("Read the book\n", "")
    theirs = BASE.replace("Goals", "Our goals")
    assert merge_texts(BASE, mine, theirs) == "Our goals\nTry saying no once\nNext time: feedback"


def test_edits_of_the_same_line_conflict() -> None:
    mine = BASE.replace("Read the book", "Read the book by Friday")
    theirs = BASE.replace("Read the book", "Skip the book")
    assert merge_texts(BASE, mine, theirs) is None


def test_edits_of_neighbouring_lines_conflict() -> None:
    mine = BASE.replace("Try saying no once", "Try saying no twice")
    theirs = BASE.replace("Read the book", "Read two chapters")
    assert merge_texts(BASE, mine, theirs) is None


def test_both_adding_at_the_end_conflict_rather_than_guess_an_order() -> None:
    assert merge_texts(BASE, BASE + "\nMine", BASE + "\nTheirs") is None


def test_the_same_edit_made_twice_is_no_conflict() -> None:
    both = BASE.replace("Goals", "Our goals")
    assert merge_texts(BASE, both, both) == both


def test_browser_line_endings_merge_with_stored_ones() -> None:
    mine = BASE.replace("Goals", "Goals for May").replace("\n", "\r\n")
    assert merge_texts(BASE, mine, BASE) == BASE.replace("Goals", "Goals for May")


def test_first_notes_written_by_both_at_once_conflict() -> None:
    assert merge_texts("", "Mine", "Theirs") is None
