"""The sweep's results on disk: one append-only long table, ``results.csv``, and the design beside it.

Each finished scenario is appended as one block of rows, status row last, in a single write that is
flushed and synced before the next; so after a crash the file holds whole scenarios plus at most one
partial block (or a partial line) at its end. :meth:`ResultLog.open` drops that tail by rewriting the
file with the finished scenarios only (atomically), and returns their ids: a resumed sweep skips them
and solves each of the others exactly once.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import pandas as pd

from planner.sweep.scenario import COLUMNS


class ResultLog:
    """``results.csv`` of a sweep folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / "results.csv"

    def open(self) -> set[str]:
        """Make the file hold finished scenarios only; return their ids (an empty set for a new sweep)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            self._write_text(self._csv([], header=True))
            return set()
        text = self.path.read_text(encoding="utf-8")
        whole = text[: text.rfind("\n") + 1]
        frame = _frame(io.StringIO(whole))
        finished = set(frame.loc[frame["quantity"] == "status", "scenario"])
        kept = frame[frame["scenario"].isin(finished)]
        if len(kept) != len(frame) or whole != text:
            tmp = self.path.with_suffix(".csv.tmp")
            kept.to_csv(tmp, index=False, columns=COLUMNS)
            os.replace(tmp, self.path)
        return finished

    def append(self, rows: list[dict[str, Any]]) -> None:
        """Append one scenario's rows durably."""
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(self._csv(rows, header=False))
            handle.flush()
            os.fsync(handle.fileno())

    def read(self) -> pd.DataFrame:
        """The whole table (finished scenarios)."""
        return _frame(self.path)

    def _write_text(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(text, encoding="utf-8")

    @staticmethod
    def _csv(rows: list[dict[str, Any]], header: bool) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
        if header:
            writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()


def _frame(source: Any) -> pd.DataFrame:
    return pd.read_csv(source, dtype={"scenario": str, "quantity": str, "name": str, "period": str, "note": str},
                       keep_default_na=False, na_values={"value": ["", "nan"], "year": ["", "nan"]})
