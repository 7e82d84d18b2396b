"""``python -m build`` makes an sdist and, from it, a wheel that both carry resources/."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = [f"icons/hicolor/{n}x{n}/apps/app.daybrief.Daybrief.png" for n in SIZES] + [
    "icons/hicolor/scalable/apps/app.daybrief.Daybrief.svg",
    "icons/daybrief.ico",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("build") is None,
        reason="needs the 'build' package (pip install build) to run python -m build",
    ),
]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    # The default route (sdist first, wheel built from the unpacked sdist) is what
    # pip and pipx do with a source tree, so it also proves the sdist is complete.
    # The isolated build fetches setuptools from the package index.
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("daybrief-*.whl")
    (sdist,) = out.glob("daybrief-*.tar.gz")
    return wheel, sdist


def test_the_wheel_carries_the_icons_and_migrations(dists: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(dists[0]) as wheel:
        names = set(wheel.namelist())
    missing = [icon for icon in ICONS if f"daybrief/resources/{icon}" not in names]
    assert not missing, missing
    assert "daybrief/store/migrations/0001_initial.sql" in names
    # Every file under the repository's resources/ is shipped, including data files.
    shipped = {
        path.relative_to(ROOT / "resources").as_posix()
        for path in (ROOT / "resources").rglob("*")
        if path.is_file()
    }
    assert {f"daybrief/resources/{name}" for name in shipped} <= names


def test_the_sdist_carries_the_icons(dists: tuple[Path, Path]) -> None:
    with tarfile.open(dists[1]) as sdist:
        members = {member.name: member for member in sdist.getmembers()}
    prefix = dists[1].name.removesuffix(".tar.gz") + "/desktop/daybrief/resources/"
    for icon in ICONS:
        member = members.get(prefix + icon)
        # Stored as a real file: a symlink would point outside the unpacked sdist.
        assert member is not None and member.isfile(), icon
