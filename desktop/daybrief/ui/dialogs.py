"""Settings, templates and rules, and the import report."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from daybrief.core import settings as declared
from daybrief.core.errors import ReadWarning
from daybrief.core.settings import Setting, WorkingWeek
from daybrief.services import autostart
from daybrief.services.credentials import CredentialStore
from daybrief.services.edits import Edits, RuleKind, StoreError
from daybrief.services.preferences import WEEKDAY_NAMES, Preferences
from daybrief.services.sources import (
    ROLE_LABELS,
    Source,
    SourceStatus,
    list_sources,
    remove_source,
    rename_source,
    set_source_colour,
    set_source_role,
    set_source_secret,
)
from daybrief.services.storage import Store
from daybrief.ui.models import WarningsModel
from daybrief.ui.theme import theme, tone


def _spin(setting: Setting[int], suffix: str) -> QSpinBox:
    """A spin box with the setting's own limits (core/settings.py)."""
    return QSpinBox(
        minimum=int(setting.minimum or 0),
        maximum=int(setting.maximum if setting.maximum is not None else 99999),
        suffix=suffix,
    )


class SettingsDialog(QDialog):
    """My addresses (pre-filled with the engine's guess), zone, working week, horizons."""

    def __init__(
        self,
        preferences: Preferences,
        suggested: Sequence[str],
        parent: QWidget | None = None,
        task_list: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Daybrief settings")
        addresses = list(preferences.addresses) or list(suggested)
        self.addresses = QLineEdit(", ".join(addresses))
        self.addresses.setPlaceholderText("you@company.com, you@personal.com")
        hint = QLabel(
            "Suggested from your calendars." if not preferences.addresses and suggested else ""
        )
        tone(hint, "faded")
        hint.setVisible(bool(hint.text()))
        self.zone = QComboBox(editable=True)
        self.zone.addItem("System time zone", "")
        for name in sorted(zoneinfo.available_timezones()):
            self.zone.addItem(name, name)
        index = self.zone.findData(preferences.zone_name)
        self.zone.setCurrentIndex(max(0, index))
        self.days = []
        days_row = QHBoxLayout()
        for number, name in enumerate(WEEKDAY_NAMES):
            box = QCheckBox(name)
            box.setChecked(number in preferences.working_days)
            self.days.append(box)
            days_row.addWidget(box)
        self.start = QTimeEdit(QTime(preferences.work_start.hour, preferences.work_start.minute))
        self.end = QTimeEdit(QTime(preferences.work_end.hour, preferences.work_end.minute))
        hours = QHBoxLayout()
        hours.addWidget(self.start)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.end)
        hours.addStretch(1)
        self.horizon = _spin(declared.HYGIENE_DAYS, " days")
        self.horizon.setValue(preferences.hygiene_days)
        self.lead = _spin(declared.REMINDER_LEAD_MINUTES, " min")
        self.lead.setValue(preferences.reminder_lead_minutes)
        self.refresh = _spin(declared.REFRESH_MINUTES, " min")
        self.refresh.setValue(preferences.refresh_minutes)
        self.task_sync = QSpinBox(minimum=1, maximum=24 * 60, suffix=" min")
        self.task_sync.setValue(preferences.task_sync_minutes)
        # The last sync and any problem (plain text: it quotes the list's name).
        self.task_list = QLabel(task_list or "No task list connected (daybrief tasks connect).")
        self.task_list.setTextFormat(Qt.TextFormat.PlainText)
        self.task_list.setWordWrap(True)
        self.close_to_tray = QCheckBox("Keep running in the tray when the window closes")
        self.close_to_tray.setChecked(preferences.close_to_tray)
        self.autostart = QCheckBox("Start Daybrief when I log in")
        self.autostart.setChecked(autostart.is_enabled())

        form = QFormLayout()
        form.addRow("My email addresses", self.addresses)
        form.addRow("", hint)
        form.addRow("Time zone", self.zone)
        form.addRow("Working days", days_row)
        form.addRow("Working hours", hours)
        form.addRow("Look for problems", self.horizon)
        form.addRow("Remind before meetings", self.lead)
        form.addRow("Read calendars again every", self.refresh)
        form.addRow("Sync follow-ups every", self.task_sync)
        form.addRow("Task list", self.task_list)
        form.addRow("", self.close_to_tray)
        form.addRow("", self.autostart)
        # The look is the window's own setting, not a Preference the CLI shares.
        self.theme = QComboBox()
        for mode, label in (("system", "As the system"), ("light", "Light"), ("dark", "Dark")):
            self.theme.addItem(label, mode)
        form.addRow("Appearance", self.theme)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(form)
        self.layout_.addWidget(buttons)
        self.buttons = buttons
        self._base = preferences
        self.result_preferences: Preferences | None = None

    def _accept(self) -> None:
        addresses = tuple(
            part.strip()
            for part in self.addresses.text().replace(";", ",").split(",")
            if part.strip()
        )
        bad = [a for a in addresses if "@" not in a]
        if bad:
            QMessageBox.warning(self, "Settings", f"Not an email address: {bad[0]}")
            return
        start, end = self.start.time().toPython(), self.end.time().toPython()
        if end <= start:  # type: ignore[operator]
            QMessageBox.warning(self, "Settings", "Working hours must end after they start.")
            return
        zone_text = self.zone.currentText().strip()
        zone_name = self.zone.currentData() if self.zone.findText(zone_text) >= 0 else zone_text
        if zone_name and zone_name not in zoneinfo.available_timezones():
            QMessageBox.warning(self, "Settings", f"Unknown time zone: {zone_name}")
            return
        self.result_preferences = Preferences(
            addresses=addresses,
            zone_name=str(zone_name or ""),
            week=WorkingWeek(
                frozenset(n for n, box in enumerate(self.days) if box.isChecked()),
                start,  # type: ignore[arg-type]
                end,  # type: ignore[arg-type]
            ),
            hygiene_days=self.horizon.value(),
            reminder_lead_minutes=self.lead.value(),
            refresh_minutes=self.refresh.value(),
            task_sync_minutes=self.task_sync.value(),
            close_to_tray=self.close_to_tray.isChecked(),
        )
        if self.autostart.isChecked() != autostart.is_enabled():
            try:
                autostart.set_enabled(self.autostart.isChecked())
            except (autostart.AutostartUnsupported, OSError) as error:
                QMessageBox.information(self, "Start at login", str(error))
        self.accept()


