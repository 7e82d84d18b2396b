"""Where calendar secrets live: the OS keyring, and nowhere else.

A secret is everything needed to reach a calendar that someone could misuse: the address
itself (secret iCal addresses carry their token in the path), the user name and the
password. The store keeps only a reference (``Secret`` is found by it) and a redacted
display form of the address.

When the OS has no usable keyring, :class:`CredentialsUnavailable` says so with the two
choices a user has; the window can fall back on :class:`SessionCredentials` (kept in memory
until the app quits) if the user picks "this session only".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from daybrief.core.errors import DaybriefError

SERVICE = "Daybrief"


class CredentialsUnavailable(DaybriefError):
    """No keyring to keep a calendar's secrets in; nothing was stored."""

    CHOICE = (
        "install one (GNOME Keyring or KWallet on Linux; macOS and Windows have one built in) "
        "and try again, or use this calendar for this session only (its address and password "
        "are not stored; on the command line: --session-only, with --password-stdin each time)"
    )

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        why = f" ({detail})" if detail else ""
        super().__init__(f"no keyring backend{why}: {self.CHOICE}")


@dataclass(frozen=True)
class Secret:
    """What it takes to fetch one source. ``repr`` hides it so it never reaches a log."""

    url: str
    username: str | None = None
    password: str | None = None

    def __repr__(self) -> str:
        return "Secret(…)"

    __str__ = __repr__

    def to_text(self) -> str:
        return json.dumps({"url": self.url, "username": self.username, "password": self.password})

    @classmethod
    def from_text(cls, text: str) -> Secret:
        data = json.loads(text)
        return cls(str(data["url"]), data.get("username"), data.get("password"))


class CredentialStore(Protocol):
    """Secrets by reference. ``get`` of an unknown reference is None; errors raise
    :class:`CredentialsUnavailable`."""

    def get(self, ref: str) -> Secret | None: ...

    def set(self, ref: str, secret: Secret) -> None: ...

    def delete(self, ref: str) -> None: ...


def _key(ref: str) -> str:
    return f"source-{ref}"


class KeyringStore:
    """The OS keyring through ``keyring`` (service "Daybrief", one entry per source)."""

    def get(self, ref: str) -> Secret | None:
        import keyring

        try:
            text = keyring.get_password(SERVICE, _key(ref))
        except Exception as error:  # a broken backend (no D-Bus, locked, …) must not crash
            raise CredentialsUnavailable(_describe(error)) from None
        if text is None:
            return None
        try:
            return Secret.from_text(text)
        except (ValueError, KeyError, TypeError):
            return None

    def set(self, ref: str, secret: Secret) -> None:
        import keyring

        try:
            keyring.set_password(SERVICE, _key(ref), secret.to_text())
        except Exception as error:
            raise CredentialsUnavailable(_describe(error)) from None

    def delete(self, ref: str) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.delete_password(SERVICE, _key(ref))
        except keyring.errors.PasswordDeleteError:
            return
        except Exception as error:
            raise CredentialsUnavailable(_describe(error)) from None


def _describe(error: Exception) -> str:
    # Backend messages name the backend and the failure, never the stored value.
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}"[:160] if text else type(error).__name__


class SessionCredentials:
    """Secrets kept in memory only: the "this session only" choice, and tests."""

    def __init__(self) -> None:
        self._secrets: dict[str, Secret] = {}

    def get(self, ref: str) -> Secret | None:
        return self._secrets.get(ref)

    def set(self, ref: str, secret: Secret) -> None:
        self._secrets[ref] = secret

    def delete(self, ref: str) -> None:
        self._secrets.pop(ref, None)


PASSWORD_COMMAND_SECONDS = 30


def password_from_command(command: str) -> str:
    """The first line ``command`` prints (``pass show dav``, ``secret-tool lookup …``).

    It runs through the user's shell, as a password command does in mail and sync tools,
    so pipes and quoting work as typed; its output never reaches a message.

    Raises:
        CredentialsUnavailable: it failed, took too long or printed nothing (one line).
    """
    import subprocess

    def failed(reason: str) -> CredentialsUnavailable:
        error = CredentialsUnavailable(reason)
        error.args = (f"--password-command: {reason}",)
        return error

    try:
        done = subprocess.run(
            command, shell=True, capture_output=True, timeout=PASSWORD_COMMAND_SECONDS,
            stdin=subprocess.DEVNULL, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise failed(f"gave no password within {PASSWORD_COMMAND_SECONDS} s") from None
    except OSError as error:
        raise failed(f"could not be run ({error.strerror or type(error).__name__})") from None
    if done.returncode != 0:
        raise failed(f"failed (exit status {done.returncode})")
    lines = done.stdout.decode("utf-8", errors="replace").splitlines()
    password = lines[0].rstrip("\r") if lines else ""
    if not password:
        raise failed("printed no password")
    return password
