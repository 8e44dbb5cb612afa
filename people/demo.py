"""A demo organisation: about 80 people in 6 departments with a realistic reporting tree."""

from __future__ import annotations

import csv
import io
import itertools
import unicodedata
from dataclasses import dataclass

DEMO_PASSWORD = "demo-Mentoring-2026"  # noqa: S105 - local demo only; seed_demo refuses HTTPS deployments
# The demo HR admin's and operator's authenticator app (demo only: seed_demo refuses HTTPS).
# Base32, as authenticator apps take it; anyone may read it here, as anyone may read the
# password above.
DEMO_TOTP_SECRET = "MENTORINGDEMOTOTPSECRETFORLAPTOP"  # noqa: S105 - demo only, like the password
DOMAIN = "demo.example.com"

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farah",
    "Gustav",
    "Hiro",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Mei",
    "Nikhil",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sanjay",
    "Tove",
    "Umar",
    "Vera",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Aiko",
    "Bruno",
    "Camille",
    "Dario",
]
LAST_NAMES = [
    "Okafor",
    "Lindqvist",
    "Rossi",
    "Petrov",
    "Yilmaz",
    "Haddad",
    "Berg",
    "Tanaka",
    "Moreau",
    "Schmidt",
    "Adeyemi",
    "Nilsen",
    "Chen",
    "Iyer",
    "Novak",
    "García",
    "Murphy",
    "Silva",
    "Kapoor",
    "Andersen",
    "Farouk",
    "Dubois",
    "Liu",
    "Hernández",
    "Demir",
    "Kowalska",
    "Sato",
]

# (department, head's title, team lead title, member title, time zone, teams, people per team)
DEPARTMENTS = [
    (
        "Engineering",
        "VP Engineering",
        "Engineering Manager",
        "Software Engineer",
        "Europe/Berlin",
        4,
        5,
    ),
    (
        "Product",
        "Head of Product",
        "Group Product Manager",
        "Product Manager",
        "Europe/London",
        2,
        4,
    ),
    ("Sales", "VP Sales", "Sales Manager", "Account Executive", "America/New_York", 2, 6),
    ("Finance", "CFO", "Finance Manager", "Financial Analyst", "Europe/Madrid", 1, 6),
    (
        "People & Culture",
        "Chief People Officer",
        "HR Business Partner Lead",
        "HR Partner",
        "Europe/Berlin",
        1,
        4,
    ),
    ("Operations", "COO", "Operations Manager", "Operations Specialist", "Asia/Singapore", 2, 5),
]


@dataclass(frozen=True)
class DemoPerson:
    employee_id: str
    email: str
    full_name: str
    department: str
    title: str
    manager_employee_id: str
    time_zone: str
    language: str = "en"


def demo_people() -> list[DemoPerson]:
    counter = itertools.count(0)

    def person(department: str, title: str, manager: str, tz: str) -> DemoPerson:
        number = next(counter)
        # Strides through both lists give distinct name pairs for the first 270 people.
        first, last = FIRST_NAMES[number % 30], LAST_NAMES[(number * 7) % 27]
        full_name = f"{first} {last}"
        local = unicodedata.normalize("NFKD", full_name.lower().replace(" ", "."))
        local = local.encode("ascii", "ignore").decode()
        return DemoPerson(
            f"D{number + 1:04d}", f"{local}@{DOMAIN}", full_name, department, title, manager, tz
        )

    ceo = person("Operations", "Chief Executive Officer", "", "Europe/Berlin")
    people = [ceo]
    for dept, head_title, lead_title, member_title, tz, teams, size in DEPARTMENTS:
        head = person(dept, head_title, ceo.employee_id, tz)
        people.append(head)
        for _ in range(teams):
            lead = person(dept, lead_title, head.employee_id, tz)
            people.append(lead)
            people.extend(person(dept, member_title, lead.employee_id, tz) for _ in range(size))
    return people


def demo_csv(people: list[DemoPerson]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "employee_id",
            "email",
            "full_name",
            "department",
            "title",
            "manager_employee_id",
            "time_zone",
            "language",
        ]
    )
    for p in people:
        writer.writerow(
            [
                p.employee_id,
                p.email,
                p.full_name,
                p.department,
                p.title,
                p.manager_employee_id,
                p.time_zone,
                p.language,
            ]
        )
    return buffer.getvalue().encode()
