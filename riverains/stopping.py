"""One stop request per process, shared by every long-running loop.

SIGTERM (systemd, `kill`) and SIGINT (Ctrl-C) only set a flag; run_relay, run_scheduler,
db_worker and flush_page_views --every check it between two steps, and the long tasks they run
(the relay's send_pending) check it too. A command run by another one (the scheduler calls
flush_page_views every minute) installs the same handler, so it can no longer replace the
caller's and leave it deaf to SIGTERM."""
import signal
import threading
import time

_requested = threading.Event()
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def install():
    """SIGTERM and SIGINT ask this process to stop. Idempotent; does nothing outside the main
    thread, where Python cannot install handlers (a command called from a test's thread)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in SIGNALS:
        signal.signal(signum, _request)


def _request(signum, frame):
    if _requested.is_set() and signum == signal.SIGINT:
        raise KeyboardInterrupt  # a second Ctrl-C: the person at the terminal means now
    _requested.set()


def request():
    """Ask the loops of this process to stop, as a signal would."""
    _requested.set()


def requested():
    return _requested.is_set()


def reset():
    """For tests that run several stoppable loops in one process."""
    _requested.clear()


def sleep(seconds):
    """Sleep up to `seconds`, in short steps so that a stop request ends it at once; returns
    False when stopped."""
    deadline = time.monotonic() + seconds
    while not _requested.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            return True
        time.sleep(min(left, 0.1))
    return False
