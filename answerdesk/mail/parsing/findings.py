"""What parsing noticed about one message: flags and human-readable repair notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from answerdesk.mail.parsing.parsed import Flag


@dataclass(slots=True)
class Findings:
    flags: set[Flag] = field(default_factory=set)
    defects: list[str] = field(default_factory=list)

    def note(self, flag: Flag | None, defect: str) -> None:
        """Record a fact; repeated notes are kept once so a long message stays readable."""
        if flag is not None:
            self.flags.add(flag)
        if defect and defect not in self.defects:
            self.defects.append(defect)
