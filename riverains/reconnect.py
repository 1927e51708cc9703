"""Long-running workers outlive a database restart.

When PostgreSQL restarts (or SQLite stays locked), a worker's query fails with an
OperationalError or InterfaceError. The worker then drops its connections, says so in the log,
waits (1 s, 2 s, 4 s … up to 30 s, cut short by SIGTERM) and tries again with a new
connection, instead of exiting with a traceback and leaving work half done."""
import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections

from . import stopping

logger = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError)


class Backoff:
    def __init__(self, what, first=1.0, most=30.0):
        self.what, self.first, self.most = what, first, most
        self.delay = first
        self.failures = 0

    def wait(self, error):
        """Drop the connections and sleep before the next try; False when asked to stop."""
        self.failures += 1
        logger.warning("%s: database unavailable (%s), retrying in %.0f s", self.what,
                       str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
                       self.delay)
        close_connections()
        keep_going = stopping.sleep(self.delay)
        self.delay = min(self.delay * 2, self.most)
        return keep_going

    def succeeded(self):
        if self.failures:
            logger.warning("%s: database back after %d failed attempt(s)", self.what, self.failures)
        self.delay, self.failures = self.first, 0


def close_connections():
    """Closing a connection whose server went away may itself fail: that is fine, it is gone."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except DatabaseError:
            pass
