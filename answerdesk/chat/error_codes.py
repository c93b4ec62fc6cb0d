"""Why a chat action was refused; each code has its words in strings.error_text."""

from __future__ import annotations

from enum import StrEnum


class ChatErrorCode(StrEnum):
    NO_CHAT = "no_chat"
    ENDED = "ended"


class ChatError(ValueError):
    def __init__(self, code: ChatErrorCode) -> None:
        super().__init__(code)
        self.code = code
