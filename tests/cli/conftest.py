"""Fixtures for the calendar-source tests (local servers, Radicale, a memory keyring)."""

from tests.network import (  # noqa: F401  (fixtures are found by name)
    calendar_server,
    https_server,
    loopback_without_proxy,
    memory_keyring,
    no_keyring,
    radicale,
    running_radicale,
    running_xandikos,
    source_store,
    tls_files,
    xandikos,
)
