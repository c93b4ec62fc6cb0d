"""Which language a customer writes in: French, English or other, with a confidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# Two or three sentences decide between French and English; the cost grows with the length
# (on the bench corpus, about 0.2 ms a message at 200 characters, 0.3 ms at 600).
_SAMPLE_CHARS = 200
_CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}
# The languages a French/English desk mostly receives otherwise. A message is "other" only
# when one of them is clearly ahead: "ok merci" or "thx" look Italian or French to a
# detector, and a short customer message is far likelier to be French or English.
_NEIGHBOURS = (
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
)
_OTHER_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str  # "fr", "en", "other", or "" when there is no text to judge
    confidence: float


@cache
def _wide_detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_CODES, *_NEIGHBOURS).build()


@cache
def _detector() -> LanguageDetector:
    # Restricted to the two languages the desk serves: telling French from English is
    # then reliable on a few words (lingua's models ship inside the package, offline).
    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def detect_language(text: str) -> LanguageGuess:
    sample = text.strip()[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return LanguageGuess("", 0.0)
    values = _wide_detector().compute_language_confidence_values(sample)
    best = values[0]
    if best.language not in _CODES:
        if best.value >= _OTHER_CONFIDENCE:
            return LanguageGuess("other", round(best.value, 3))
        best = _detector().compute_language_confidence_values(sample)[0]
        return LanguageGuess(_CODES[best.language], round(best.value, 3))
    # The confidence is French against English, as the desk only has those two to choose.
    ours = sum(v.value for v in values if v.language in _CODES)
    return LanguageGuess(_CODES[best.language], round(best.value / ours, 3))
