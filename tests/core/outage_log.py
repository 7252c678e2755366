"""The outage lines of a log, read as a process's story: an outage is logged once when it
starts and once when a statement runs again, never once per refused call.

A database going down does not always go down at once: a connection the server has not cut yet
may run one more statement after another was refused, which ends that outage and begins the
next. So the property is not "one line" but "no outage logged twice without a recovery
between".
"""

from __future__ import annotations

DOWN = "Database unavailable"
UP = "Database available again"


def outage_events(text: str) -> list[str]:
    """``down`` and ``up``, in the order the log says them."""
    return ["down" if DOWN in line else "up" for line in text.splitlines()
            if DOWN in line or UP in line]


def logged_once_per_outage(text: str) -> bool:
    """One process's log: at least one outage, and downs and ups alternating from a down."""
    events = outage_events(text)
    return bool(events) and all(event == ("down" if i % 2 == 0 else "up")
                                for i, event in enumerate(events))


def most_open_at_once(text: str) -> int:
    """Several processes' log: the most outages begun and not yet ended at any point."""
    open_now = most = 0
    for event in outage_events(text):
        open_now = open_now + 1 if event == "down" else max(0, open_now - 1)
        most = max(most, open_now)
    return most
