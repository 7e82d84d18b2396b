"""The rooms stay clear: core imports no Qt, no SQL, no keyring (DEVELOPERS.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "desktop" / "daybrief"
FORBIDDEN_IN_CORE = (
    "PySide6",
    "shiboken6",
    "sqlite3",
    "keyring",
    "daybrief.ui",
    "daybrief.store",
    "daybrief.services",
    "daybrief.cli",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_nothing_above_it() -> None:
    offenders = {}
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        bad = {m for m in imported_modules(path) if m.startswith(FORBIDDEN_IN_CORE)}
        if bad:
            offenders[path.name] = bad
    assert (PACKAGE / "core" / "engine.py").exists()
    assert not offenders, offenders


def test_only_ui_imports_qt() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE).parts
        and any(m.startswith(("PySide6", "shiboken6")) for m in imported_modules(path))
    ]
    assert not offenders, offenders


def test_ui_never_touches_sql() -> None:
    """The window goes through services and repositories (DEVELOPERS.md: ui never touches SQL)."""
    offenders = [
        path.name
        for path in sorted((PACKAGE / "ui").rglob("*.py"))
        if any(m.startswith("sqlite3") for m in imported_modules(path))
        or "execute(" in path.read_text(encoding="utf-8")
    ]
    assert (PACKAGE / "ui" / "main_window.py").exists()
    assert not offenders, offenders


def test_only_the_credentials_module_touches_the_keyring() -> None:
    """Secrets have one door (services/credentials.py), so one place to audit."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "credentials.py"
        and any(m.startswith("keyring") for m in imported_modules(path))
    ]
    assert not offenders, offenders
