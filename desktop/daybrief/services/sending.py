"""Mailing what Daybrief writes: the briefing (``brief --send-to``, the daily e-mail) and
the review's drafts (``problems draft ID --send``), through :mod:`daybrief.services.mail`.

Without a mail account both are *prepared* instead: saved as an ``.eml`` in the outbox and,
where a mail program can be opened, opened there. Every message is in the sent history.
"""

from __future__ import annotations

import ssl
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from daybrief.core.briefing import Briefing
from daybrief.services.credentials import CredentialStore
from daybrief.services.export.eml import subject as briefing_subject
from daybrief.services.export.html import render_html
from daybrief.services.export.text import render_text
from daybrief.services.mail import (
    MailError,
    Outcome,
    check_address,
    load_account,
    new_message,
    prepare_message,
    send_message,
)
from daybrief.store.answers import SentHistory
from daybrief.store.db import Store
from daybrief.store.settings import Settings

__all__ = [
    "DAILY_SETTING",
    "MailError",
    "daily_briefing_due",
    "daily_briefing_time",
    "send_briefing",
    "send_draft",
    "set_daily_briefing",
]

DAILY_SETTING = "mail.daily_briefing"
"""``{"time": "HH:MM", "to": address}``: "email me the briefing every working day"."""


def _deliver(
    store: Store,
    message: Any,
    *,
    kind: str,
    credentials: CredentialStore,
    now: datetime,
    meeting_key: str | None,
    open_mail_program: bool,
    context: ssl.SSLContext | None,
) -> Outcome:
    if load_account(store) is None:
        return prepare_message(
            store, message, kind=kind, now=now, meeting_key=meeting_key,
            open_mail_program=open_mail_program,
        )  # fmt: skip
    return Outcome(
        send_message(
            store, message, kind=kind, credentials=credentials, now=now,
            meeting_key=meeting_key, context=context,
        )
    )  # fmt: skip


def send_briefing(
    store: Store,
    briefing: Briefing,
    to: str,
    *,
    credentials: CredentialStore,
    now: datetime,
    open_mail_program: bool = True,
    context: ssl.SSLContext | None = None,
) -> Outcome:
    """Mail the briefing (text and HTML) to ``to``.

    Raises:
        MailError: ``to`` is not an address, or sending failed (recorded as failed).
    """
    recipient = check_address(to, "--send-to")
    account = load_account(store)
    message = new_message(
        sender=account.sender if account else recipient,
        sender_name="Daybrief",
        to=[recipient],
        subject=briefing_subject(briefing),
        text=render_text(briefing),
        html=render_html(briefing),
        now=now,
    )
    message["X-Daybrief-Day"] = briefing.day.isoformat()
    return _deliver(
        store, message, kind="briefing", credentials=credentials, now=now, meeting_key=None,
        open_mail_program=open_mail_program, context=context,
    )  # fmt: skip


def send_draft(
    store: Store,
    draft: Any,
    *,
    credentials: CredentialStore,
    now: datetime,
    sender: str | None = None,
    open_mail_program: bool = True,
    context: ssl.SSLContext | None = None,
) -> Outcome:
    """Mail a review draft (``core.review.Draft``: ``to``, ``cc``, ``subject``, ``body``,
    ``meeting``, the key of the meeting it is about, kept in the sent history).

    Raises:
        MailError: no recipient, an address that is not one, or sending failed.
    """
    account = load_account(store)
    from_address = sender or (account.sender if account else None)
    recipients = [str(a) for a in draft.to]
    copies = [str(a) for a in getattr(draft, "cc", ())]
    if from_address is None:
        # Prepared for the mail program, which fills in the sender itself; the .eml needs one.
        from_address = recipients[0] if recipients else ""
    message = new_message(
        sender=from_address,
        to=recipients,
        subject=str(draft.subject),
        text=str(draft.body),
        now=now,
        cc=copies,
    )
    return _deliver(
        store, message, kind="draft", credentials=credentials, now=now,
        meeting_key=getattr(draft, "meeting", None) or None, open_mail_program=open_mail_program,
        context=context,
    )  # fmt: skip


# ---------------------------------------------------------------------------- daily e-mail


def set_daily_briefing(store: Store, at: time | None, to: str | None = None) -> None:
    """Turn the daily briefing e-mail on (at ``at``, to ``to``) or off (``at`` None).

    Raises:
        MailError: ``to`` is not an address.
    """
    if at is None:
        Settings(store).delete(DAILY_SETTING)
        return
    account = load_account(store)
    recipient = to or (account.sender if account else None)
    if not recipient:
        raise MailError("address", "whom to send the briefing to: set up the mail account")
    Settings(store).set(
        DAILY_SETTING, {"time": f"{at:%H:%M}", "to": check_address(recipient, "to")}
    )


def daily_briefing_time(store: Store) -> tuple[time, str] | None:
    value = Settings(store).get(DAILY_SETTING)
    if not isinstance(value, dict):
        return None
    try:
        hours, minutes = str(value["time"]).split(":")
        return time(int(hours), int(minutes)), str(value["to"])
    except (KeyError, ValueError):
        return None


def daily_briefing_due(
    store: Store, now: datetime, zone: tzinfo, is_working_day: Any
) -> date | None:
    """The day whose briefing should be mailed now, or None.

    Due on a working day once its time has passed, once a day: a briefing already sent
    (or prepared) that day is not sent again, also after a restart. Missed by more than
    six hours (the computer was off), it waits for the next day rather than arrive late.
    """
    setting = daily_briefing_time(store)
    if setting is None:
        return None
    at, _ = setting
    local = now.astimezone(zone)
    today = local.date()
    if not is_working_day(today):
        return None
    moment = datetime.combine(today, at, zone)
    if not moment <= local < moment + timedelta(hours=6):
        return None
    start_of_day = datetime.combine(today, time(), zone)
    for record in SentHistory(store).all():
        if (
            record.kind == "briefing"
            and record.created_at >= start_of_day
            and (record.status != "failed")
        ):
            return None
    return today


def mail_daily_briefing(
    store_file: Path,
    *,
    credentials: CredentialStore,
    now: datetime,
    context: ssl.SSLContext | None = None,
) -> str | None:
    """Send the daily briefing e-mail when it is due (on a worker: its own connection).

    Returns what happened, for the status bar; None when nothing was due.
    """
    from daybrief.core.clock import FixedClock
    from daybrief.services.briefing import briefing_from_store, resolve_day, settings_of
    from daybrief.services.preferences import load_preferences
    from daybrief.store.db import open_store

    with open_store(store_file) as store:
        preferences = load_preferences(store)
        zone = preferences.zone()
        day = daily_briefing_due(store, now, zone, preferences.is_working_day)
        setting = daily_briefing_time(store)
        if day is None or setting is None:
            return None
        briefing = briefing_from_store(
            store, resolve_day(None, now.astimezone(zone), settings_of(store)), zone,
            FixedClock(now),
        )  # fmt: skip
        try:
            outcome = send_briefing(
                store, briefing, setting[1], credentials=credentials, now=now,
                open_mail_program=False, context=context,
            )  # fmt: skip
        except MailError as error:
            return f"The briefing e-mail was not sent: {error.reason}"
    if outcome.sent:
        return f"The briefing was e-mailed to {setting[1]}"
    return f"No mail account: the briefing e-mail was saved as {outcome.path}"
