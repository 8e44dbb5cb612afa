"""The project's own documentation (docs/) stays true where it restates code: the route
table and the data table are the access policy and the privacy table, the app list and
the layers are the import contracts, and no link leads outside the repository.

On a mismatch the assertion shows the block the document should hold; paste it between
the document's ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` lines."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from django.conf import settings
from django.utils import translation

from mentoring.access_policy import AUDIENCE_LABELS, POLICIES
from mentoring.privacy_table import COLUMNS, ROWS

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LINTER = PYPROJECT["tool"]["importlinter"]


def generated_block(document: Path, name: str) -> str:
    text = document.read_text()
    match = re.search(
        rf"<!-- generated: {name} -->\n(.*?)<!-- end: {name} -->", text, flags=re.DOTALL
    )
    assert match is not None, f"{document.name} has no generated block {name!r}"
    return match.group(1)


def route_table() -> str:
    with translation.override("en"):
        lines = ["| Route | Who may use it | What it shows or does |", "|---|---|---|"]
        lines += [f"| `{p.route}` | {AUDIENCE_LABELS[p.audience]} | {p.shows} |" for p in POLICIES]
    return "\n".join(lines) + "\n"


def data_table() -> str:
    with translation.override("en"):
        header = ["Data", *(str(label) for _key, label in COLUMNS)]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c) for c in [row.data, *row_answers(row)]) + " |"
                  for row in ROWS]  # fmt: skip
    return "\n".join(lines) + "\n"


def row_answers(row: object) -> list[object]:
    return [getattr(row, key) for key, _label in COLUMNS]


def test_the_route_table_is_the_access_policy() -> None:
    assert generated_block(DOCS / "who-sees-what.md", "routes") == route_table()


def test_the_data_table_is_the_privacy_table_the_app_shows() -> None:
    assert generated_block(DOCS / "who-sees-what.md", "data") == data_table()


def _app_table(document: Path) -> list[str]:
    block = generated_block(document, "apps")
    return re.findall(r"^\| `([a-z_]+)/` \|", block, flags=re.MULTILINE)


def test_the_apps_in_the_architecture_are_the_apps_in_the_code() -> None:
    apps = _app_table(DOCS / "architecture.md")
    local_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    ground = "lib"  # a plain package: nothing in it for Django to install
    assert sorted(apps) == sorted(LINTER["root_packages"]) == sorted([*local_apps, ground])


def test_the_layers_in_the_architecture_are_the_layers_contract() -> None:
    [layers] = [c for c in LINTER["contracts"] if c["type"] == "layers"]
    block = generated_block(DOCS / "architecture.md", "layers")
    packages = [name.strip() for layer in layers["layers"] for name in layer.split("|")]
    assert re.findall(r"`([a-z_]+)`", block) == packages


def test_every_import_contract_is_described_in_the_architecture() -> None:
    block = generated_block(DOCS / "architecture.md", "contracts")
    described = re.findall(r"^- \*\*(.+?)\*\*", block, flags=re.MULTILINE)
    assert described == [c["name"] for c in LINTER["contracts"]]


SKIPPED_DIRS = {".git", ".venv", "var", "test-artifacts", "node_modules", "__pycache__"}
SHOWN = {".ci", ".github"}  # hidden folders that are part of the project
TEXT_SUFFIXES = {".md", ".py", ".html", ".txt", ".toml", ".cfg", ".po", ".yaml", ".yml", ".js",
                 ".css", ".json", ".ini", ""}  # fmt: skip


def _repository_text_files() -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and (d in SHOWN or d[0] != ".")]
        found += [Path(folder, f) for f in files if Path(f).suffix in TEXT_SUFFIXES]
    return found


def test_nothing_links_to_documents_outside_the_repository() -> None:
    this_file = Path(__file__).resolve()
    offenders = [
        str(path.relative_to(ROOT))
        for path in _repository_text_files()
        if path.resolve() != this_file and "../shared" in path.read_text(errors="ignore")
    ]
    assert offenders == []


def test_every_relative_link_in_the_documentation_resolves() -> None:
    documents = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *DOCS.glob("*.md")]
    broken = []
    for document in documents:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", document.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (document.parent / target).exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []
