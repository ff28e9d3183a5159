"""A comparison as a table a strategist reads: what moved, before, after, difference, tolerance."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from planner.regression.compare import Comparison


def _number(value: Any) -> str:
    if value is None:
        return "open"
    if isinstance(value, tuple):
        return " to ".join(_number(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.7g}"
    return str(value)


def diff_table(comparison: Comparison) -> Group:
    """The moved rows (a range shows as 'low to high') followed by the notes."""
    parts: list[Any] = []
    if comparison.moved:
        table = Table("what moved", "before", "after", "difference", "tolerance", "unit",
                      title=f"{comparison.title}: the plan moved", title_justify="left")
        for row in comparison.moved:
            table.add_row(Text(row.what), _number(row.before), _number(row.after),
                          "" if row.difference is None else f"{row.difference:+,.4g}",
                          "" if row.tolerance is None else f"{row.tolerance:.2g}", row.unit)
        parts.append(table)
    else:
        parts.append(Text(f"{comparison.title}: the plan matches its golden"))
    parts += [Text(f"  note: {note}") for note in comparison.notes]
    return Group(*parts)


def diff_text(comparison: Comparison, width: int = 120) -> str:
    """:func:`diff_table` as plain text (for assertion messages and logs)."""
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    console.print(diff_table(comparison))
    return console.export_text()
