"""Render Daybrief's app icon from its one SVG source into every size the desktops need.

Writes, next to the SVG, ``resources/icons/hicolor/NxN/apps/app.daybrief.Daybrief.png`` for
each size in ``SIZES`` and ``resources/icons/daybrief.ico`` (Windows: PNG-compressed entries,
which Windows has read since Vista). With ``--iconset DIR`` it also writes a macOS
``Daybrief.iconset`` folder; ``iconutil -c icns DIR`` on a Mac turns it into ``Daybrief.icns``
(iconutil exists only on macOS, so the ``.icns`` is not generated or committed here).

Run after editing the SVG, then commit the outputs::

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

# Rendering SVG needs a QGuiApplication; offscreen keeps this working on headless machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

APP_ID = "app.daybrief.Daybrief"
ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
# The hicolor sizes freedesktop desktops look up (16 menus … 512 software centres).
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Windows shell sizes; 256 is the largest an .ico entry can declare.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS iconset names: (file stem, pixel size); @2x entries are the Retina variants.
ICONSET = (
    ("icon_16x16", 16),
    ("icon_16x16@2x", 32),
    ("icon_32x32", 32),
    ("icon_32x32@2x", 64),
    ("icon_128x128", 128),
    ("icon_128x128@2x", 256),
    ("icon_256x256", 256),
    ("icon_256x256@2x", 512),
    ("icon_512x512", 512),
    ("icon_512x512@2x", 1024),
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon at ``size``×``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico holding PNG payloads.

    Written by hand because Qt's ICO writer stores a single image per file.
    Layout: ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the images.
    """
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries = b""
    payload = b""
    for size in sizes:
        data = pngs[size]
        side = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        payload += data
        offset += len(data)
    return header + entries + payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iconset", type=Path, help="also write a macOS .iconset folder here")
    args = parser.parse_args(argv)

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1

    pngs: dict[int, bytes] = {}
    for size in sorted({*SIZES, *ICO_SIZES}):
        pngs[size] = png_bytes(render(renderer, size))
    for size in SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pngs[size])
        print(target.relative_to(ROOT))
    ico = ICONS / "daybrief.ico"
    ico.write_bytes(ico_bytes({size: pngs[size] for size in ICO_SIZES}))
    print(ico.relative_to(ROOT))

    if args.iconset:
        args.iconset.mkdir(parents=True, exist_ok=True)
        for stem, size in ICONSET:
            (args.iconset / f"{stem}.png").write_bytes(png_bytes(render(renderer, size)))
        print(args.iconset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
