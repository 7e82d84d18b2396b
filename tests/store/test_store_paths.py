"""Where the store lives: --data-dir, else DAYBRIEF_DATA_DIR, else platformdirs."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

from daybrief.store.paths import ENV_VAR, STORE_FILE, data_dir, store_path


def test_argument_wins_over_environment(tmp_path: Path) -> None:
    env = {ENV_VAR: str(tmp_path / "from-env")}
    assert data_dir(tmp_path / "from-arg", env) == tmp_path / "from-arg"


def test_environment_wins_over_platform_folder(tmp_path: Path) -> None:
    assert data_dir(None, {ENV_VAR: str(tmp_path / "env")}) == tmp_path / "env"


def test_empty_values_fall_through_to_the_platform_folder() -> None:
    expected = Path(user_data_dir("Daybrief", appauthor=False))
    assert data_dir("", {ENV_VAR: ""}) == expected
    assert data_dir(None, {}) == expected
    assert expected.name == "Daybrief"


def test_process_environment_is_the_default(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert data_dir() == tmp_path


def test_tilde_is_expanded(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))  # Windows
    assert data_dir("~/db") == tmp_path / "db"


def test_store_file_is_inside_the_data_folder(tmp_path: Path) -> None:
    assert store_path(tmp_path) == tmp_path / STORE_FILE == tmp_path / "daybrief.sqlite3"
    assert not tmp_path.joinpath(STORE_FILE).exists()  # finding the path creates nothing
