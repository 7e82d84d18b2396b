"""Issue 19: the store on disk is the user's alone (modes under a permissive umask)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from daybrief.store import open_store


@pytest.fixture()
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_new_store_and_its_folder_are_private(tmp_path, permissive_umask):
    path = tmp_path / "new" / "data" / "daybrief.sqlite3"
    with open_store(path) as store, store.transaction():
        store.execute("INSERT INTO settings VALUES ('k', 'v', ?, ?)", (store.now(), store.now()))
        assert mode(path.with_name(path.name + "-wal")) == 0o600
        assert mode(path.with_name(path.name + "-shm")) == 0o600
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_readable_store_from_an_older_version_is_made_private(tmp_path, permissive_umask):
    folder = tmp_path / "chosen"
    folder.mkdir(mode=0o755)
    path = folder / "daybrief.sqlite3"
    with open_store(path):
        pass
    path.chmod(0o644)
    with open_store(path):
        assert mode(path) == 0o600
    assert mode(folder) == 0o755  # a folder the user chose keeps the mode they gave it
