"""Errors a user can act on.

Every problem with a roadmap is a :class:`Problem` that names the file, line and column, the key path,
what is wrong and what is allowed. Independent problems are gathered and raised together as one
:class:`RoadmapError`, so that a user fixes them in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches


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
        where = self.file or "<roadmap>"
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
        super().__init__("\n".join(str(p) for p in self.problems))


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