RULE_LABELS = {
    RuleKind.TITLE_KEYWORD: "Title contains",
    RuleKind.CLIENT: "Client is",
    RuleKind.EXTERNAL_ATTENDEES: "Has external attendees",
    RuleKind.RECURRING_SERIES: "Recurring series",
}


class TemplatesDialog(QDialog):
    """Templates (named checklists) and the rules that apply them to meetings."""

    def __init__(self, data: Edits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Templates and rules")
        self.resize(820, 520)
        self._data = data
        self.templates = QListWidget()
        self.templates.currentRowChanged.connect(self._show_template)
        add_template = QPushButton("New template…")
        add_template.clicked.connect(self._new_template)
        rename = QPushButton("Rename…")
        rename.clicked.connect(self._rename_template)
        delete = QPushButton("Delete")
        delete.clicked.connect(self._delete_template)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("<b>Templates</b>"))
        left_layout.addWidget(self.templates)
        row = QHBoxLayout()
        for button in (add_template, rename, delete):
            row.addWidget(button)
        left_layout.addLayout(row)

        self.items = QListWidget()
        self.new_item = QLineEdit(placeholderText="Add an item (Enter)…")
        self.new_item.returnPressed.connect(self._add_item)
        self.new_required = QCheckBox("Required")
        self.new_required.setChecked(True)
        self.new_pattern = QLineEdit(placeholderText="file, optional: ~/Clients/{client}/*QBR*")
        self.new_pattern.returnPressed.connect(self._add_item)
        remove_item = QPushButton("Remove item")
        remove_item.clicked.connect(self._remove_item)
        self.rules = QListWidget()
        self.rule_kind = QComboBox()
        for kind, label in RULE_LABELS.items():
            self.rule_kind.addItem(label, kind.value)
        self.rule_value = QLineEdit(placeholderText="keywords, comma separated / client name")
        add_rule = QPushButton("Add rule")
        add_rule.clicked.connect(self._add_rule)
        remove_rule = QPushButton("Remove rule")
        remove_rule.clicked.connect(self._remove_rule)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(QLabel("<b>Items</b>"))
        right_layout.addWidget(self.items)
        item_row = QHBoxLayout()
        item_row.addWidget(self.new_item, 1)
        item_row.addWidget(self.new_pattern, 1)
        item_row.addWidget(self.new_required)
        item_row.addWidget(remove_item)
        right_layout.addLayout(item_row)
        right_layout.addWidget(QLabel("<b>Applied automatically when</b>"))
        right_layout.addWidget(self.rules)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule_kind)
        rule_row.addWidget(self.rule_value, 1)
        rule_row.addWidget(add_rule)
        rule_row.addWidget(remove_rule)
        right_layout.addLayout(rule_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([260, 560])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addWidget(close)
        self._reload()

    def _current_template_id(self) -> int | None:
        item = self.templates.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _reload(self, select: int | None = None) -> None:
        current = select if select is not None else self._current_template_id()
        self.templates.blockSignals(True)
        self.templates.clear()
        for template in self._data.templates():
            item = QListWidgetItem(template.name)
            item.setData(Qt.ItemDataRole.UserRole, template.id)
            self.templates.addItem(item)
            if template.id == current:
                self.templates.setCurrentItem(item)
        self.templates.blockSignals(False)
        if self.templates.currentRow() < 0 and self.templates.count():
            self.templates.setCurrentRow(0)
        self._show_template()

    def _show_template(self, *_: object) -> None:
        template_id = self._current_template_id()
        self.items.clear()
        self.rules.clear()
        if template_id is None:
            return
        template = self._data.template(template_id)
        for entry in template.items:
            text = entry.text + ("  (required)" if entry.required else "")
            if entry.file_pattern:
                text += f"  — file: {entry.file_pattern}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            self.items.addItem(item)
        for rule in self._data.rules():
            if rule.template_id != template_id:
                continue
            label = RULE_LABELS.get(rule.kind, rule.kind.value)
            text = f"{label}: {rule.value}" if rule.value else label
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, rule.id)
            self.rules.addItem(item)

    def _new_template(self) -> None:
        name, ok = QInputDialog.getText(self, "New template", "Name:")
        if ok and name.strip():
            try:
                template = self._data.create_template(name.strip())
            except StoreError as error:
                QMessageBox.warning(self, "Templates", str(error))
                return
            self._reload(template.id)

    def _rename_template(self) -> None:
        template_id = self._current_template_id()
        if template_id is None:
            return
        old = self._data.template(template_id).name
        name, ok = QInputDialog.getText(self, "Rename template", "Name:", text=old)
        if ok and name.strip():
            try:
                self._data.rename_template(template_id, name.strip())
            except StoreError as error:
                QMessageBox.warning(self, "Templates", str(error))
            self._reload(template_id)

    def _delete_template(self) -> None:
        template_id = self._current_template_id()
        if template_id is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete template",
            "Delete this template and its rules? Checklists it already filled keep their items.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._data.delete_template(template_id)
            self._reload()

    def _add_item(self) -> None:
        template_id = self._current_template_id()
        text = self.new_item.text().strip()
        if template_id is not None and text:
            self._data.add_template_item(
                template_id,
                text,
                required=self.new_required.isChecked(),
                file_pattern=self.new_pattern.text().strip() or None,
            )
            self.new_item.clear()
            self.new_pattern.clear()
            self._show_template()

    def _remove_item(self) -> None:
        item = self.items.currentItem()
        if item is not None:
            self._data.delete_template_item(int(item.data(Qt.ItemDataRole.UserRole)))
            self._show_template()

    def _add_rule(self) -> None:
        template_id = self._current_template_id()
        if template_id is None:
            return
        kind = RuleKind(self.rule_kind.currentData())
        value = self.rule_value.text().strip()
        if kind in (RuleKind.TITLE_KEYWORD, RuleKind.CLIENT) and not value:
            QMessageBox.information(self, "Rules", "Say which keywords or client the rule is for.")
            return
        self._data.add_rule(kind, value, template_id)
        self.rule_value.clear()
        self._show_template()

    def _remove_rule(self) -> None:
        item = self.rules.currentItem()
        if item is not None:
            self._data.delete_rule(int(item.data(Qt.ItemDataRole.UserRole)))
            self._show_template()


