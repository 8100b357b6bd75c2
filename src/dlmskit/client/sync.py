"""A thin synchronous facade over :class:`~dlmskit.client.Client`, for scripts.

>>> from dlmskit.client import SyncClient
>>> with SyncClient("tcp://127.0.0.1:4059") as meter:          # doctest: +SKIP
...     print(meter.get("1-0:1.8.0", 2))
...     for row in meter.profile("1-0:99.1.0", from_entry=1, to_entry=96):
...         print(row.timestamp, row.values)

Each call runs the asynchronous one to completion on the facade's own event loop, so a
``SyncClient`` must not be used from inside a running event loop (use
:class:`~dlmskit.client.Client` there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from dlmskit.association.client import Negotiated
from dlmskit.client.client import Client
from dlmskit.client.errors import ClientStateError
from dlmskit.client.objects import ObjectInfo
from dlmskit.client.profile import ProfileRow
from dlmskit.model.typed import Column

__all__ = ["SyncClient"]


class SyncClient:
    """The same constructor arguments as :class:`~dlmskit.client.Client`."""

    def __init__(self, target: Any, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._closed = False
        self.client: Client = self._run(self._make(target, options))

    @staticmethod
    async def _make(target: Any, options: dict[str, Any]) -> Client:
        return Client(target, **options)  # the client's queue and lock belong to this loop

    def _run(self, coroutine: Any) -> Any:
        if self._closed:
            coroutine.close()
            raise ClientStateError("this SyncClient is closed")
        return self._loop.run_until_complete(coroutine)

    def __enter__(self) -> SyncClient:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def connect(self) -> Negotiated:
        result: Negotiated = self._run(self.client.connect())
        return result

    def close(self) -> None:
        """Release, disconnect and close the event loop (safe to call twice)."""
        if self._closed:
            return
        try:
            self._loop.run_until_complete(self.client.close())
        finally:
            self._closed = True
            self._loop.close()

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._run(self.client.get(*args, **kwargs))

    def get_many(self, *args: Any, **kwargs: Any) -> list[Any]:
        result: list[Any] = self._run(self.client.get_many(*args, **kwargs))
        return result

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._run(self.client.set(*args, **kwargs))

    def action(self, *args: Any, **kwargs: Any) -> Any:
        return self._run(self.client.action(*args, **kwargs))

    def objects(self, **kwargs: Any) -> list[ObjectInfo]:
        result: list[ObjectInfo] = self._run(self.client.objects(**kwargs))
        return result

    def capture_objects(self, logical_name: Any) -> list[Column]:
        result: list[Column] = self._run(self.client.capture_objects(logical_name))
        return result

    def profile(self, *args: Any, **kwargs: Any) -> Iterator[ProfileRow]:
        """Rows one by one (the read runs while you iterate)."""
        rows = self.client.profile(*args, **kwargs)
        try:
            while True:
                try:
                    row: ProfileRow = self._run(rows.__anext__())
                except StopAsyncIteration:
                    return
                yield row
        finally:
            if not self._closed:
                self._loop.run_until_complete(rows.aclose())
