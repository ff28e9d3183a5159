"""Errors a user can act on.

Every problem with a roadmap is a :class:`Problem` that names the file, line and column, the key path,
what is wrong and what is allowed. Independent problems are gathered and raised together as one
:class:`RoadmapError`, so that a user fixes them in one pass; its message shows the first
:data:`MAX_SHOWN` and counts the rest. A batch's did-you-mean hints (:class:`Hints`) compare words with
names :data:`MAX_HINT_COMPARISONS` times at most: thousands of misspellings among thousands of names would
otherwise take minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

MAX_SHOWN = 50
COMMAND_LINE = "command line"  # where a problem without a file stands: an option or argument
MAX_HINT_COMPARISONS = 10_000
SHOWN_CHARS = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a roadmap, located in its source file."""

    message: str
    key: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    allowed: str = ""

    def __str__(self) -> str:
        where = self.file or COMMAND_LINE
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.key:
            text += f"{self.key}: "
        text += self.message
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


class PlannerError(Exception):
    """Base of the errors the command line turns into an exit code and a message."""

    exit_code = 1


class RoadmapError(PlannerError):
    """The roadmap cannot be used as written; holds every independent problem found."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            lines.append(f"... and {len(self.problems) - MAX_SHOWN:,} more problems")
        super().__init__("\n".join(lines))


class InfeasibleError(PlannerError):
    """No plan satisfies the roadmap; ``explanation`` says which requirements conflict."""

    exit_code = 3

    def __init__(self, message: str, explanation: str = ""):
        self.explanation = explanation
        super().__init__(message + (f"\n{explanation}" if explanation else ""))


class NoPlanError(PlannerError):
    """The solver stopped without a feasible plan (time limit, numerical failure)."""

    exit_code = 4


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` hint for a misspelt name, or an empty string."""
    match = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


class Hints:
    """:func:`did_you_mean` for one batch of problems while it has compared fewer than
    :data:`MAX_HINT_COMPARISONS` words with names; no hint after."""

    def __init__(self) -> None:
        self.left = MAX_HINT_COMPARISONS

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        names = list(choices)
        if len(names) > self.left:
            self.left = 0
            return ""
        self.left -= len(names)
        return did_you_mean(word, names)


def shown(text: object) -> str:
    """``text`` as quoted in a message: its first :data:`SHOWN_CHARS` characters, and its length if longer;
    characters that do not print as escapes (``\\x00``)."""
    text = str(text)
    cut = text[:SHOWN_CHARS]
    cut = cut if cut.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return cut if len(text) <= SHOWN_CHARS else f"{cut}… ({len(text):,} characters)"


def listed(names: Iterable[str]) -> str:
    """Names for an ``allowed`` text, sorted: the first :data:`MAX_SHOWN`, then how many in all."""
    ordered = sorted(names)
    text = ", ".join(shown(n) for n in ordered[:MAX_SHOWN])
    return text if len(ordered) <= MAX_SHOWN else f"{text}, … ({len(ordered):,} in all)"
