"""Polling with a deadline, and a failure message that says what was
awaited, what was last seen, and what the daemon logged."""

import time


class WaitTimeout(AssertionError):
    pass


class GiveUp(Exception):
    """Raised by a condition that can never become true (the daemon
    exited): wait_for fails at once instead of waiting out its timeout."""


def wait_for(condition, timeout=10.0, what=None, interval=0.05, diagnose=None):
    """Call condition() until it returns a true value, and return that value.

    Exceptions from condition() count as "not yet" (a daemon that is still
    starting refuses connections).  After `timeout` seconds raise
    WaitTimeout naming `what`, the last value or exception seen, and the
    text diagnose() returns (e.g. a daemon's log tail)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            value = condition()
            if value:
                return value
            last = "returned %r" % (value,)
        except GiveUp as e:
            last = "gave up: %s" % e
            break
        except Exception as e:      # noqa: BLE001 - reported below
            last = "raised %s: %s" % (type(e).__name__, e)
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    name = what or getattr(condition, "__name__", "condition")
    msg = "gave up after %.1fs waiting for %s; last check %s" % (
        timeout - max(deadline - time.monotonic(), 0), name, last)
    if diagnose is not None:
        msg += "\n" + diagnose()
    raise WaitTimeout(msg)
