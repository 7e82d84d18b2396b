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


# --------------------------------------------------------------------------- the layers

ROOMS_NEVER_IMPORTING = {
    "ui": ("daybrief.store",),
    "cli": ("daybrief.store",),
    "services": ("daybrief.ui", "daybrief.cli", "daybrief.app"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def every_import(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth (functions included), with
    relative imports resolved and ``from package import module`` read as the module."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _room(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def layer_offences() -> list[str]:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        forbidden = ROOMS_NEVER_IMPORTING.get(_room(path))
        if forbidden is None:
            continue
        for line, module in every_import(path):
            if (
                module == forbidden
                or module.startswith(tuple(f"{f}." for f in forbidden))
                or (module in forbidden)
            ):
                offences.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    return sorted(set(offences))


def test_ui_and_cli_never_import_the_store_and_services_never_import_above() -> None:
    """ui and cli go through services; services know nothing of ui, cli or app. Every
    import counts, function-level ones too, with no exceptions."""
    assert layer_offences() == []


def test_the_layer_check_sees_function_level_and_relative_imports(tmp_path: Path) -> None:
    sample = PACKAGE / "ui" / "main_window.py"
    fake = tmp_path / "probe.py"
    fake.write_text(
        "def f():\n    from daybrief.store.db import Store\n"
        "def g():\n    from ..store import open_store\n",
        encoding="utf-8",
    )
    original = sample.read_text(encoding="utf-8")
    assert "daybrief.store" not in original  # the real module is clean ...
    # ... and a probe placed as if in ui/ is caught at both depths and both spellings.
    probe = PACKAGE / "ui" / "_layering_probe.py"
    probe.write_text(fake.read_text(encoding="utf-8"), encoding="utf-8")
    try:
        found = layer_offences()
    finally:
        probe.unlink()
    assert "ui/_layering_probe.py:2 imports daybrief.store.db" in found
    assert "ui/_layering_probe.py:4 imports daybrief.store" in found


def services_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in (PACKAGE / "services").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {m for _line, m in every_import(path) if m in modules and m != name}
    return graph


def test_no_import_cycles_inside_services() -> None:
    """Function-level imports count too: a cycle hidden in a function is still a cycle."""
    graph = services_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []
