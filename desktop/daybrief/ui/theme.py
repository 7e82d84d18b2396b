"""Every colour the window draws, worked out from the application's QPalette.

Widgets never name a colour: they ask this module, which derives each tone from the
palette's own text and base colours, so the same code reads right on a light and a dark
palette. Only hues are fixed here (red for a problem, amber for a warning, green for
fine); how light or dark each is comes from the palette.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import shiboken6
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

LIGHT, DARK, SYSTEM = "light", "dark", "system"
MODES = (SYSTEM, LIGHT, DARK)

# Hues (degrees) only; saturation and lightness follow the palette.
_PROBLEM_HUE = 4
_WARNING_HUE = 38
_OK_HUE = 140
_LINK_HUE = 217


@dataclass(frozen=True)
class IconColours:
    """The tray icon's artwork. It is drawn for the desktop's panel, whose colours the app
    does not know (as the packaged app icon is), so it keeps fixed colours of its own; the
    badge is the problem hue at full strength, readable on light and dark panels alike."""

    outline: QColor
    page: QColor
    accent: QColor
    badge: QColor
    badge_text: QColor


def tray_icon_colours() -> IconColours:
    return IconColours(
        outline=QColor.fromRgb(0x1E, 0x3A, 0x8A),
        page=QColor.fromRgb(0xFF, 0xFF, 0xFF),
        accent=QColor.fromRgb(0x25, 0x63, 0xEB),
        badge=QColor.fromRgb(0xDC, 0x26, 0x26),
        badge_text=QColor.fromRgb(0xFF, 0xFF, 0xFF),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5


def blend(front: QColor, back: QColor, amount: float) -> QColor:
    """``amount`` of ``front`` over ``back`` (0 = all back, 1 = all front), opaque."""
    keep = 1.0 - amount
    return QColor.fromRgbF(
        front.redF() * amount + back.redF() * keep,
        front.greenF() * amount + back.greenF() * keep,
        front.blueF() * amount + back.blueF() * keep,
    )


@dataclass(frozen=True)
class Theme:
    """The window's tones for one palette."""

    dark: bool
    text: QColor
    base: QColor
    window: QColor
    faded: QColor
    """Secondary text: hints, free time, context calendars."""
    line: QColor
    """Hairlines: the grid's hours, borders."""
    problem: QColor
    problem_bg: QColor
    warning: QColor
    warning_bg: QColor
    ok: QColor
    ok_bg: QColor
    link: QColor
    info_bg: QColor
    """Banners (the demo, a reminder)."""
    working_bg: QColor
    """The time grid's working hours, set off from the rest of the day."""
    highlight: QColor
    highlighted_text: QColor

    def calendar(self, colour: QColor | str | None, *, faded: bool = False) -> QColor:
        """A calendar's own colour as a block's fill, blended into the base to stay readable."""
        tone = QColor(colour) if colour else self.highlight
        if not tone.isValid():
            tone = self.highlight
        return blend(tone, self.base, 0.14 if faded else (0.38 if self.dark else 0.28))

    def accent(self, colour: QColor | str | None) -> QColor:
        """A calendar's colour as a strip beside a block: full strength, but not invisible."""
        tone = QColor(colour) if colour else self.highlight
        return tone if tone.isValid() else self.highlight

    def css(self) -> dict[str, str]:
        """The tones the briefing's HTML uses, as #rrggbb (Qt's rich text has no CSS vars)."""
        return {
            "text": self.text.name(),
            "page": self.base.name(),
            "canvas": self.window.name(),
            "heading": blend(self.highlight, self.text, 0.35).name(),
            "muted": self.faded.name(),
            "line": self.line.name(),
            "rule": blend(self.text, self.base, 0.25).name(),
            "problem": self.problem.name(),
            "warning": self.warning.name(),
            "changed": self.warning_bg.name(),
            "link": self.link.name(),
        }


def _tone(hue: int, dark: bool, *, background: QColor | None = None) -> QColor:
    if background is None:  # text: light on dark, dark on light
        return QColor.fromHslF(hue / 360, 0.75 if dark else 0.72, 0.70 if dark else 0.36)
    return blend(QColor.fromHslF(hue / 360, 0.8, 0.5), background, 0.28 if dark else 0.16)


_cache: dict[int, Theme] = {}


def theme(palette: QPalette | None = None) -> Theme:
    """The tones for ``palette`` (the application's when omitted); cheap to call per cell."""
    if palette is None:
        palette = QGuiApplication.palette()
    key = palette.cacheKey()
    found = _cache.get(key)
    if found is None:
        if len(_cache) > 16:
            _cache.clear()
        found = _cache[key] = _derive(palette)
    return found


