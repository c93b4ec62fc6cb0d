"""Flood limits, on a clock the test moves."""

from __future__ import annotations

from answerdesk.chat.limits import AddressLimits, Bucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_its_rate():
    clock = Clock()
    bucket = Bucket(per_minute=60, burst=3, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait() == 1.0
    clock.now += 1
    assert bucket.take()
    assert not bucket.take()
    clock.now += 3600
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]  # never past burst


def test_connections_per_address_are_counted_and_released():
    limits = AddressLimits()
    assert limits.connect("198.51.100.1", 2)
    assert limits.connect("198.51.100.1", 2)
    assert not limits.connect("198.51.100.1", 2)
    assert limits.connect("198.51.100.2", 2)
    limits.disconnect("198.51.100.1")
    assert limits.connect("198.51.100.1", 2)


def test_addresses_are_limited_apart_and_the_oldest_forgotten():
    clock = Clock()
    limits = AddressLimits(clock, capacity=2)
    assert limits.take("a", "lines", 60, 1)
    assert not limits.take("a", "lines", 60, 1)
    assert limits.take("b", "lines", 60, 1)
    assert limits.take("a", "chats", 60, 1)  # another purpose, another bucket
    # Three buckets for a capacity of two: the least recently used ("a", "lines") went.
    assert limits.take("a", "lines", 60, 1)
