"""Business hours as pure functions: when a target falls due, and how much business time passed.

No database here: actions.current_calendar() reads the configuration and builds a
BusinessCalendar, so these functions are tested with calendars made by hand.

All arithmetic is done on UTC instants. Python subtracts two datetimes that share a tzinfo
by their wall clocks, which is off by an hour across a change to or from summer time; the
opening hours are therefore turned into UTC instants one day at a time, in the business
time zone, and only those instants are compared and added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

# (opens, closes), in the business time zone. A TimeField cannot hold 24:00, so an interval
# closing at 00:00 closes at the end of its day: (00:00, 00:00) is the whole day.
Interval = tuple[dt.time, dt.time]
Instants = tuple[dt.datetime, dt.datetime]

MIDNIGHT = dt.time(0)
_WHOLE_DAY = dt.timedelta(days=1)
_ALWAYS: tuple[Interval, ...] = ((MIDNIGHT, MIDNIGHT),)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours for each weekday (index 0 is Monday), closed dates, and their zone.

    Intervals of a day may be given in any order and may overlap (they are merged). A
    calendar with no opening hours on any weekday is open around the clock, holidays still
    excepted: deleting every row in the admin must neither stop new tickets from getting a
    due date nor send add() looking for an opening that never comes.
    """

    hours: tuple[tuple[Interval, ...], ...]
    holidays: frozenset[dt.date]
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise ValueError(f"hours needs 7 weekdays (Monday first), got {len(self.hours)}")
        # Frozen, so equal configurations compare (and hash) equal once merged.
        object.__setattr__(self, "hours", tuple(_merge(day) for day in self.hours))

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[int, dt.time, dt.time]],
        holidays: Iterable[dt.date],
        tz: ZoneInfo,
    ) -> BusinessCalendar:
        """A calendar from (weekday, opens, closes) rows, as BusinessHours stores them."""
        week: list[list[Interval]] = [[] for _ in range(7)]
        for weekday, opens, closes in rows:
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            week[weekday].append((opens, closes))
        return cls(tuple(tuple(day) for day in week), frozenset(holidays), tz)

    @property
    def always_open(self) -> bool:
        return not any(self.hours)

    def add(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment `hours` business hours have passed since `start`, in start's zone.

        A start outside business hours counts from the next opening. The result is within
        business hours (a closing time included) unless `hours` is 0, which returns start.
        """
        _require_aware(start)
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = dt.timedelta(hours=hours)
        if not remaining:
            return start
        at = start.astimezone(dt.UTC)
        for opens, closes in self._intervals_from(at):
            if closes <= at:
                continue
            begin = max(opens, at)
            if remaining <= closes - begin:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= closes - begin
        raise AssertionError("unreachable: _intervals_from never ends")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time from start to end; negative when end is before start, so that
        between(now, due) is the time left, or how long ago the target was missed."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.between(end, start)
        begin, finish = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        total = dt.timedelta(0)
        for opens, closes in self._intervals_from(begin):
            if opens >= finish:
                return total
            overlap = min(closes, finish) - max(opens, begin)
            if overlap > dt.timedelta(0):
                total += overlap
        raise AssertionError("unreachable: _intervals_from never ends")

    def _intervals_from(self, at: dt.datetime) -> Iterator[Instants]:
        """Every opening interval as UTC instants, in order, from around `at` on; endless.

        Starts the day before at's local date: an interval never ends after the midnight
        that ends its day, but that midnight may itself fall on either side of `at`.
        """
        day = at.astimezone(self.tz).date() - dt.timedelta(days=1)
        every_day = _ALWAYS if self.always_open else None
        while True:
            if day not in self.holidays:
                for opens, closes in every_day or self.hours[day.weekday()]:
                    begin = _instant(day, opens, self.tz)
                    if closes == MIDNIGHT:
                        end = _instant(day + dt.timedelta(days=1), MIDNIGHT, self.tz)
                    else:
                        end = _instant(day, closes, self.tz)
                    # Empty only when the whole interval lies in the hour skipped in spring.
                    if begin < end:
                        yield begin, end
            day += dt.timedelta(days=1)


def _instant(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of a wall time: the first one if the hour repeats (autumn), and the
    moment of the change itself if the wall time was skipped (spring)."""
    wall = dt.datetime.combine(day, time)
    moment = wall.replace(tzinfo=tz).astimezone(dt.UTC)
    if moment.astimezone(tz).replace(tzinfo=None) == wall:
        return moment
    # Skipped: fold=0 and fold=1 read the wall time with the offsets either side of the
    # change (PEP 495), which puts the change between them. Zone changes happen on whole
    # seconds, so a bisection on seconds finds it exactly.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(dt.UTC)
    low = int(min(moment, other).timestamp())
    high = int(max(moment, other).timestamp()) + 1
    while high - low > 1:
        middle = (low + high) // 2
        local = dt.datetime.fromtimestamp(middle, tz).replace(tzinfo=None)
        if local >= wall:
            high = middle
        else:
            low = middle
    return dt.datetime.fromtimestamp(high, dt.UTC)


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, overlapping and touching intervals joined; an interval that does not open
    before it closes is refused (split a night shift into two days' rows)."""
    spans: list[tuple[dt.timedelta, dt.timedelta]] = []
    for opens, closes in intervals:
        begin = _since_midnight(opens)
        end = _WHOLE_DAY if closes == MIDNIGHT else _since_midnight(closes)
        if begin >= end:
            raise ValueError(f"an interval must open before it closes: {opens}-{closes}")
        spans.append((begin, end))
    merged: list[tuple[dt.timedelta, dt.timedelta]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return tuple((_time_of(begin), _time_of(end)) for begin, end in merged)


def _since_midnight(time: dt.time) -> dt.timedelta:
    if time.tzinfo is not None:
        raise ValueError(f"opening hours are wall times in the calendar's zone, got {time}")
    return dt.timedelta(
        hours=time.hour, minutes=time.minute, seconds=time.second, microseconds=time.microsecond
    )


def _time_of(offset: dt.timedelta) -> dt.time:
    return (dt.datetime.min + offset).time() if offset < _WHOLE_DAY else MIDNIGHT


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is needed, got {moment}")
