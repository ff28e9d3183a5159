"""Spending is paid from money held before the revenue it creates, on yearly and five-year periods.

Reproducer D6 (/work/shared/cases/time/d6_cash_*.yaml): compute earns 12,000 M$ per GW-year and costs
36,000 M$ per GW (25 $/W of hardware, 1,000 $/kg of satellite at 100 W/kg: 10 $/W, and 10 M$ per 100 t
flight: 1 $/W), no decay, a 5-year life and 1,000 M$ of cash at the start. Additions are deployed at an
even rate over their period, so a unit serves on average half of its own period; the revenue of the
period's own additions can only pay for later periods. Spending every M$ as early as possible is then
optimal (idle cash earns nothing and compute is worth more early), so each grid's plan is written here
by hand.
"""

from __future__ import annotations

import pytest

from tests.conftest import value

D6_YEARLY = """
name: d6_cash_yearly
time: {start: 2030, end: 2039, step: year}
objective: {mode: max_value, discount_rate_per_year: 0.08}
locations: {earth_surface: {}, leo: {}}
commodities:
  satellites: {sources: [{location: earth_surface, cost_usd_per_kg: 1000}]}
launch_vehicles:
  lv: {payload_t: 100, cost_per_flight_musd: 10, max_flights_per_year: 1000}
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: 100
  life_years: 5
  hardware_cost_usd_per_w: 25
  revenue_musd_per_gw_year: 12000
funding: {initial_cash_musd: 1000}
"""
D6_5YR = D6_YEARLY.replace("name: d6_cash_yearly", "name: d6_cash_5yr").replace(
    "{start: 2030, end: 2039, step: year}", "{dates: [2030-01-01, 2035-01-01], end: 2039-12-31}")
COST = 25_000 + 10_000 + 1_000  # M$ per GW deployed
REVENUE = 12_000  # M$ per GW-year
CASH = 1_000


def test_five_year_periods_cannot_spend_the_revenue_of_their_own_additions(solve_text):
    plan = solve_text(D6_5YR)
    y1 = 364 / 365 + 4  # 2035-01-01 to 2039-12-31
    first = CASH / COST  # the initial cash only: the additions' revenue comes after their hardware
    own = first * 5 / 2  # GW-years the first vintage serves in its own period (half of it, on average)
    # in the second period a unit deployed x years into the first serves min(x, y1) more years
    old = first * (y1**2 / 2 + y1 * (5 - y1)) / 5
    second = REVENUE * (own + old) / COST  # paid by the first period's revenue and the old vintage's
    assert value(plan, "compute_added", period="2030-01-01") == pytest.approx(first, rel=1e-6)
    assert value(plan, "compute_added", period="2035-01-01") == pytest.approx(second, rel=1e-6)
    assert value(plan, "spending", period="2030-01-01") == pytest.approx(CASH, rel=1e-6)
    assert value(plan, "revenue", period="2030-01-01") == pytest.approx(REVENUE * own, rel=1e-6)
    assert value(plan, "cash", period="2030-01-01") == pytest.approx(REVENUE * own, rel=1e-6)
    assert value(plan, "compute_served") == pytest.approx(own + old + second * y1 / 2, rel=1e-6)


def test_yearly_periods_reinvest_with_the_same_rule(solve_text):
    plan = solve_text(D6_YEARLY)
    added: list[float] = []
    cash = CASH
    for year in range(10):
        # earlier vintages serve whole years, then half of the year their life ends in
        old = sum(a * (1.0 if year - v < 5 else 0.5) for v, a in enumerate(added) if year - v <= 5)
        added.append((cash + REVENUE * old) / COST)
        cash = REVENUE * added[-1] / 2  # the new vintage's own revenue, for next year
    for year, expected in zip(range(2030, 2040), added, strict=True):
        assert value(plan, "compute_added", period=str(year)) == pytest.approx(expected, rel=1e-6)
    assert value(plan, "spending", period="2030") == pytest.approx(CASH, rel=1e-6)
    assert value(plan, "spending") == pytest.approx(COST * sum(added), rel=1e-6)


def test_the_first_period_spends_only_the_cash_held_at_its_start_on_any_grid(solve_text):
    # before the fix five-year periods added 50 GW in 2030-2034 and yearly ones 0.04 GW in 2030
    for text, period in ((D6_YEARLY, "2030"), (D6_5YR, "2030-01-01")):
        plan = solve_text(text)
        assert value(plan, "compute_added", period=period) == pytest.approx(CASH / COST, rel=1e-6)
