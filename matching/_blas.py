"""One BLAS thread while the engine's own threads score blocks.

The first pass scores blocks of mentee rows on ``SCORING_THREADS`` threads, each doing
matrix products. OpenBLAS, as bundled with numpy, also starts a thread per core for
every product of that size: threads inside threads oversubscribe the cores, and
OpenBLAS's waiting threads spin. Measured at 10,000 x 4,000 on two cores, one BLAS
thread per scoring thread takes the first pass from about 1.7 to 0.9 CPU seconds, and
a single 500 x 168 x 4,000 product from 21 ms to 8 ms of wall time under load.

numpy offers no call for this, so the OpenBLAS library numpy loaded is asked directly
(as threadpoolctl does). Where it cannot be found, nothing changes.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np

# (get, set) symbol pairs: numpy's wheels (scipy-openblas, 64-bit integers), then
# plain OpenBLAS builds.
_SYMBOLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)
_lock = threading.Lock()
_holders = 0
_saved = 0


@cache
def _controls() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    libraries = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libraries.glob("*openblas*")):
        try:
            library = ctypes.CDLL(str(path))
        except OSError:
            continue
        for get_name, set_name in _SYMBOLS:
            get, put = getattr(library, get_name, None), getattr(library, set_name, None)
            if get is not None and put is not None:
                get.restype, put.restype = ctypes.c_int, None
                put.argtypes = [ctypes.c_int]
                return get, put
    return None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """BLAS on one thread inside the block; the previous setting comes back after the
    last of any overlapping blocks ends."""
    global _holders, _saved
    controls = _controls()
    if controls is None:
        yield
        return
    get, put = controls
    with _lock:
        if _holders == 0:
            _saved = get()
            put(1)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                put(_saved)
