"""The assumptions table: every value the roadmap sets, with its unit and its ``source:`` note.

Walks the resolved roadmap (extends, scenario and overrides applied) and keeps the key paths that the
roadmap file itself sets (defaults the schema fills in are left out). A time table is one row
(``2026: 100, 2029: 200 (step)``). A note on a mapping applies to every value under it unless a
deeper note says otherwise; a value set on the command line (``--set``) is noted so, with the roadmap's
value it replaced. Units come from the key names (``payload_t`` -> t,
``price_usd_per_kg`` -> usd per kg): the project spells units in names.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from planner.io.load import LoadedRoadmap

COLUMNS = ["key", "setting", "unit", "source"]
UNIT_WORDS = {"t", "kg", "usd", "musd", "w", "kw", "kwh", "gw", "km", "s", "days", "day", "years", "year",
              "fraction", "flights", "units", "unit", "percent"}
SYMBOLS = {"usd": "$", "musd": "M$", "w": "W", "kw": "kW", "kwh": "kWh", "gw": "GW"}
NOT_INPUTS = {"name", "description", "scenario", "scenario_names"}


def assumption_table(loaded: LoadedRoadmap) -> pd.DataFrame:
    """One row per value the roadmap sets: dotted key, value as text, unit, source note ('' when none)."""
    rows: list[dict[str, str]] = []
    sources = dict(loaded.sources) | {tuple(o.key.split(".")): o.note() for o in loaded.overrides}
    _walk(loaded.resolved(), loaded.origin.data, (), sources, rows)
    return pd.DataFrame(rows, columns=COLUMNS)


def unit_of(key: str) -> str:
    """The unit spelled at the end of a key name, from its first unit word (or the ``per`` before it) on:
    ``price_usd_per_kg`` -> ``$/kg``, ``dv_km_s`` -> ``km/s``, ``rate_per_year`` -> ``/year``,
    ``kw_per_unit`` -> ``kW/unit``."""
    words = key.split("_")
    for i, word in enumerate(words):
        # a first word is a unit alone (``days``) or before a rate (``kw_per_unit``), not in ``unit_mass_t``
        if word in UNIT_WORDS and (i > 0 or len(words) == 1 or words[1] == "per"):
            start = i - 1 if words[i - 1] == "per" else i
            text = " ".join(SYMBOLS.get(w, w) for w in words[start:])
            return text.replace("km s", "km/s").replace("per ", "/").replace(" /", "/")
    return ""


def _walk(value: Any, given: Any, path: tuple[str, ...], sources: dict[tuple[str, ...], str],
          rows: list[dict[str, str]]) -> None:
    if given is None or (path and (path[0] in NOT_INPUTS or path[-1] == "description")):
        return
    if isinstance(value, dict) and not _is_time_table(value):
        for key, child in value.items():
            sub = given.get(key, given.get(str(key))) if isinstance(given, dict) else None
            _walk(child, sub, path + (str(key),), sources, rows)
        return
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, child in enumerate(value):
            sub = given[i] if isinstance(given, list) and i < len(given) else None
            _walk(child, sub, path + (str(i),), sources, rows)
        return
    if value is None or value in ({}, []):
        return
    name = next((p for p in reversed(path) if not p.isdigit()), "")
    unit = unit_of(name) if _is_amount(value) else ""  # a name, a switch (compute_gw: true) has no unit
    rows.append({"key": ".".join(path), "setting": _text(value), "unit": unit,
                 "source": _source(path, sources)})


def _is_amount(value: Any) -> bool:
    """Numbers, time tables of numbers and lists of them; not names or switches."""
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return all(_is_amount(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_time_table(value: dict[Any, Any]) -> bool:
    return "interpolation" in value and all(isinstance(k, (int, float)) for k in value if k != "interpolation")


def _text(value: Any) -> str:
    if isinstance(value, dict):
        points = ", ".join(f"{k}: {_number(v)}" for k, v in value.items() if k != "interpolation")
        return f"{points} ({value['interpolation']})"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return _number(value)


def _number(value: Any) -> str:
    return f"{value:,.6g}" if isinstance(value, float) else str(value)


def _source(path: tuple[str, ...], sources: dict[tuple[str, ...], str]) -> str:
    for end in range(len(path), 0, -1):
        note = sources.get(tuple(path[:end]))
        if note:
            return note
    return ""
