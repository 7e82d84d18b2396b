"""Pausing the cyclic garbage collector around bulk work."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses under way, in any thread
_was_enabled = False
_keep_out_after = False


def keep_bulk_results_out_of_collection(on: bool = True) -> None:
    """After the last pause ends, move what is alive out of the collector's reach
    (``gc.freeze``) instead of handing it all to its next run.

    For the app: while the collector is paused, every new object waits in its youngest
    generation, and the first run after a 100k-event read walked a million of them at once,
    holding the interpreter for 0.5–1 s while the window waited. Frozen objects are still
    freed when their last reference goes; only a reference cycle among them would stay, and
    a read's results hold none (``tests/core/test_core_gcpause.py``).
    """
    global _keep_out_after
    _keep_out_after = on


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nested uses and other threads' uses
    are fine: the collector comes back when the last one ends).

    Reading a big calendar makes millions of objects that all live until the work ends;
    the collector would walk them again and again (a second or more on 100,000 events)
    to find next to no cycles. Whatever cycles there are go at its next run.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                if _keep_out_after:
                    gc.freeze()
                gc.enable()