def _derive(palette: QPalette) -> Theme:
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    dark = is_dark(palette)
    return Theme(
        dark=dark,
        text=text,
        base=base,
        window=palette.color(QPalette.ColorRole.Window),
        faded=blend(text, base, 0.6),
        line=blend(text, base, 0.15),
        problem=_tone(_PROBLEM_HUE, dark),
        problem_bg=_tone(_PROBLEM_HUE, dark, background=base),
        warning=_tone(_WARNING_HUE, dark),
        warning_bg=_tone(_WARNING_HUE, dark, background=base),
        ok=_tone(_OK_HUE, dark),
        ok_bg=_tone(_OK_HUE, dark, background=base),
        link=_tone(_LINK_HUE, dark),
        info_bg=blend(palette.color(QPalette.ColorRole.Highlight), base, 0.15),
        working_bg=blend(text, base, 0.05 if dark else 0.035),
        highlight=palette.color(QPalette.ColorRole.Highlight),
        highlighted_text=palette.color(QPalette.ColorRole.HighlightedText),
    )


def dark_palette() -> QPalette:
    """A dark palette for platforms whose style has none (Fusion's roles, dark tones)."""
    palette = QPalette()
    # Fusion outlines boxes in the window colour made darker: the window stays light
    # enough above the base for check boxes and frames to show.
    window = QColor.fromHslF(220 / 360, 0.10, 0.25)
    base = QColor.fromHslF(220 / 360, 0.12, 0.13)
    text = QColor.fromHslF(220 / 360, 0.10, 0.90)
    faded = blend(text, base, 0.5)
    button = QColor.fromHslF(220 / 360, 0.10, 0.29)
    highlight = QColor.fromHslF(_LINK_HUE / 360, 0.65, 0.50)
    Role, Group = QPalette.ColorRole, QPalette.ColorGroup
    for role, colour in (
        (Role.Window, window),
        (Role.WindowText, text),
        (Role.Base, base),
        (Role.AlternateBase, window),
        (Role.ToolTipBase, button),
        (Role.ToolTipText, text),
        (Role.PlaceholderText, faded),
        (Role.Text, text),
        (Role.Button, button),
        (Role.ButtonText, text),
        (Role.BrightText, QColor.fromHslF(0, 0.8, 0.7)),
        (Role.Light, blend(button, text, 0.8)),
        (Role.Midlight, blend(button, text, 0.9)),
        (Role.Mid, blend(base, text, 0.8)),
        (Role.Dark, blend(base, QColor.fromRgbF(0, 0, 0), 0.6)),
        (Role.Shadow, QColor.fromRgbF(0, 0, 0)),
        (Role.Highlight, highlight),
        (Role.HighlightedText, QColor.fromHslF(0, 0, 1)),
        (Role.Link, _tone(_LINK_HUE, True)),
        (Role.LinkVisited, _tone(280, True)),
    ):
        palette.setColor(role, colour)
    for role in (Role.Text, Role.WindowText, Role.ButtonText):
        palette.setColor(Group.Disabled, role, faded)
    return palette


def light_palette() -> QPalette:
    """The style's own light palette."""
    app = QGuiApplication.instance()
    style = getattr(app, "style", None)
    if callable(style):
        return style().standardPalette()  # type: ignore[no-any-return]
    return QPalette()


def system_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if callable(scheme):
        from PySide6.QtCore import Qt

        return bool(scheme() == Qt.ColorScheme.Dark)
    return False


def css(name: str) -> str:
    """A tone of the current theme as #rrggbb, for the rich text of labels and pages."""
    return str(getattr(theme(), name).name())


_toned: weakref.WeakKeyDictionary[QWidget, tuple[str | None, str | None]] = (
    weakref.WeakKeyDictionary()
)


def tone(widget: QWidget, foreground: str | None = None, background: str | None = None) -> None:
    """Colour ``widget`` with the theme's named tones (e.g. "faded", "info_bg"), again on
    every change of mode: no style sheets with colours in them."""
    _toned[widget] = (foreground, background)
    _tone_one(widget, foreground, background)


def _tone_one(widget: QWidget, foreground: str | None, background: str | None) -> None:
    tones = theme()
    palette = QPalette(QGuiApplication.palette())
    if foreground is not None:
        colour: QColor = getattr(tones, foreground)
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, colour)
    if background is not None:
        widget.setAutoFillBackground(True)
        palette.setColor(QPalette.ColorRole.Window, getattr(tones, background))
    widget.setPalette(palette)


def apply(mode: str) -> bool:
    """Set the application's palette for ``mode`` (light, dark or system); True when dark.

    "system" keeps the platform's palette, but makes it dark when the system says it
    prefers dark and the platform's palette is still light (Fusion on a dark desktop).
    """
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    if mode == DARK or (mode == SYSTEM and system_prefers_dark() and not is_dark(app.palette())):
        QGuiApplication.setPalette(dark_palette())
    elif mode == LIGHT or is_dark(app.palette()):
        QGuiApplication.setPalette(light_palette())
    for widget, (foreground, background) in list(_toned.items()):
        if shiboken6.isValid(widget):  # the Python side may outlive a closed window
            _tone_one(widget, foreground, background)
        else:
            del _toned[widget]
    return is_dark(app.palette())
