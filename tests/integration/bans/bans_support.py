"""What the ban-list tests share: a client that is served (the backend's greeting) or refused at the router, and a
bounded poll."""
import time

import sy_harness as h

GREETING = b"220 backend ESMTP ready\r\n"


def served(port, source):
    """A connection from `source` that got the backend's greeting (still open), or None when it was refused."""
    c = h.connect(port, source=(source, 0), timeout=3)
    try:
        got = h.recv_until(c, b"\r\n", timeout=3)
    except h.TestFailure:
        c.close()
        return None
    if got != GREETING:
        c.close()
        raise h.TestFailure("unexpected greeting %r" % got)
    return c


def refused_now(port, source):
    c = served(port, source)
    if c is None:
        return True
    c.close()
    return False


def until(fn, timeout, what):
    """Polls `fn` every 20 ms until it is true; returns the seconds it took. Fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if fn():
            return time.monotonic() - start
        time.sleep(0.02)
    raise h.TestFailure("%s: not within %.1fs" % (what, timeout))
