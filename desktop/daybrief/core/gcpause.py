"""Pausing the cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nested uses are fine).

    Reading a big calendar makes millions of objects that all live until the work ends;
    the collector would walk them again and again (a second or more on 100,000 events)
    to find next to no cycles. Whatever cycles there are go at its next run.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
