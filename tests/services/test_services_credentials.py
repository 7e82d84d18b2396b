"""The keyring door: round trips, and every way a keyring can be missing or broken ends in
one clear error with the user's choices, never a crash or a secret in the message."""

from __future__ import annotations

import pytest
from keyring.backend import KeyringBackend
from tests.network import MemoryKeyring, keyring_backend

from daybrief.services.credentials import (
    SERVICE,
    CredentialsUnavailable,
    KeyringStore,
    Secret,
    SessionCredentials,
)


class LockedKeyring(KeyringBackend):
    """A backend that is there but fails, as a Secret Service without a session bus does."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError("the keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("no session bus")


SECRET = Secret("https://calendar.example.com/private-0011/basic.ics", "me", "hunter2-x")


def test_round_trip_under_the_daybrief_service(memory_keyring: MemoryKeyring) -> None:
    store = KeyringStore()
    store.set("r1", SECRET)
    assert store.get("r1") == SECRET
    assert list(memory_keyring.entries) == [(SERVICE, "source-r1")]
    store.delete("r1")
    store.delete("r1")  # already gone: nothing to do
    assert store.get("r1") is None


def test_a_damaged_entry_reads_as_missing(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.entries[(SERVICE, "source-r1")] = "not json"
    assert KeyringStore().get("r1") is None


def test_no_backend_at_all(no_keyring: object) -> None:
    with pytest.raises(CredentialsUnavailable) as caught:
        KeyringStore().set("r1", SECRET)
    assert str(caught.value).startswith("no keyring backend (NoKeyringError")
    with pytest.raises(CredentialsUnavailable):
        KeyringStore().get("r1")


@pytest.mark.parametrize("call", ["get", "set", "delete"])
def test_a_broken_backend_is_the_same_clear_error(call: str) -> None:
    with keyring_backend(LockedKeyring()), pytest.raises(CredentialsUnavailable) as caught:
        store = KeyringStore()
        if call == "set":
            store.set("r1", SECRET)
        else:
            getattr(store, call)("r1")
    message = str(caught.value)
    assert "install one" in message and "this session only" in message
    assert "hunter2-x" not in message and "private-0011" not in message


def test_session_credentials_are_memory_only() -> None:
    session = SessionCredentials()
    session.set("r1", SECRET)
    assert session.get("r1") == SECRET and SessionCredentials().get("r1") is None
    session.delete("r1")
    assert session.get("r1") is None


def test_a_secret_never_prints_itself() -> None:
    assert "hunter2-x" not in repr(SECRET) and "hunter2-x" not in f"{SECRET}"
    assert "private-0011" not in repr([SECRET])


def test_a_password_command_gives_its_first_line() -> None:
    from daybrief.services.credentials import password_from_command

    assert password_from_command("printf 's3cret-pw\\nsecond line\\n'") == "s3cret-pw"


@pytest.mark.parametrize(
    ("command", "reason"),
    [("exit 3", "exit status 3"), ("true", "printed no password"),
     ("printf '\\n'", "printed no password")],
)  # fmt: skip
def test_a_failing_password_command_says_so_in_one_line(command: str, reason: str) -> None:
    from daybrief.services.credentials import password_from_command

    with pytest.raises(CredentialsUnavailable) as failed:
        password_from_command(command)
    message = str(failed.value)
    assert message.startswith("--password-command: ") and reason in message
    assert "\n" not in message and "keyring" not in message
