"""Parquet twins of a run's CSV tables (``planner solve|report --format parquet``).

Each ``NAME.csv`` of a run folder gets a ``NAME.parquet`` holding the same table: the CSV as planner
reads it back (:func:`~planner.reports.run_folder.read_csv`: label columns as text, numbers as the CSV
writes them), so the two never disagree. Units stay where the CSVs keep them, in the tidy tables'
``unit`` column, and each column also carries the data dictionary's ``description`` and ``unit`` as
Parquet field metadata (``data_dictionary.csv``, when the folder holds it).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

DICTIONARY = "data_dictionary.csv"


class TableFormat(StrEnum):
    """Formats of a run's tables: CSV always, Parquet beside it on request."""

    csv = "csv"
    parquet = "parquet"


def with_parquet(extra: Callable[[Path], None]) -> Callable[[Path], None]:
    """``extra`` (the ``extra=`` of :func:`~planner.results.outputs.write_run`) followed by the Parquet twins
    of every CSV it leaves in the folder."""
    def write(folder: Path) -> None:
        extra(folder)
        write_parquet_tables(folder)
    return write


def write_parquet_tables(folder: Path) -> list[Path]:
    """Write ``NAME.parquet`` beside every ``NAME.csv`` in ``folder``, replacing any; return the files."""
    import pyarrow as pa  # here, not at the top: the command line imports this module and must start fast
    import pyarrow.parquet as pq

    from planner.reports.run_folder import read_csv

    meanings = _meanings(folder, read_csv)
    written = []
    for path in sorted(folder.glob("*.csv")):
        frame = read_csv(path)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        fields = [field.with_metadata(meanings[(path.name, field.name)])
                  if (path.name, field.name) in meanings else field for field in table.schema]
        target = path.with_suffix(".parquet")
        pq.write_table(table.cast(pa.schema(fields, metadata=table.schema.metadata)), target)
        written.append(target)
    return written


def _meanings(folder: Path, read_csv: Callable[[Path], Any]) -> dict[tuple[str, str], dict[str, str]]:
    """``(file, column) -> {description, unit}`` from the folder's data dictionary (none without it)."""
    if not (folder / DICTIONARY).is_file():
        return {}
    rows = read_csv(folder / DICTIONARY).to_dict("records")
    return {(r["file"], r["column"]): {"description": r["description"], "unit": r["unit"]}
            for r in rows if r["column"]}
