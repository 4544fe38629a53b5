"""A small in-process cache of rendered answers, keyed by what they were made from.

Keys always include a fingerprint of the data (ids and versions of the rows shown, which every change bumps), so a
cached answer can never outlive the data it shows; stale entries are simply never asked for again and age out of
the LRU. Each app process keeps its own cache; nothing is shared between nodes, so nothing needs invalidating.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

#: Headers that belong to one answer only and are never replayed from the cache.
_NOT_REPLAYED = frozenset({"set-cookie", "content-length"})


@dataclass(frozen=True)
class Cached:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    media_type: str


class ResponseCache:
    def __init__(self, maxsize: int = 1024) -> None:
        self._entries: OrderedDict[Hashable, Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Cached | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, response: Response) -> None:
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_REPLAYED)
        entry = Cached(bytes(response.body), headers, response.media_type or "")
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def replay(entry: Cached) -> Response:
    response = Response(entry.body, media_type=entry.media_type or None)
    for name, value in entry.headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def cached(cache: ResponseCache, key: Hashable, request: Request, build: Callable[[], Response]) -> Response:
    """The cached answer for ``key``, or ``build()``'s, kept when it is a plain 200 that sets no cookie."""
    if request.cookies.get("zc_flash"):  # a one-shot message is part of this page only
        return build()
    entry = cache.get(key)
    if entry is not None:
        return replay(entry)
    response = build()
    if response.status_code == 200 and "set-cookie" not in response.headers:
        cache.put(key, response)
    return response


async def cached_async(
    cache: ResponseCache, key: Hashable, request: Request, build: Callable[[], Response]
) -> Response:
    """As ``cached`` for async routes: a hit is answered on the event loop, a miss is built in the thread pool."""
    if not request.cookies.get("zc_flash"):
        entry = cache.get(key)
        if entry is not None:
            return replay(entry)
    return await run_in_threadpool(cached, cache, key, request, build)
