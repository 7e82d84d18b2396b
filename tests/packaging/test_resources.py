"""Shipped resources are where daybrief.paths says; the generated icons match their names."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from daybrief.paths import APP_ID, app_icon_path, resource_path

ROOT = Path(__file__).resolve().parents[2]
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (no image library needed)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", SIZES)
def test_every_hicolor_png_has_the_size_its_folder_names(size: int) -> None:
    assert png_size(app_icon_path(size)) == (size, size)


def test_the_svg_source_is_the_scalable_icon() -> None:
    svg = app_icon_path()
    assert svg.name == f"{APP_ID}.svg"
    assert b"<svg" in svg.read_bytes()


def test_the_windows_icon_holds_every_shell_size() -> None:
    data = resource_path("icons", "daybrief.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sides = []
    for index in range(count):
        width, _height, *_rest, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sides.append(width or 256)  # 0 stands for 256 in an ICO directory entry
    assert sides == [16, 24, 32, 48, 64, 128, 256]


def test_the_package_sees_the_repository_resources_folder() -> None:
    # desktop/daybrief/resources is a symlink; both names must reach the same file.
    svg = app_icon_path()
    assert svg.resolve() == (
        ROOT / "resources" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    )


@pytest.mark.parametrize("parts", [(), ("..", "pyproject.toml"), ("icons/daybrief.ico",), ("",)])
def test_resource_names_are_plain_segments(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        resource_path(*parts)


def test_a_missing_resource_is_named_in_the_error() -> None:
    with pytest.raises(FileNotFoundError, match=r"no_such_file\.txt"):
        resource_path("no_such_file.txt")
