"""Three-way merge of a follow-up with its task on a CalDAV server.

A follow-up and its task are compared as :class:`TaskFields`, the values both sides carry.
``base`` is what both last agreed on. Per field: a side that did not change it takes the
other side's value; when both changed it to different values, the server's wins and the
local value is kept, as one "also edited elsewhere: …" line at the end of the notes, so no
edit is ever lost without a trace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

ALSO_EDITED = "also edited elsewhere: "
FIELD_NAMES = ("text", "notes", "due", "due_before", "client", "done", "meeting")


@dataclass(frozen=True, slots=True)
class TaskFields:
    text: str
    notes: str = ""
    due: str | None = None
    """YYYY-MM-DD."""
    due_before: str | None = None
    """The key of the meeting the due date follows ("before my next meeting with X")."""
    client: str | None = None
    """The client's name."""
    done: bool = False
    meeting: str | None = None
    """The key of the meeting the follow-up came from."""

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep copy is most of the cost of counting the queue.
        return {name: getattr(self, name) for name in FIELD_NAMES}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TaskFields:
        values: dict[str, Any] = {name: data[name] for name in FIELD_NAMES if name in data}
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Merged:
    fields: TaskFields
    conflicts: tuple[str, ...]
    """The fields both sides changed differently (the server's value won)."""


def merge(base: TaskFields | None, local: TaskFields, remote: TaskFields) -> Merged:
    """The follow-up after merging; ``base`` None: never agreed, every difference conflicts."""
    values: dict[str, Any] = {}
    conflicts: list[str] = []
    kept: list[str] = []
    for name in FIELD_NAMES:
        mine, theirs = getattr(local, name), getattr(remote, name)
        was = getattr(base, name) if base is not None else None
        if mine == theirs or (base is not None and mine == was):
            values[name] = theirs
        elif base is not None and theirs == was:
            values[name] = mine
        else:
            values[name] = theirs
            conflicts.append(name)
            if name != "notes" or _fresh_notes(mine, theirs):
                kept.append(describe(name, mine))
    merged = TaskFields(**values)
    if kept:
        lines = [line for line in kept if line not in merged.notes]
        if lines:
            notes = merged.notes.rstrip()
            merged = replace(merged, notes="\n".join(([notes, ""] if notes else []) + lines))
    return Merged(merged, tuple(conflicts))


def _fresh_notes(mine: str, theirs: str) -> bool:
    # A local note that only adds conflict lines the server already has is no new edit.
    return bool(mine.strip()) and mine.strip() not in theirs


def describe(name: str, value: Any) -> str:
    """One line keeping a value that lost a conflict."""
    if name == "done":
        shown = "done" if value else "not done"
        return f"{ALSO_EDITED}{shown}"
    label = {"text": "text", "notes": "notes", "due": "due", "due_before": "due before meeting",
             "client": "client", "meeting": "meeting"}[name]  # fmt: skip
    if value is None or value == "":
        return f"{ALSO_EDITED}{label} (none)"
    text = " ".join(str(value).split())
    return f"{ALSO_EDITED}{label} “{text}”"


def has_conflict_note(notes: str) -> bool:
    return ALSO_EDITED in notes
