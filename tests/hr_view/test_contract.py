"""hr_view's import contract names every module of meetings, matching and programs but the
few it may use, so a module added to those apps later is forbidden to HR's read side until
someone decides otherwise (here)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "meetings": {"health", "digest_rows"},  # values only; the digest's outbox rows
    "matching": {"health", "membership"},  # who is in a pair, as values
    "programs": {"health", "models", "selectors", "access", "views_participants"},
}


def _contract() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c.get("source_modules") == ["hr_view"] and "meetings, matching and programs" in c["name"]
    ]
    return contract


def _modules(app: str) -> set[str]:
    return {
        path.stem if path.is_file() else path.name
        for path in (ROOT / app).iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }


def test_hr_view_may_import_only_the_listed_modules_of_the_apps_below() -> None:
    forbidden = set(_contract()["forbidden_modules"])  # type: ignore[call-overload]
    assert "journal" in forbidden
    for app, allowed in ALLOWED.items():
        modules = _modules(app)
        assert allowed <= modules, app
        assert {f"{app}.{m}" for m in modules - allowed} <= forbidden, app
        assert not {f"{app}.{m}" for m in allowed} & forbidden, app
