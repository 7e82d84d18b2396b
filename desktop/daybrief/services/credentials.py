"""Where calendar secrets live: the OS keyring, and nowhere else.

A secret is everything needed to reach a calendar that someone could misuse: the address
itself (secret iCal addresses carry their token in the path), the user name and the
password. The store keeps only a reference (``Secret`` is found by it) and a redacted
display form of the address.

When the OS has no usable keyring (a server, a cron job), :class:`FallbackCredentials`
keeps the address and user name in the store instead (readable by the user only) and
takes the password from a *password command* each time (the vdirsyncer/aerc convention:
the first line the command prints, e.g. ``pass show calendar``); a password given any
other way is refused there with a message naming ``--password-command``. With a keyring,
secrets stay in it, as before. The window can also fall back on
:class:`SessionCredentials` (kept in memory until the app quits).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from daybrief.core.errors import DaybriefError

if TYPE_CHECKING:
    from daybrief.store.db import Store

SERVICE = "Daybrief"
PASSWORD_COMMAND_SECONDS = 60.0
"""A command may ask for a passphrase (gpg's pinentry): give it time, but not for ever."""


class CredentialsUnavailable(DaybriefError):
    """No keyring to keep a calendar's secrets in; nothing was stored."""

    CHOICE = (
        "install one (GNOME Keyring or KWallet on Linux; macOS and Windows have one built "
        "in) and try again; or, on the command line, give the password with "
        "--password-command CMD (CMD prints it, e.g. 'pass show calendar'; the address is "
        "then kept in the store, readable by you only); or use this calendar for this "
        "session only (--session-only)"
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
    password_command: str | None = None
    """Run for the password when ``password`` is None (see :func:`password_from_command`)."""

    def __repr__(self) -> str:
        return "Secret(…)"

    __str__ = __repr__

    def to_text(self) -> str:
        data = {"url": self.url, "username": self.username, "password": self.password}
        if self.password_command:
            data["password_command"] = self.password_command
        return json.dumps(data)

    @classmethod
    def from_text(cls, text: str) -> Secret:
        data = json.loads(text)
        return cls(
            str(data["url"]),
            data.get("username"),
            data.get("password"),
            data.get("password_command"),
        )

    def resolved(self) -> Secret:
        """With the password filled in from the password command, if there is one.

        Raises:
            PasswordCommandFailed: the command failed or printed nothing.
        """
        if self.password is not None or not self.password_command:
            return self
        return replace(self, password=password_from_command(self.password_command))


class PasswordCommandFailed(CredentialsUnavailable):
    """The password command gave no password; one line, ``--password-command: <why>``."""

    def __init__(self, reason: str) -> None:
        self.detail = reason
        DaybriefError.__init__(self, f"--password-command: {reason}")


def password_from_command(command: str, timeout: float = PASSWORD_COMMAND_SECONDS) -> str:
    """The first line ``command`` prints on standard output: the password.

    The command is the user's own (like vdirsyncer's ``password.fetch`` or aerc's
    ``source-cred-cmd``) and runs through the shell, so pipes and quoting work as typed.
    Its standard input is empty (cron has none); its errors go to the terminal; its output
    never reaches a message. Calendar sources, task lists and mail all use this one.

    Raises:
        PasswordCommandFailed: it could not run, failed, timed out or printed no line.
    """
    try:
        done = subprocess.run(
            command, shell=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise PasswordCommandFailed(f"gave no password within {timeout:g} s") from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise PasswordCommandFailed(f"could not be run ({reason})") from None
    if done.returncode != 0:
        raise PasswordCommandFailed(f"failed (exit status {done.returncode})")
    first = done.stdout.decode("utf-8", errors="replace").split("\n", 1)[0].rstrip("\r")
    if not first:
        raise PasswordCommandFailed("printed no password")
    return first


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
    if not text:
        return type(error).__name__
    full = f"{type(error).__name__}: {text}"
    if len(full) <= 160:
        return full
    return full[:160].rsplit(" ", 1)[0] + " …"  # at a word, never mid-word


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


SESSION_ONLY = ""
"""The local secret of a "this session only" source: nothing to fetch it with."""


class StoreCredentials:
    """Secrets in the store (no keyring on this machine): address, user name and password
    command, never a password."""

    def __init__(self, store: Store) -> None:
        from daybrief.store.source_sync import LocalSecrets

        self._secrets = LocalSecrets(store)

    def get(self, ref: str) -> Secret | None:
        text = self._secrets.get(ref)
        if not text:
            return None
        try:
            return Secret.from_text(text)
        except (ValueError, KeyError, TypeError):
            return None

    def set(self, ref: str, secret: Secret) -> None:
        if secret.password is not None and not secret.password_command:
            raise CredentialsUnavailable("a password is never kept in the store")
        self._secrets.set(ref, replace(secret, password=None).to_text())

    def mark_session_only(self, ref: str) -> None:
        self._secrets.set(ref, SESSION_ONLY)

    def is_session_only(self, ref: str) -> bool:
        return self._secrets.get(ref) == SESSION_ONLY

    def delete(self, ref: str) -> None:
        self._secrets.delete(ref)


class FallbackCredentials:
    """The keyring when there is one; else the store, for what may be kept there.

    ``fell_back`` says whether a secret went to the store, for the one-time note.
    """

    def __init__(self, keyring: CredentialStore, local: StoreCredentials) -> None:
        self._keyring = keyring
        self.local = local
        self.fell_back = False

    def get(self, ref: str) -> Secret | None:
        try:
            found = self._keyring.get(ref)
        except CredentialsUnavailable:
            found = None
        return found if found is not None else self.local.get(ref)

    def set(self, ref: str, secret: Secret) -> None:
        try:
            self._keyring.set(ref, secret)
            return
        except CredentialsUnavailable as error:
            if secret.password is not None and not secret.password_command:
                raise error from None
        self.local.set(ref, secret)
        self.fell_back = True

    def delete(self, ref: str) -> None:
        with contextlib.suppress(CredentialsUnavailable):
            self._keyring.delete(ref)
        self.local.delete(ref)


def credentials_for(store: Store) -> FallbackCredentials:
    """Where the command line keeps secrets: the OS keyring, else the store (see above)."""
    return FallbackCredentials(KeyringStore(), StoreCredentials(store))


class WithPasswordCommand:
    """Stores every secret with ``command`` as its password command instead of a password,
    so the password is fetched again at each refresh and never kept anywhere."""

    def __init__(self, inner: CredentialStore, command: str) -> None:
        self.inner = inner
        self.command = command

    def get(self, ref: str) -> Secret | None:
        return self.inner.get(ref)

    def set(self, ref: str, secret: Secret) -> None:
        self.inner.set(ref, replace(secret, password=None, password_command=self.command))

    def delete(self, ref: str) -> None:
        self.inner.delete(ref)


def remember_session_only(store: Store, source_ids: list[int]) -> None:
    """Mark sources added "for this session only", so refreshing all passes them over."""
    from daybrief.store.source_sync import SourceSync

    local = StoreCredentials(store)
    sync = SourceSync(store)
    for source_id in source_ids:
        state = sync.state(source_id)
        if state is not None:
            local.mark_session_only(state.secret_ref)


def session_only_sources(store: Store) -> set[int]:
    """Sources added "for this session only" (nothing kept to fetch them with)."""
    from daybrief.store.source_sync import SourceSync

    local = StoreCredentials(store)
    return {
        source_id
        for source_id, state in SourceSync(store).states().items()
        if local.is_session_only(state.secret_ref)
    }
