"""Flood control: token buckets per connection and per client address, with an injected
clock so that tests need no sleeping.

Per process: with N processes behind a balancer, a client address gets up to N times the
per-address figures, which still bounds a flood; a shared count in Redis would cost a round
trip on every line.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class Bucket:
    """`burst` at once, then `per_minute` a minute."""

    per_minute: float
    burst: float
    clock: Clock = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens, self.updated = self.burst, self.clock()

    def take(self, cost: float = 1.0) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_minute / 60)
        self.updated = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True

    def wait(self, cost: float = 1.0) -> float:
        """Seconds until `cost` could be taken."""
        missing = cost - self.tokens
        return max(0.0, missing * 60 / self.per_minute) if self.per_minute else float("inf")


class AddressLimits:
    """One bucket per client address and purpose, the least recently used forgotten past
    `capacity` addresses (a flood from many addresses cannot grow it without bound)."""

    def __init__(self, clock: Clock = time.monotonic, capacity: int = 10_000) -> None:
        self.clock, self.capacity = clock, capacity
        self._buckets: OrderedDict[tuple[str, str], Bucket] = OrderedDict()
        self._connections: dict[str, int] = {}

    def take(self, address: str, purpose: str, per_minute: float, burst: float) -> bool:
        key = (address, purpose)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = Bucket(per_minute, burst, self.clock)
            if len(self._buckets) > self.capacity:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take()

    def connect(self, address: str, limit: int) -> bool:
        """Count one more open connection from this address, unless it has `limit` already."""
        count = self._connections.get(address, 0)
        if count >= limit:
            return False
        self._connections[address] = count + 1
        return True

    def disconnect(self, address: str) -> None:
        count = self._connections.get(address, 0) - 1
        if count > 0:
            self._connections[address] = count
        else:
            self._connections.pop(address, None)


# The consumers of one process share these.
addresses = AddressLimits()
