"""The public pages' rate limit and cache, in this process.

A small sliding window per client address (``PUBLIC_RATE_PER_MINUTE``) answers 429 with
``Retry-After`` when exceeded; answers are kept ``PUBLIC_CACHE_SECONDS`` keyed by page and
language and sent with the same ``Cache-Control`` max-age, so that a proxy or browser keeps
them too. Per process on purpose: the page is anonymous and cheap to rebuild, and each
gunicorn worker limiting on its own only multiplies the allowance by the worker count.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Response, current_app, request

WINDOW_SECONDS = 60.0
#: addresses remembered at most; the oldest are forgotten first (a flood of addresses cannot
#: grow memory without bound)
MAX_ADDRESSES = 10_000
#: answers kept at most: a key holds the Host header the visitor sent (the package names its
#: own URL), so made-up hosts would otherwise keep a package each, for ever
MAX_CACHED = 256


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: dict[str, deque] = field(default_factory=dict)
    cache: dict[tuple, tuple[float, bytes, str]] = field(default_factory=dict)


def _state() -> _State:
    return current_app.extensions.setdefault("public_guard", _State())


def retry_after() -> int | None:
    """Seconds until this client may ask again, or None if it may now (and count the hit)."""
    limit = current_app.config["PUBLIC_RATE_PER_MINUTE"]
    now = time.monotonic()
    state = _state()
    with state.lock:
        hits = state.hits.pop(request.remote_addr or "", None) or deque()
        while hits and now - hits[0] >= WINDOW_SECONDS:
            hits.popleft()
        state.hits[request.remote_addr or ""] = hits  # re-inserted: newest last
        if len(state.hits) > MAX_ADDRESSES:
            del state.hits[next(iter(state.hits))]
        if len(hits) >= limit:
            return max(1, int(WINDOW_SECONDS - (now - hits[0])) + 1)
        hits.append(now)
        return None


def cached(key: tuple, build: Callable[[], Response]) -> Response:
    """A fresh answer made of the kept body for ``key`` while it is fresh, else of ``build()``.

    Only the body and its type are kept, never a response object: a response passes through
    the session machinery, and a cookie set for one visitor must never reach another.
    """
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    now = time.monotonic()
    state = _state()
    with state.lock:
        kept = state.cache.get(key)
    if kept is None or now - kept[0] >= seconds:
        built = build()
        if built.status_code != 200:
            return built
        kept = (now, built.get_data(), built.mimetype)
        if seconds > 0:
            with state.lock:
                _keep(state.cache, key, kept, now, seconds)
    response = Response(kept[1], mimetype=kept[2])
    response.cache_control.public = True
    response.cache_control.max_age = max(0, int(seconds - (now - kept[0])))
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _keep(cache: dict, key: tuple, kept: tuple, now: float, seconds: float) -> None:
    """Keep ``kept`` under ``key`` (newest last); beyond MAX_CACHED the stale answers go,
    then the oldest."""
    cache.pop(key, None)
    cache[key] = kept
    if len(cache) <= MAX_CACHED:
        return
    for stale in [k for k, (at, *_rest) in cache.items() if now - at >= seconds]:
        del cache[stale]
    while len(cache) > MAX_CACHED:
        del cache[next(iter(cache))]