class ImportReportDialog(QDialog):
    """After an import: what changed per file, and every skipped or guessed event."""

    def __init__(
        self,
        summaries: Sequence[str],
        warnings: Sequence[ReadWarning],
        failures: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        for line in summaries:
            layout.addWidget(QLabel(line, wordWrap=True))
        for line in failures:
            failed = QLabel(f"Not imported — {line}", wordWrap=True)
            tone(failed, "problem")
            layout.addWidget(failed)
        if warnings:
            layout.addWidget(QLabel(f"<b>{len(warnings)} event(s) skipped or guessed</b>"))
            rows = [(w.source, w.line, w.uid or "", w.message) for w in warnings]
            self.table = QTableView()
            self.table.setModel(WarningsModel(rows, self))
            self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
            self.table.verticalHeader().hide()
            layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def _local_time(stamp: str | None) -> str:
    """A stored UTC timestamp as the user's wall-clock time."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


class CalendarsDialog(QDialog):
    """The calendars Daybrief reads: whose each is and its colour, how each last went,
    import again, remove."""

    import_requested = Signal()
    reimport_requested = Signal()
    subscribe_requested = Signal()
    roles_changed = Signal()
    """A role or colour changed: the window works its views out again (nothing is fetched)."""

    ROLE_COLUMN = 5
    COLOUR_COLUMN = 6

    def __init__(
        self,
        store: Store,
        parent: QWidget | None = None,
        *,
        credentials: CredentialStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calendars")
        self.resize(980, 360)
        self._store = store
        self._credentials = credentials
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            ["Calendar", "File", "Meetings", "Last import", "Problem", "Whose", "Colour"]
        )
        header_tips = {
            self.ROLE_COLUMN: "Mine: your own calendar. Someone else's / team: only meetings "
            "you organise or attend count. Information: holidays, rosters; shown, never "
            "counted. A guessed role says why in its tooltip.",
            self.COLOUR_COLUMN: "The calendar's colour in the window",
        }
        for column, tip in header_tips.items():
            header_item = self.table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        add = QPushButton("Add a file…")
        add.clicked.connect(self._add)
        subscribe = QPushButton("Add an address…")
        subscribe.clicked.connect(self._subscribe)
        again = QPushButton("Refresh all")
        again.clicked.connect(self._again)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(self._remove)
        self.rename = QPushButton("Rename…")
        self.rename.clicked.connect(self._rename)
        self.password = QPushButton("Sign in again…")
        self.password.setToolTip("A changed password, or a keyring that lost it")
        self.password.clicked.connect(self._sign_in)
        note = QLabel(
            "Removing a calendar keeps your checklists, follow-ups and notes; its meetings "
            "show as \u201cno longer in your calendar\u201d until you dismiss them."
        )
        note.setWordWrap(True)
        tone(note, "faded")
        buttons = QHBoxLayout()
        for button in (add, subscribe, again, self.rename, self.password, self.remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.statuses = list_sources(self._store)
        self.table.setRowCount(len(self.statuses))
        for row, status in enumerate(self.statuses):
            source = status.source
            when = _local_time(source.last_success_at)
            for column, text in enumerate(
                (source.name, status.address, str(status.occurrences), when, status.problem)
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.setCellWidget(row, self.ROLE_COLUMN, self._role_box(row, status))
            self.table.setCellWidget(row, self.COLOUR_COLUMN, self._colour_button(row, status))
        self.table.resizeColumnsToContents()

    def _role_box(self, row: int, status: SourceStatus) -> QComboBox:
        box = QComboBox()
        for role, label in ROLE_LABELS.items():
            box.addItem(label, role)
        box.setCurrentIndex(max(0, box.findData(status.source.role)))
        how = "guessed" if not status.source.role_set else "set by you"
        reason = f": {status.source.role_reason}" if status.source.role_reason else ""
        box.setToolTip(f"{ROLE_LABELS.get(status.source.role, '')}, {how}{reason}")
        box.currentIndexChanged.connect(lambda _i, r=row, b=box: self.set_role(r, b.currentData()))
        return box

    def _colour_button(self, row: int, status: SourceStatus) -> QPushButton:
        colour = status.source.colour
        button = QPushButton(colour or "Default")
        if colour:
            swatch = QPixmap(12, 12)
            swatch.fill(theme().accent(colour))
            button.setIcon(QIcon(swatch))
        button.setToolTip("The calendar's colour in the window")
        menu = QMenu(button)
        menu.addAction("Choose…", lambda r=row: self._choose_colour(r))
        menu.addAction("Use the default", lambda r=row: self.set_colour(r, None))
        button.setMenu(menu)
        return button

    def set_role(self, row: int, role: str) -> None:
        """The user's choice of role for the calendar in ``row``; effective at once."""
        if not 0 <= row < len(self.statuses) or self.statuses[row].source.role == role:
            return
        set_source_role(self._store, self.statuses[row].source.id, role)
        self.roles_changed.emit()
        self.reload()

    def set_colour(self, row: int, colour: str | None) -> None:
        if not 0 <= row < len(self.statuses):
            return
        set_source_colour(self._store, self.statuses[row].source.id, colour)
        self.roles_changed.emit()
        self.reload()

    def _choose_colour(self, row: int) -> None:
        current = self.statuses[row].source.colour
        chosen = QColorDialog.getColor(
            QColor(current) if current else QColor(), self, "Calendar colour"
        )
        if chosen.isValid():  # Cancel keeps the colour as it was
            self.set_colour(row, chosen.name())

    def _add(self) -> None:
        self.import_requested.emit()
        self.accept()

    def _subscribe(self) -> None:
        self.subscribe_requested.emit()
        self.accept()

    def _again(self) -> None:
        self.reimport_requested.emit()
        self.accept()

    def _current(self) -> Source | None:
        row = self.table.currentRow()
        return self.statuses[row].source if 0 <= row < len(self.statuses) else None

    def _rename(self) -> None:
        source = self._current()
        if source is None:
            return
        name, ok = QInputDialog.getText(self, "Rename calendar", "Name:", text=source.name)
        if ok and name.strip():
            rename_source(self._store, source.id, name.strip())
            self.reload()

    def _sign_in(self) -> None:
        source = self._current()
        if source is None or source.kind == "file" or self._credentials is None:
            QMessageBox.information(self, "Sign in", "Only a calendar address has a password.")
            return
        user, ok = QInputDialog.getText(self, "Sign in again", "User (empty: none):")
        if not ok:
            return
        password, ok = QInputDialog.getText(
            self, "Sign in again", "Password:", QLineEdit.EchoMode.Password
        )
        if not ok:
            return
        try:
            set_source_secret(
                self._store,
                source.id,
                self._credentials,
                username=user.strip() or None,
                password=password or None,
            )
        except Exception as error:  # the keyring's or the source's reason, shown as it is
            QMessageBox.warning(self, "Sign in again", str(error))
            return
        self.reimport_requested.emit()
        self.accept()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        source = self.statuses[row].source
        answer = QMessageBox.question(
            self,
            "Remove calendar",
            f"Stop reading \u201c{source.name}\u201d? Your own notes and checklists stay.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            remove_source(self._store, source.id, self._credentials)
            self.reload()


class SubscribeDialog(QDialog):
    """An address to follow: an ICS address (webcal/https) or a CalDAV account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a calendar address")
        self.url = QLineEdit(placeholderText="webcal://… or https://… (ICS), or a CalDAV server")
        self.name = QLineEdit(placeholderText="optional: e.g. Work")
        self.user = QLineEdit(placeholderText="only if the server asks for one")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        note = QLabel(
            "Google and Outlook offer a \u201csecret address in iCal format\u201d; Nextcloud, "
            "Fastmail and others a CalDAV address. The address and the password are kept "
            "in your system\u2019s keyring, never in Daybrief\u2019s files."
        )
        note.setWordWrap(True)
        tone(note, "faded")
        form = QFormLayout()
        form.addRow("Address", self.url)
        form.addRow("Name", self.name)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 240)

    def _accept(self) -> None:
        if not self.url.text().strip():
            QMessageBox.information(self, "Add a calendar address", "Paste the address first.")
            return
        self.accept()

    def values(self) -> dict[str, str | None]:
        return {
            "url": self.url.text().strip(),
            "name": self.name.text().strip() or None,
            "username": self.user.text().strip() or None,
            "password": self.password.text() or None,
        }


class WelcomeDialog(SettingsDialog):
    """The first start: who you are, your hours and zone, then your calendar or the demo."""

    OPEN, SUBSCRIBE, DEMO = "open", "subscribe", "demo"

    def __init__(
        self, preferences: Preferences, suggested: Sequence[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(preferences, suggested, parent)
        self.setWindowTitle("Welcome to Daybrief")
        self.next_step = self.DEMO
        welcome = QLabel(
            "<h2>Welcome to Daybrief</h2><p>Every evening it tells you which of tomorrow's "
            "meetings are double-booked or unconfirmed, which clients you will see and what "
            "each meeting needs. Tell it who you are, so it knows which answers are yours "
            "and who your clients are; you can change all this later in Settings.</p>"
        )
        welcome.setWordWrap(True)
        self.layout_.insertWidget(0, welcome)
        self.buttons.clear()
        for label, step in (
            ("Open my calendar file…", self.OPEN),
            ("Add a calendar address…", self.SUBSCRIBE),
            ("Explore the demo", self.DEMO),
        ):
            # Action buttons: the step is known before the dialog closes (accepted() would
            # come before a button's own clicked()).
            button = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda _=False, s=step: self._choose(s))
        self.resize(640, 520)

    def _choose(self, step: str) -> None:
        self.next_step = step
        self._accept()

    def _accept(self) -> None:
        # Addresses may stay empty here: the first calendar suggests them.
        if not self.addresses.text().strip():
            self.addresses.setText(", ".join(self._base.addresses))
        super()._accept()
