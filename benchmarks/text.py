"""Text of realistic length for synthetic posts, claims, rationales and quotes.

Words are drawn from the vocabulary of newsroom fact-checks (the seed story's
among them), so stored payloads have the size and the byte mix of real
entries: posts of a sentence to a few paragraphs, claims of a sentence or
two, rationales of a paragraph or more, quotes of a sentence.
"""

from __future__ import annotations

import random

_WORDS = """
the a of to and in that for is on was with as by at from it this be are have has
not but or an their they which said were been who its after more would about than
also will into there campaign election party staff post claim claims claimed
social media platform video views million reported reports according statement
spokesperson press office government minister prime president vice candidate
state states battleground volunteers volunteer foreign national nationals rules
commission federal contribution contributions evidence misleading false accurate
context missing quote quoted source sources article deleted removed restored
archived screenshot shared reposted viewed thousands hundreds politicians
members parliament council councillors local activists abroad solidarity democrats
republicans labour conservative reform leader former week month year today
yesterday morning evening interview email comment request response declined
answered deadline newsroom fact-check reviewed reviewer verdict rationale
investigation public records filing filed law legal illegal lawful allowed
prohibited unpaid paid compensated uncompensated travel travelled visit visited
meeting met friendship partnership countries international interference
influence online account accounts followers profile page link links website
published publication edited version original copy capture captured
"""
_VOCABULARY = _WORDS.split()

_OPENERS = [
    "Breaking:",
    "Update:",
    "Thread:",
    "Just in:",
    "Worth reading:",
    "To be clear,",
    "According to reports,",
    "For the record,",
]


class TextMaker:
    """Seeded text of a requested length, fast enough for a million entries."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def words(self, count: int) -> str:
        """``count`` words, without sentence punctuation (titles, names)."""
        return " ".join(self._rng.choices(_VOCABULARY, k=count))

    def sentence(self, low: int = 8, high: int = 24) -> str:
        """One sentence of ``low`` to ``high`` words."""
        words = self._rng.choices(_VOCABULARY, k=self._rng.randint(low, high))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self, sentences: int) -> str:
        """``sentences`` sentences."""
        return " ".join(self.sentence() for _ in range(sentences))

    def post(self) -> str:
        """A social post: mostly short, sometimes a few paragraphs (LinkedIn-length)."""
        rng = self._rng
        roll = rng.random()
        if roll < 0.55:
            body = self.paragraph(rng.randint(1, 3))
        elif roll < 0.9:
            body = self.paragraph(rng.randint(3, 7))
        else:
            body = "\n\n".join(self.paragraph(rng.randint(3, 6)) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.2:
            body = f"{rng.choice(_OPENERS)} {body}"
        return body

    def claim(self) -> str:
        """The text of a claim: one or two sentences."""
        return self.paragraph(self._rng.randint(1, 2))

    def rationale(self) -> str:
        """A reviewer's rationale: a paragraph or two."""
        return self.paragraph(self._rng.randint(3, 9))

    def quote(self) -> str:
        """A quoted passage from a source."""
        return self.sentence(12, 40)

    def question(self) -> str:
        """A question put to someone asked for comment."""
        return self.sentence(10, 30)[:-1] + "?"

    def note(self) -> str:
        """A short editorial note."""
        return self.sentence(6, 18)
