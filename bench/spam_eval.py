"""Evaluate the spam text classifier on the hand-written dev set it was never trained on.

    .venv/bin/python bench/spam_eval.py

Prints, for spam as the positive class, precision and recall at the two thresholds the
acknowledgement rules use (answerdesk/mail/spam.py), and the time per message.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answerdesk.mail.spam import TEXT_LIKELY, TEXT_SURE
from answerdesk.nlp.linear_text import LinearText
from answerdesk.nlp.spam_text import TRAINING_DATA, read_examples, train

DEV = TRAINING_DATA.with_name("dev.jsonl")


def main() -> None:
    model = train(*read_examples(TRAINING_DATA))
    documents, labels = read_examples(DEV)
    started = time.perf_counter()
    probabilities = [float(p[1]) for p in model.predict_proba(documents)]
    per_message = (time.perf_counter() - started) / len(documents)
    one_by_one = time.perf_counter()
    linear = LinearText(model)  # what answerdesk/nlp/spam_text.py runs on each message
    for document in documents:
        linear.probabilities(document)
    single = (time.perf_counter() - one_by_one) / len(documents)
    print(f"dev set: {len(documents)} messages, {sum(labels)} spam")
    for name, threshold in (("sure", TEXT_SURE), ("likely", TEXT_LIKELY), ("0.5", 0.5)):
        flagged = [p >= threshold for p in probabilities]
        true_pos = sum(f and y for f, y in zip(flagged, labels, strict=True))
        false_pos = sum(f and not y for f, y in zip(flagged, labels, strict=True))
        precision = true_pos / max(1, true_pos + false_pos)
        recall = true_pos / max(1, sum(labels))
        print(
            f"p >= {threshold:<4} ({name:>6}): precision {precision:.2f}, recall {recall:.2f}, "
            f"customers taken for spam {false_pos} of {len(labels) - sum(labels)}"
        )
    print(f"time: {single * 1e6:.0f} µs per message one by one ({per_message * 1e6:.0f} in bulk)")


if __name__ == "__main__":
    main()
