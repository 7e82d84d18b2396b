"""Answering an invitation: Accept, Tentative or Decline, for one instance or a series.

Where the meeting comes from decides how the answer travels:

- **CalDAV**: the event is fetched, only the user's own ATTENDEE PARTSTAT is changed (for
  one instance of a series: in that instance's override, made from the series when there
  is none yet), and it is written back with ``If-Match``. On 412 (the organiser or another
  client changed it meanwhile) it is fetched again and the answer applied again, so their
  change is never overwritten. Servers with CalDAV scheduling (RFC 6638) then tell the
  organiser.
- **Files and ICS addresses** (read-only): an iMIP REPLY (RFC 6047) to the organiser, sent
  through the mail account, saved as an ``.eml``, or handed to the mail program.

Either way the answer is kept in the store as "answered, waiting for your calendar"
(:func:`pending_answers`) until the calendar itself shows a different answer from the one
it showed before: then the calendar speaks again.
"""

from __future__ import annotations

import copy
import re
import ssl
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from daybrief.core.confirmation import identity, normalize_email, user_partstat
from daybrief.core.errors import DaybriefError
from daybrief.core.imip import SUBJECT_WORDS, VERBS, ReplyRequest, build_reply, recurrence_text
from daybrief.core.model import Attendee, Occurrence, recurrence_key
from daybrief.services.caldav_source import Conflict, get_object, put_object
from daybrief.services.credentials import CredentialStore, CredentialsUnavailable
from daybrief.services.fetch import FetchError
from daybrief.services.mail import Attachment, MailError, deliver, new_message
from daybrief.services.preferences import load_preferences
from daybrief.services.queries import saved_identity
from daybrief.services.refresh import refresh_source
from daybrief.store.answers import PendingAnswer, PendingAnswers
from daybrief.store.calendars import Calendars, Source
from daybrief.store.db import Store
from daybrief.store.meetings import KEY_SEPARATOR, meeting_key
from daybrief.store.source_sync import CalendarObject, SourceSync

__all__ = [
    "VERBS",
    "AnswerError",
    "AnswerResult",
    "Meeting",
    "answer",
    "answered_map",
    "find_meeting",
    "parse_meeting",
    "pending_answers",
    "resolve_meeting",
    "settle_answers",
]

ATTEMPTS = 5
"""How many times a 412 is met by fetching again before giving up."""
_RID = re.compile(r"^(?P<uid>.+)@(?P<rid>\d{8}(?:T\d{6}Z)?)$")


