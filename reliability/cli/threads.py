"""Run the linear algebra library on one thread (OpenBLAS, MKL), unless the user chose otherwise.

The figures take dot and matrix products of vectors and of thin matrices (a
bootstrap's 64 resamples at a time), where waking a pool of threads costs more
than the work. Measured on 2 cores at 200,000 units × 5 coders × 20 codes, the
default comparison took the same wall time on one thread and 13 % less CPU time
on a quiet machine, and 10 % less wall time on a busy one; ``--ci`` at 100,000
units 6 % less on a busy one.
It also makes the last digit of a figure independent of the machine: a product
split across threads adds its partial sums in another order, so a standard
error could differ in its 17th significant digit between a laptop and a server.

The libraries read these variables when numpy first loads them, so this runs
before anything imports numpy. A variable the user set is left as it is. This is
a setting of the process, so it is made here, by the command line, and never by
the library.
"""

from __future__ import annotations

import os

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_linear_algebra() -> None:
    """Set each of :data:`THREAD_VARIABLES` to 1 where the environment does not set it."""
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
