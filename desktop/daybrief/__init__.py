"""Daybrief: meeting prep and calendar hygiene."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("daybrief")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
