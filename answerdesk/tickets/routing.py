"""Which agent a new ticket goes to, and why.

The best match on kind, language and topics among available agents under their load limit;
among equals, the one who waited longest since their last ticket (round-robin). The reason
goes to the timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q

from answerdesk.nlp.suggest import words
from answerdesk.tickets.models import OPEN_STATUSES, AgentProfile

_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Routing:
    agent: AbstractBaseUser
    reason: str
    profile: AgentProfile


@dataclass
class _Candidate:
    profile: AgentProfile
    open_tickets: int


class Router:
    """Agents and their load, read once; assignments made through it update the load, so a
    batch of new tickets is spread as it would be one by one."""

    def __init__(self) -> None:
        profiles = (
            AgentProfile.objects.filter(available=True, user__is_active=True)
            .select_related("user")
            .annotate(
                open_tickets=Count(
                    "user__assigned_tickets",
                    filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES),
                )
            )
            # A fixed order, so that a tie goes the same way on every database.
            .order_by("pk")
        )
        self.candidates = [_Candidate(p, p.open_tickets) for p in profiles]

    def choose(
        self, kind: str, language: str, asks: Sequence[str], subject: str, at: dt.datetime
    ) -> Routing | None:
        text = set(words(" ".join([subject, *asks])))
        best: tuple[tuple[int, dt.datetime, int], _Candidate, list[str]] | None = None
        for candidate in self.candidates:
            profile = candidate.profile
            if candidate.open_tickets >= profile.max_open:
                continue
            if profile.languages and language in ("fr", "en") and language not in profile.languages:
                continue
            score, why = 0, []
            if kind and kind in profile.kinds:
                score += 2
                why.append(f"takes {kind}")
            if language and language in profile.languages:
                score += 1
                why.append(f"speaks {language}")
            shared = sorted(text & set(words(profile.topics)))
            if shared:
                score += min(len(shared), 3)
                why.append("topics " + ", ".join(shared[:3]))
            key = (-score, profile.last_assigned_at or _NEVER, candidate.open_tickets)
            if best is None or key < best[0]:
                best = (key, candidate, why)
        if best is None:
            return None
        _, chosen, why = best
        return self._take(chosen, [*why, "least recently assigned among equals"], at)

    def choose_person(
        self,
        agent_id: int,
        kind: str,
        language: str,
        asks: Sequence[str],
        subject: str,
        at: dt.datetime,
    ) -> Routing | None:
        """For a message written to one staff member (the staff directory): that person if
        they are available and under their limit; else the colleague who shares most of
        their topics; else whoever the usual rules choose."""
        chosen = next((c for c in self.candidates if c.profile.user_id == agent_id), None)
        if chosen is not None and chosen.open_tickets < chosen.profile.max_open:
            return self._take(chosen, ["written to them through the staff directory"], at)
        wanted = AgentProfile.objects.filter(user_id=agent_id).select_related("user").first()
        name = wanted.user.get_username() if wanted else f"user {agent_id}"
        topics = set(words(wanted.topics)) if wanted else set()
        best: tuple[tuple[int, dt.datetime, int], _Candidate, list[str]] | None = None
        for candidate in self.candidates:
            if candidate.open_tickets >= candidate.profile.max_open or not topics:
                continue
            shared = sorted(topics & set(words(candidate.profile.topics)))
            if not shared:
                continue
            key = (
                -len(shared),
                candidate.profile.last_assigned_at or _NEVER,
                candidate.open_tickets,
            )
            if best is None or key < best[0]:
                best = (key, candidate, [f"{name} is away; shares topics " + ", ".join(shared[:3])])
        if best is not None:
            return self._take(best[1], best[2], at)
        routing = self.choose(kind, language, asks, subject, at)
        if routing is None:
            return None
        why = f"written to {name}, who is away and has no colleague with the same topics"
        return Routing(routing.agent, f"{why}; {routing.reason}", routing.profile)

    def _take(self, chosen: _Candidate, why: list[str], at: dt.datetime) -> Routing:
        chosen.open_tickets += 1
        chosen.profile.last_assigned_at = at
        load = f"{chosen.open_tickets - 1} open of {chosen.profile.max_open}"
        return Routing(chosen.profile.user, "; ".join([*why, load]), chosen.profile)

    @staticmethod
    def record(routing: Routing) -> None:
        """Remember the assignment for the round-robin."""
        profile = routing.profile
        AgentProfile.objects.filter(pk=profile.pk).update(last_assigned_at=profile.last_assigned_at)


def choose_assignee(kind: str, language: str, asks: Sequence[str], subject: str) -> Routing | None:
    """The agent a ticket would go to now, without assigning it (`answerdesk triage`)."""
    return Router().choose(kind, language, asks, subject, dt.datetime.now(dt.UTC))
