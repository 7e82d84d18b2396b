"""Fixtures for the window's calendar-source tests (local servers, Radicale, a keyring)."""

from tests.network import (  # noqa: F401  (fixtures are found by name)
    calendar_server,
    loopback_without_proxy,
    memory_keyring,
    no_keyring,
    radicale,
    running_radicale,
    running_xandikos,
    xandikos,
)