class AnswerError(DaybriefError):
    """The answer could not be given. ``unreachable``: the server (calendar or mail) could
    not be reached or refused; otherwise the request itself is unusable. Nothing changed."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        self.reason = reason
        self.unreachable = unreachable
        super().__init__(reason)


@dataclass(frozen=True)
class Meeting:
    """A meeting to answer, as the store has it."""

    uid: str
    occurrence: Occurrence
    """The instance asked for; for a whole series, its first occurrence in the store."""
    source: Source
    recurring: bool
    instance: bool
    """Whether a single instance was named (``UID@RECURRENCE-ID``)."""

    @property
    def recurrence_id(self) -> datetime | date | None:
        return self.occurrence.recurrence_id


@dataclass(frozen=True)
class AnswerResult:
    meeting: Meeting
    partstat: str
    scope: str
    """``instance`` or ``series``."""
    how: str
    """``caldav`` (written to the server), ``sent``, ``saved`` or ``opened`` (iMIP reply)."""
    path: Path | None = None
    attempts: int = 1
    """CalDAV: how many PUTs it took (more than one after a 412)."""
    warning: str = ""
    """CalDAV: the answer is on the server, but the reply asked for by mail or file failed."""

    def describe(self) -> str:
        word = SUBJECT_WORDS[self.partstat].lower()
        what = "the series" if self.scope == "series" and self.meeting.recurring else "this meeting"
        if self.how == "caldav":
            return f"{word} {what}: written to {self.meeting.source.name}"
        if self.how == "sent":
            return f"{word} {what}: the reply was sent to the organiser"
        if self.how == "opened":
            return f"{word} {what}: the reply is open in your mail program ({self.path})"
        return f"{word} {what}: the reply was saved as {self.path}"


# ---------------------------------------------------------------------------- finding


def parse_meeting(text: str) -> tuple[str, str | None]:
    """``UID`` or ``UID@RECURRENCE-ID`` (UTC basic format) → (UID, instance key or None).

    The instance key is the store's form (``recurrence_key``). A UID may itself contain
    ``@``; only a trailing ``@`` + date-time in basic format names an instance.
    """
    text = text.strip()
    match = _RID.match(text)
    if not match:
        return text, None
    rid = match.group("rid")
    if "T" in rid:
        moment = datetime.strptime(rid, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return match.group("uid"), moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return match.group("uid"), datetime.strptime(rid, "%Y%m%d").date().isoformat()


def resolve_meeting(
    store: Store, text: str, *, problem_by_id: Callable[[str], Any] | None = None
) -> tuple[str, str | None]:
    """What MEETING on the command line names: a UID, ``UID@RECURRENCE-ID``, or the id of a
    review problem about one meeting, which ``problem_by_id`` looks up (the caller passes
    the review's lookup: this module sits below the review, which reads pending answers).

    Returns (UID, instance key or None).

    Raises:
        AnswerError: a problem id about several meetings (a double-booking: name one).
    """
    uid, instance = parse_meeting(text)
    if instance is not None and _known(store, text.strip()):
        return text.strip(), None  # the whole text is a UID that happens to end like an instance
    if instance is None and not _known(store, uid) and problem_by_id is not None:
        problem = _problem(text, problem_by_id)
        if problem is not None:
            meetings = [m for m in problem.meetings if m.uid]
            if len(meetings) != 1:
                titles = ", ".join(repr(m.title) for m in problem.meetings)
                raise AnswerError(
                    f"problem {text.strip()} is about {len(problem.meetings)} meetings "
                    f"({titles}): answer one of them by its UID"
                )
            return str(meetings[0].uid), meetings[0].recurrence_id or None
    return uid, instance


def _problem(text: str, problem_by_id: Callable[[str], Any]) -> Any:
    """The review problem with this id, when ``text`` looks like one and it is known."""
    if not re.fullmatch(r"[0-9a-fA-F]{4,}", text.strip()):
        return None
    return problem_by_id(text.strip())


def _known(store: Store, uid: str) -> bool:
    calendars = Calendars(store)
    return any(calendars.occurrences_of_uids(s.id, [uid]) for s in calendars.sources())


_KIND_ORDER = {"caldav": 0, "url": 1, "file": 2}


def find_meeting(store: Store, uid: str, instance: str | None) -> Meeting:
    """The meeting in the store; a CalDAV copy is preferred (it can be written back).

    Raises:
        AnswerError: no such meeting or instance in any calendar.
    """
    calendars = Calendars(store)
    sources = sorted(
        (s for s in calendars.sources() if s.enabled), key=lambda s: (_KIND_ORDER[s.kind], s.id)
    )
    for source in sources:
        found = calendars.occurrences_of_uids(source.id, [uid])
        if not found:
            continue
        recurring = any(o.recurrence_id is not None for o in found)
        if instance is None:
            return Meeting(uid, found[0], source, recurring, False)
        match = next((o for o in found if recurrence_key(o) == instance), None)
        if match is not None:
            return Meeting(uid, match, source, recurring, True)
    if instance is not None and any(calendars.occurrences_of_uids(s.id, [uid]) for s in sources):
        raise AnswerError(f"{uid}: no instance at {instance} in your calendars")
    raise AnswerError(f"no meeting with UID {uid!r} in your calendars")


def my_attendee(occurrence: Occurrence, me: Collection[str]) -> Attendee | None:
    return next((a for a in occurrence.event.attendees if a.email and a.email in me), None)


# ---------------------------------------------------------------------------- answering


def answer(
    store: Store,
    meeting: Meeting,
    partstat: str,
    *,
    comment: str = "",
    scope: str | None = None,
    credentials: CredentialStore,
    now: datetime,
    me: Collection[str] | None = None,
    send: bool = False,
    out: Path | None = None,
    context: ssl.SSLContext | None = None,
    open_mail_program: bool = True,
) -> AnswerResult:
    """Answer ``meeting`` with ``partstat`` (ACCEPTED, TENTATIVE, DECLINED).

    ``scope``: ``instance`` or ``series``; None: the instance when one was named, else the
    series. ``send``/``out`` are for iMIP replies (read-only calendars; with a CalDAV
    calendar they mail or save a reply too, for servers that do not tell the organiser).

    Raises:
        AnswerError: unusable (not an attendee, no organiser, ...) or unreachable; nothing
            changed in either case.
    """
    if partstat not in SUBJECT_WORDS:
        raise AnswerError(f"not an answer: {partstat!r}")
    me = identity(me) if me else identity(saved_identity(store))
    if not me:
        raise AnswerError(
            "Daybrief does not know your address yet: set it in Settings (or 'daybrief "
            "brief --me ADDRESS' once) so it can find you among the attendees"
        )
    scope = scope or ("instance" if meeting.instance else "series")
    if scope == "instance" and meeting.recurring and not meeting.instance:
        raise AnswerError(
            f"{meeting.uid} is a series: name the instance as UID@RECURRENCE-ID "
            "(e.g. from 'daybrief occurrences --json'), or answer --series"
        )
    if not meeting.recurring:
        scope = "series"  # a one-off: the event itself
    mine = my_attendee(meeting.occurrence, me)
    if mine is None:
        raise AnswerError(f"you are not an attendee of {_title(meeting)}: nothing to answer")
    previous = user_partstat(meeting.occurrence, me) or ""
    instance_key = recurrence_key(meeting.occurrence) if scope == "instance" else ""
    if meeting.source.kind == "caldav":
        attempts = _answer_caldav(store, meeting, partstat, comment, scope, me, credentials)
        warning = ""
        if send or out is not None:
            # Also a reply by mail or in a file, for servers that do not tell the organiser.
            # The answer is on the server already: a failure here is said, not undone.
            try:
                _mail_reply(store, meeting, mine, partstat, comment, scope, credentials, now,
                            send, out, context, open_mail_program)  # fmt: skip
            except AnswerError as error:
                warning = f"the reply to the organiser failed: {error.reason}"
        PendingAnswers(store).set(
            meeting.uid, instance_key, partstat, comment=comment, how="caldav",
            previous=previous, at=now,
        )  # fmt: skip
        # The calendar is read again so the store shows the answer (and the pending
        # entry settles); a failed refresh leaves the answer pending, not lost.
        refresh_source(store, meeting.source.id, now=now, credentials=credentials)
        settle_answers(store)
        return AnswerResult(meeting, partstat, scope, "caldav", attempts=attempts, warning=warning)
    try:
        how, path = _mail_reply(
            store, meeting, mine, partstat, comment, scope, credentials, now, send, out, context,
            open_mail_program,
        )  # fmt: skip
    except AnswerError as error:
        if error.unreachable:
            raise AnswerError(f"{error.reason}; nothing was answered", unreachable=True) from None
        raise
    PendingAnswers(store).set(
        meeting.uid, instance_key, partstat, comment=comment, how="imip", previous=previous,
        at=now,
    )  # fmt: skip
    return AnswerResult(meeting, partstat, scope, how, path)


def _title(meeting: Meeting) -> str:
    return repr(" ".join(meeting.occurrence.summary.split())[:60] or meeting.uid)


def _mail_reply(
    store: Store,
    meeting: Meeting,
    mine: Attendee,
    partstat: str,
    comment: str,
    scope: str,
    credentials: CredentialStore,
    now: datetime,
    send: bool,
    out: Path | None,
    context: ssl.SSLContext | None,
    open_mail_program: bool = True,
) -> tuple[str, Path | None]:
    occurrence = meeting.occurrence
    event = occurrence.event
    if not event.organizer:
        raise AnswerError(f"{_title(meeting)} has no organiser to answer")
    instance = scope == "instance"
    reply = build_reply(
        ReplyRequest(
            uid=meeting.uid,
            organizer=event.organizer,
            organizer_cn=event.organizer_cn,
            attendee=mine.email,
            attendee_cn=mine.cn,
            partstat=partstat,
            dtstamp=now,
            sequence=event.sequence,
            recurrence_id=occurrence.recurrence_id if instance else None,
            comment=comment,
            summary=event.summary,
            start=occurrence.start if instance or not meeting.recurring else None,
            end=occurrence.end if instance or not meeting.recurring else None,
        )
    )
    word = SUBJECT_WORDS[partstat]
    title = " ".join(event.summary.split()) or "(no title)"
    name = mine.cn or ""
    lines = [f"{name or mine.email} has {word.lower()} the invitation: {title}"]
    if instance:
        lines.append(f"For the meeting on {occurrence.start:%a %d %b %Y %H:%M} UTC only.")
    elif meeting.recurring:
        lines.append("For every meeting of the series.")
    if comment.strip():
        lines += ["", comment.strip()]
    try:
        message = new_message(
            sender=mine.email,
            sender_name=name,
            to=[event.organizer],
            subject=f"{word}: {title}",
            text="\n".join(lines) + "\n",
            attachments=[
                Attachment(
                    "invite.ics", reply, "text", "calendar", (("method", "REPLY"),), inline=True
                )
            ],
            now=now,
        )
        outcome = deliver(
            store, message, kind="reply", credentials=credentials, now=now, send=send, out=out,
            meeting_key=meeting_key(meeting.uid, recurrence_key(occurrence) if instance else ""),
            context=context, open_mail_program=open_mail_program,
        )  # fmt: skip
    except MailError as error:
        if error.kind == "address":
            raise AnswerError(f"{_title(meeting)}: {error.reason}") from None
        raise AnswerError(error.reason, unreachable=True) from None
    if outcome.sent:
        return "sent", None
    return ("opened" if outcome.opened else "saved"), outcome.path


# ---------------------------------------------------------------------------- CalDAV


def _answer_caldav(
    store: Store,
    meeting: Meeting,
    partstat: str,
    comment: str,
    scope: str,
    me: Collection[str],
    credentials: CredentialStore,
) -> int:
    state = SourceSync(store).state(meeting.source.id)
    try:
        secret = credentials.get(state.secret_ref) if state is not None else None
    except CredentialsUnavailable as error:
        raise AnswerError(str(error)) from None
    if state is None or secret is None:
        raise AnswerError(
            f"the address of {meeting.source.name!r} is not in the keyring: sign in again "
            "(Calendars, or 'daybrief sources refresh --password-stdin')"
        )
    href = _href_of(store, meeting.source.id, meeting.uid)
    zone = load_preferences(store).zone()
    instance = meeting.recurrence_id if scope == "instance" else None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            current = get_object(secret, href)
            changed = set_partstat(
                current.data, meeting.uid, me, partstat, instance=instance, comment=comment,
                zone=zone,
            )  # fmt: skip
            if changed == current.data:
                return attempt
            put_object(secret, CalendarObject(href, current.etag, changed))
            return attempt
        except Conflict:
            continue
        except FetchError as error:
            raise AnswerError(f"{error.reason}; nothing was answered", unreachable=True) from None
        except LookupError as error:
            raise AnswerError(str(error)) from None
    raise AnswerError(
        f"{meeting.source.name}: the meeting kept changing on the server ({ATTEMPTS} tries); "
        "nothing was answered, try again",
        unreachable=True,
    )


def _href_of(store: Store, source_id: int, uid: str) -> str:
    import icalendar

    for item in SourceSync(store).objects(source_id).values():
        if uid.encode("utf-8") not in item.data:
            continue
        try:
            calendar = icalendar.Calendar.from_ical(item.data)
        except ValueError:
            continue
        if any(str(e.get("UID")) == uid for e in calendar.walk("VEVENT")):
            return item.href
    raise AnswerError(f"{uid}: not found among the calendar's objects; refresh it and try again")


def _instant(value: Any, zone: tzinfo) -> datetime | date:
    """A DTSTART/RECURRENCE-ID value comparable with the store's (UTC, or a date)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating: the engine reads it in the user's zone
            value = value.replace(tzinfo=zone)
        moment: datetime = value.astimezone(UTC)
        return moment
    day: date = value
    return day


def set_partstat(
    data: bytes,
    uid: str,
    me: Collection[str],
    partstat: str,
    *,
    instance: datetime | date | None,
    comment: str = "",
    zone: tzinfo = UTC,
) -> bytes:
    """The calendar object with the user's PARTSTAT changed and nothing else.

    ``instance`` None: the series (the master, and each override that followed the
    series' answer or has none; an instance answered differently keeps its answer). Else
    that instance's override, made from the master when there is none yet.

    Raises:
        LookupError: the user is not an attendee, or the instance is not in the object.
    """
    import icalendar

    calendar: Any = icalendar.Calendar.from_ical(data)
    events = [e for e in calendar.subcomponents if e.name == "VEVENT" and str(e.get("UID")) == uid]
    master = next((e for e in events if "RECURRENCE-ID" not in e), None)
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    if not events:
        raise LookupError(f"{uid}: the server's copy has no such meeting")
    if instance is None:
        targets = [master] if master is not None else list(overrides)
        old = _mine(master, me)[0].params.get("PARTSTAT", "NEEDS-ACTION") if master else None
        for override in overrides if master is not None else []:
            found = _mine(override, me)
            if not found or found[0].params.get("PARTSTAT", "NEEDS-ACTION") in (
                old,
                "NEEDS-ACTION",
            ):
                targets.append(override)
    else:
        wanted = _instant(instance, zone) if isinstance(instance, datetime) else instance
        match = next(
            (e for e in overrides if _instant(e["RECURRENCE-ID"].dt, zone) == wanted), None
        )
        if match is None:
            if master is None:
                raise LookupError(f"{uid}: the server's copy has no series for that instance")
            match = _override_from(master, instance, zone)
            calendar.add_component(match)
        targets = [match]
    changed = False
    for event in targets:
        for attendee in _mine(event, me):
            attendee.params["PARTSTAT"] = partstat
            if comment.strip():
                # Thunderbird's way to keep an answer's comment on the attendee.
                attendee.params["X-RESPONSE-COMMENT"] = " ".join(comment.split())
            changed = True
    if not changed:
        raise LookupError("you are not an attendee of this meeting on the server")
    return bytes(calendar.to_ical())


def _mine(event: Any, me: Collection[str]) -> list[Any]:
    if event is None:
        return []
    found = event.get("ATTENDEE")
    if found is None:
        return []
    attendees = found if isinstance(found, list) else [found]
    return [a for a in attendees if normalize_email(str(a)) in me]


def _override_from(master: Any, instance: datetime | date, zone: tzinfo) -> Any:
    """A RECURRENCE-ID override for ``instance``, a copy of the master at that time."""
    override = copy.deepcopy(master)
    for name in ("RRULE", "RDATE", "EXDATE", "EXRULE", "DTSTART", "DTEND"):
        override.pop(name, None)
    start_prop: Any = master["DTSTART"]
    start = start_prop.dt
    params: dict[str, str] = {}
    if isinstance(start, datetime) and isinstance(instance, datetime):
        if start.tzinfo is None:
            local: datetime | date = instance.astimezone(zone).replace(tzinfo=None)
        elif "TZID" in start_prop.params:
            local = instance.astimezone(start.tzinfo).replace(tzinfo=None)
            params["TZID"] = str(start_prop.params["TZID"])
        else:
            local = instance.astimezone(UTC)
    elif isinstance(instance, datetime):
        local = instance.date()
    else:
        local = instance
    override.add("RECURRENCE-ID", local, parameters=dict(params))
    override.add("DTSTART", local, parameters=dict(params))
    if "DTEND" in master:
        length = master["DTEND"].dt - start
        override.add("DTEND", local + length, parameters=dict(params))
    return override


# ---------------------------------------------------------------------------- pending


def _calendar_answer(store: Store, pending: PendingAnswer, me: Collection[str]) -> str | None:
    """What the calendar says the user answered now (None: the meeting is not in it)."""
    calendars = Calendars(store)
    found: list[Occurrence] = []
    for source in calendars.sources():
        if source.enabled:
            found.extend(calendars.occurrences_of_uids(source.id, [pending.uid]))
    if pending.recurrence_id:
        found = [o for o in found if recurrence_key(o) == pending.recurrence_id]
    answers = Counter(p for p in (user_partstat(o, me) for o in found) if p is not None)
    return answers.most_common(1)[0][0] if answers else None


def settle_answers(store: Store) -> int:
    """Forget pending answers the calendar has moved past (it shows the answer, or another
    one given elsewhere); returns how many were forgotten."""
    me = identity(saved_identity(store))
    settled = [
        p.meeting_key
        for p in PendingAnswers(store).all()
        if (now := _calendar_answer(store, p, me)) is not None and now != p.previous
    ]
    if settled:
        PendingAnswers(store).clear(settled)
    return len(settled)


def pending_answers(store: Store) -> dict[str, str]:
    """Answers waiting for the calendar: meeting key (``store.meetings.meeting_key``) →
    PARTSTAT. The review model treats these meetings as answered, not as problems."""
    me = identity(saved_identity(store))
    return {
        p.meeting_key: p.partstat
        for p in PendingAnswers(store).all()
        if (now := _calendar_answer(store, p, me)) is None or now == p.previous
    }


def pending_by_instance(store: Store) -> dict[str, str]:
    """:func:`pending_answers` with series answers spread over the series' instances in the
    store, keyed as the review model keys meetings (``core.review.meeting_ref``); an
    instance answered on its own keeps its own answer."""
    pending = pending_answers(store)
    if not pending:
        return {}
    calendars = Calendars(store)
    sources = [s for s in calendars.sources() if s.enabled]
    spread: dict[str, str] = {}
    for key, partstat in pending.items():
        if KEY_SEPARATOR in key:
            continue
        spread[key] = partstat
        for source in sources:
            for occurrence in calendars.occurrences_of_uids(source.id, [key]):
                instance = recurrence_key(occurrence)
                if instance:
                    spread[meeting_key(key, instance)] = partstat
    spread.update({k: p for k, p in pending.items() if KEY_SEPARATOR in k})
    return spread


def answered_map(store: Store) -> dict[tuple[str, str], str]:
    """:func:`pending_answers` keyed as core wants it (``core.confirmation.Answered``)."""
    me = identity(saved_identity(store))
    return {
        (p.uid, p.recurrence_id): p.partstat
        for p in PendingAnswers(store).all()
        if (now := _calendar_answer(store, p, me)) is None or now == p.previous
    }


def meeting_label(uid: str, instance: datetime | date | None) -> str:
    """How the command line names a meeting: ``UID`` or ``UID@20260316T100000Z``."""
    return uid if instance is None else f"{uid}@{recurrence_text(instance)}"


# ---------------------------------------------------------------------------- for the window


@dataclass(frozen=True)
class AnswerState:
    """What the window shows about the user's answer to one meeting."""

    answerable: bool
    why_not: str = ""
    current: str | None = None
    """The user's PARTSTAT as the calendar has it."""
    pending: str | None = None
    """An answer given that the calendar does not show yet."""
    recurring: bool = False
    writes_back: bool = False
    """A CalDAV calendar: the answer is written there (else an iMIP reply is mailed)."""

    def label(self) -> str:
        if self.pending:
            return f"{SUBJECT_WORDS[self.pending]}: answered, waiting for your calendar"
        if not self.answerable:
            return self.why_not
        words = {"NEEDS-ACTION": "You have not answered yet", "DELEGATED": "You delegated it"}
        if self.current in SUBJECT_WORDS:
            return f"You answered: {SUBJECT_WORDS[self.current].lower()}"
        return words.get(self.current or "", "You have not answered yet")


def answer_state(store: Store, occurrence: Occurrence) -> AnswerState:
    me = identity(saved_identity(store))
    uid = occurrence.uid
    if not uid:
        return AnswerState(False, "This event has no UID: it cannot be answered")
    if not me:
        return AnswerState(False, "Set your address in Settings to answer invitations")
    mine = my_attendee(occurrence, me)
    if mine is None:
        return AnswerState(False, "You are not an attendee")
    pending = pending_answers(store)
    key = recurrence_key(occurrence)
    waiting = pending.get(meeting_key(uid, key)) if key else None
    waiting = waiting or pending.get(uid)
    try:
        meeting = find_meeting(store, uid, key or None)
    except AnswerError:
        return AnswerState(False, "This meeting is no longer in your calendars")
    return AnswerState(
        answerable=True,
        current=user_partstat(occurrence, me),
        pending=waiting,
        recurring=occurrence.recurrence_id is not None,
        writes_back=meeting.source.kind == "caldav",
    )


@dataclass(frozen=True)
class AnswerOutcome:
    ok: bool
    message: str
    unreachable: bool = False


def answer_in_background(
    store_file: Path,
    uid: str,
    instance: str | None,
    partstat: str,
    *,
    comment: str = "",
    scope: str | None = None,
    credentials: CredentialStore,
    now: datetime,
    send: bool = True,
) -> AnswerOutcome:
    """:func:`answer` on a worker thread: its own connection to the store, and the result
    as plain data (the window shows ``message``)."""
    from daybrief.store.db import open_store

    with open_store(store_file) as store:
        try:
            meeting = find_meeting(store, uid, instance)
            # A CalDAV answer is on the server; mail only for calendars that cannot take it.
            mail = send and meeting.source.kind != "caldav"
            result = answer(
                store, meeting, partstat, comment=comment, scope=scope,
                credentials=credentials, now=now, send=mail,
            )  # fmt: skip
        except AnswerError as error:
            return AnswerOutcome(False, error.reason, error.unreachable)
    return AnswerOutcome(True, result.describe()[:1].upper() + result.describe()[1:])


def answer_meeting_key(key: str) -> tuple[str, str | None]:
    """(UID, instance) of a meeting key, as reminders carry them."""
    from daybrief.store.meetings import split_meeting_key

    uid, rid = split_meeting_key(key)
    return uid, rid or None
