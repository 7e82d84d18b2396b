"""Where the store lives: ``--data-dir``, else ``DAYBRIEF_DATA_DIR``, else the platform's folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "Daybrief"
ENV_VAR = "DAYBRIEF_DATA_DIR"
STORE_FILE = "daybrief.sqlite3"


def data_dir(
    override: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The data folder (not created here): the argument, the variable, or platformdirs'."""
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_VAR, "")
    if from_env:
        return Path(from_env).expanduser()
    # appauthor=False: no "Daybrief/Daybrief" doubling on Windows.
    return Path(user_data_dir(APP_NAME, appauthor=False))


def store_path(
    override: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path:
    """The store file inside :func:`data_dir`."""
    return data_dir(override, environ) / STORE_FILE
