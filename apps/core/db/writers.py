"""Interactive writers before background ones on SQLite (issue 11: a save waits ≤ 1 s while
batches run).

SQLite has one write lock and no queue: a writer that finds it taken polls (SQLite's busy
handler, sleeping up to 100 ms between tries). Two batches committing small chunks one after
the other held it almost without a break, and a user's save polled past every gap — measured
at 0.05 of a province, a save waited up to 6.8 s while a screening run and a deadline sweep ran.

So an interactive writer (a request, a command) announces itself while it waits for the lock:
it holds a shared lock on a file beside the database (`<database>-writers`) from before its
BEGIN until it has the write lock. A background writer (a batch chunk, the audit sequencer)
checks that file before each BEGIN and, while anyone is announced, waits: the user's save
then takes the write lock at the next commit of the batch. A background writer waits at most
`MAX_YIELD_SECONDS` at a time, so a stuck announcement cannot stop a batch for good. The
file locks are `flock`s: per open file, so they hold between the threads and processes of
one machine — the only place a SQLite file is shared.
"""

import contextlib
import fcntl
import os
import time

POLL_SECONDS = 0.01
MAX_YIELD_SECONDS = 5.0


class WriterQueue:
    def __init__(self, database_path: str):
        self.path = f"{database_path}-writers"
        self._fd = None

    def _file(self) -> int:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._fd

    @contextlib.contextmanager
    def interactive(self):
        """Announced as waiting for the write lock for the duration of the block."""
        fd = self._file()
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def background_turn(self, *, max_wait: float = MAX_YIELD_SECONDS) -> float:
        """Waits while an interactive writer is announced (at most `max_wait`); the seconds
        waited."""
        fd = self._file()
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() - started >= max_wait:
                    break
                time.sleep(POLL_SECONDS)
                continue
            fcntl.flock(fd, fcntl.LOCK_UN)
            break
        return time.monotonic() - started

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextlib.contextmanager
def background_writer(connection):
    """Marks the connection's transactions begun inside the block as background work: on
    SQLite they give way to announced interactive writers (a no-op elsewhere)."""
    previous = getattr(connection, "wipp_background", False)
    connection.wipp_background = True
    try:
        yield
    finally:
        connection.wipp_background = previous
