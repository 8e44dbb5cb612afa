"""What an HR admin can read, as numbers: one reader per HR route (issue 16, "The proof").

A reader is ``function(client, ids) -> {figure key: numbers}``. It fetches the real page,
export or e-mail over HTTP as the signed-in HR admin (every filter, sort and page listed
with it) and parses the numbers out of the HTML, CSV or JSON; it never calls a selector.
A figure key is the line the numbers stand on with the digits taken out (a table row, a
paragraph, a chart label) plus the URL it came from, so the same figure keeps its key from
one reading to the next.

``READERS`` and ``NO_FIGURES`` together must name every route whose audience is HR
admins in ``mentoring/access_policy.py``: ``test_every_hr_route_has_a_reader`` fails
for a new HR route until it gets a reader here (usually one line) or a reviewed reason in
``NO_FIGURES``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from mentoring.access_policy import POLICIES, Audience

Figures = dict[str, tuple[float, ...]]


@dataclass
class Ids:
    """The objects the readers point at: the program, its departments (for the
    participants filter), a few people (for their HR person page) and the HR admin."""

    program: int
    departments: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    hr: int = 0
    matching_program: int = 0  # a program in matching: its start page shows only then


Reader = Callable[[Client, Ids], Figures]

NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
# Block boundaries: the numbers of one table row, paragraph or chart label stay together.
BLOCKS = (
    "tr",
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "caption",
    "dt",
    "dd",
    "div",
    "section",
    "text",
    "title",
    "option",
    "span",
    "td",
    "th",
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def figures_of_lines(lines: Iterable[str], where: str) -> Figures:
    """Each line with numbers → {where + the line with digits as '#' (+ repeat index): numbers}."""
    seen: dict[str, int] = {}
    figures: Figures = {}
    for line in lines:
        line = " ".join(line.split())
        numbers = NUMBER.findall(line)
        if not numbers:
            continue
        shape = NUMBER.sub("#", line)
        seen[shape] = seen.get(shape, 0) + 1
        figures[f"{where} | {shape} | {seen[shape]}"] = tuple(_number(n) for n in numbers)
    return figures


def html_lines(text: str) -> list[str]:
    """The text of each innermost block (table rows kept whole) of the page's ``<main>``,
    scripts and styles left out."""
    if not text.strip():
        return []
    tree = lxml_html.fromstring(text)
    main = tree.xpath("//main")  # the page's own content, not the header every page shares
    tree = main[0] if main else tree
    # The time the health figures were counted is a clock reading, not a figure: it changes
    # with the minute, whatever the answers.
    clock = "//*[contains(concat(' ', @class, ' '), ' health-counted-at ')]"
    for bad in tree.xpath(f"//script|//style|//input[@type='hidden']|{clock}"):
        bad.drop_tree()
    lines = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1]
        if tag == "tr":
            lines.append(" ".join(" ".join(c.itertext()) for c in element))
        elif (
            tag in BLOCKS
            and not element.xpath("ancestor::tr")
            and not any(isinstance(c.tag, str) and c.tag.split("}")[-1] in BLOCKS for c in element)
        ):
            lines.append(" ".join(element.itertext()))
        elif tag in BLOCKS and element.text and element.text.strip():
            lines.append(element.text)  # a block's own text before its child blocks
    return lines


def csv_lines(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = rows[0]
    return [" ".join(f"{h}={v}" for h, v in zip(header, row, strict=False)) for row in rows[1:]]


def json_lines(value: object, path: str = "") -> list[str]:
    if isinstance(value, Mapping):
        return [line for k, v in value.items() for line in json_lines(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [line for i, v in enumerate(value) for line in json_lines(v, f"{path}[{i}]")]
    return [f"{path}={value}"]


def fetch(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def page(route: str, *variants: str, **kwargs: str) -> Reader:
    """An HTML page, once per query string in ``variants`` ("" is the bare page);
    ``kwargs`` maps a URL argument to the ``Ids`` attribute that fills it."""

    def read(client: Client, ids: Ids) -> Figures:
        url = reverse(route, kwargs={k: getattr(ids, v) for k, v in kwargs.items()})
        figures: Figures = {}
        for query in variants or ("",):
            where = f"{url}?{query}" if query else url
            figures |= figures_of_lines(html_lines(fetch(client, where)), where)
        return figures

    return read


def export(route: str, **kwargs: str) -> Reader:
    """A CSV export."""

    def read(client: Client, ids: Ids) -> Figures:
        url = reverse(route, kwargs={k: getattr(ids, v) for k, v in kwargs.items()})
        return figures_of_lines(csv_lines(fetch(client, url)), url)

    return read


def per_department(route: str, **kwargs: str) -> Reader:
    """A list filtered by each department in turn (and by none)."""

    def read(client: Client, ids: Ids) -> Figures:
        queries = ["", *(f"department={d}" for d in ids.departments)]
        return page(route, *queries, **kwargs)(client, ids)

    return read


def per_person(route: str) -> Reader:
    def read(client: Client, ids: Ids) -> Figures:
        figures: Figures = {}
        for person in ids.people:
            url = reverse(route, kwargs={"person_id": person})
            figures |= figures_of_lines(html_lines(fetch(client, url)), url)
        return figures

    return read


def hr_digest(client: Client, ids: Ids) -> Figures:
    """The weekly HR digest e-mail as it would be sent to this HR admin now."""
    from django.utils import timezone

    from hr_view.digest import DIGESTS, _monday
    from meetings.digest_rows import DigestMail, digest_rows_load, digest_week_plan
    from people.models import User

    now = timezone.now()
    admin = User.objects.get(pk=ids.hr)
    digest_week_plan(monday=_monday(now), recipients=[admin], due_at=now)
    row_ids = list(
        DigestMail.objects.filter(recipient=admin).order_by("-pk").values_list("pk", flat=True)[:1]
    )
    [row] = digest_rows_load(row_ids)
    message = DIGESTS.message(row)
    lines = [str(message.subject), *str(message.body).splitlines()]
    for content, _mimetype in getattr(message, "alternatives", ()):
        lines += html_lines(str(content))
    return figures_of_lines(lines, "mail:hr_digest")


STATUSES = ("status=pending", "status=accepted", "status=declined", "status=withdrawn")
# The health page lists pairs longest-stalled first unless sorted otherwise ("" is that).
HEALTH_SORTS = ("page=2", *(f"sort={s}{p}" for s in ("held", "recent") for p in ("", "&page=2")))

# Every HR view that shows figures, with all its filters, sorts and pages.
READERS: dict[str, Reader] = {
    "hr_view:survey_results": page("hr_view:survey_results", program_id="program"),
    "hr_view:health": page("hr_view:health", "", *HEALTH_SORTS, program_id="program"),
    "hr_view:health_compare": page("hr_view:health_compare", "", "page=2"),
    "hr_view:participants": per_department("hr_view:participants", program_id="program"),
    "hr_view:person": per_person("hr_view:person"),
    "people:directory": page("people:directory", "", "page=2"),
    "programs:hr_list": page("programs:hr_list"),
    "programs:hr_detail": page("programs:hr_detail", program_id="program"),
    "programs:participants_export": export("programs:participants_export", program_id="program"),
    "programs:invite": page("programs:invite", program_id="program"),
    "programs:skills": page("programs:skills"),
    "matching:runs": page("matching:runs", program_id="program"),
    "matching:program_start": page("matching:program_start", program_id="matching_program"),
    "checkins:hr_surveys": page("checkins:hr_surveys", program_id="program"),
    "mail:hr_digest": hr_digest,  # not a route: the weekly e-mail, rendered for this admin
}
HR_ROUTES = {p.route for p in POLICIES if p.audience is Audience.HR_ADMIN}
# >>> The program report (branch ``export``: /programs/manage/<id>/report/ and report.csv).
# Its readers register themselves once its routes are in the access policy (the merge), so
# the coverage test asks for nothing more; the department breakdown of both is read by
# ``adversary.DEPARTMENT_READERS`` too.
if "hr_view:report" in HR_ROUTES:
    READERS["hr_view:report"] = page("hr_view:report", program_id="program")
if "hr_view:report_csv" in HR_ROUTES:
    READERS["hr_view:report_csv"] = export("hr_view:report_csv", program_id="program")
# <<<

# HR routes that show no figures, each with the reason (reviewed: keep it true).
NO_FIGURES: dict[str, str] = {
    "hr_view:deactivate": "a confirmation form for one named person; POST acts",
    "hr_view:erase": "a confirmation form for one named person; POST acts",
    "people:reactivate": "POST only: lets a person sign in again",
    "people:import": "an upload form; its result lists the file's own rows",
    "people:import_sample": "a fixed sample CSV, the same for every program",
    "programs:hr_create": "an empty form for a new program",
    "programs:hr_edit": "the program's settings form (dates, thresholds), no counts",
    "programs:hr_duplicate": "POST only: copies a program as a draft",
    "programs:hr_transition": "POST only: moves a program through its lifecycle",
    "programs:skill_edit": "a form to rename or merge one skill",
    "programs:participant_decide": "POST only: approves or declines one application",
    "matching:run_start": "POST only: starts a matching run",
    "matching:run_progress": "a run's status and percent done (JSON); no people or answers",
    "matching:proposal_remove": "POST only",
    "matching:proposal_set": "POST only",
    "matching:proposal_swap": "POST only",
    "matching:run_publish": "POST only",
}


def snapshot(client: Client, ids: Ids, readers: Mapping[str, Reader] = READERS) -> Figures:
    """Every figure of every reader, keyed by reader name and figure key."""
    figures: Figures = {}
    for name, reader in readers.items():
        figures |= {f"{name} :: {key}": value for key, value in reader(client, ids).items()}
    return figures
