"""
Keep what is rendered from a lesson once, in each process, under a content-addressed key.

A key names everything its entry was built from. For a lesson's parts that starts with
``(lesson.pk, lesson.content_version)``, and the version moves with every change to the
lesson's article, sentences, key or the taxonomy (teaching/content_versions.py). An
entry can therefore never be stale: a changed lesson is looked up under a new key, and
the old entry ages out. That makes a plain dict per process safe with any number of
workers and servers, and cheaper than Django's cache for this: the pieces are read on
every page view and every save, and LocMem or Redis would unpickle tens of kilobytes
each time.
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_every_cache: "weakref.WeakSet[RenderedOnce]" = weakref.WeakSet()


class RenderedOnce:
    """A bounded, least-recently-used map from content-addressed keys to what was built for them."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        _every_cache.add(self)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """Return the entry for ``key``, calling ``build()`` to make it the first time."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        # Built outside the lock: two threads may build the same entry; both results are equal.
        value = build()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def clear_all() -> None:
    """Empty every RenderedOnce (tests: a rolled-back database reuses primary keys and versions)."""
    for cache in list(_every_cache):
        cache.clear()
