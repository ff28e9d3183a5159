"""Spending is paid from money held before the revenue it creates, at every moment, on any grid.

Reproducer D6 (/work/shared/cases/time/d6_cash_*.yaml): compute earns 12,000 M$ per GW-year and costs
36,000 M$ per GW (25 $/W of hardware, 1,000 $/kg of satellite at 100 W/kg: 10 $/W, and 10 M$ per 100 t
flight: 1 $/W), no decay, a 5-year life and 1,000 M$ of cash at the start. Inside a period of y years
everything runs at even rates: by the share f of it, f of the spending is spent and f of the earlier
vintages' revenue has come in, while the period's own additions a have served a (fy)^2 / (2y) GW-years
(no decay, f y below the life). The cash W + f (R_old - c a) + r a f^2 y / 2 must stay >= 0 at
f = 1/4, 1/2, 3/4 and 1. Spending every M$ as early as possible is optimal (idle cash earns nothing and
compute is worth more early), so the plan is that recursion, written here by hand.
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
# the five-year periods kept as given (by default they are split for the solve: planner.model.refinement)
D6_5YR_KEPT = D6_5YR.replace("end: 2039-12-31}", "end: 2039-12-31, max_growth_per_period: null}")
COST = 25_000 + 10_000 + 1_000  # M$ per GW deployed
REVENUE = 12_000  # M$ per GW-year
CASH = 1_000


def most_added(cash: float, old_revenue: float, years: float) -> float:
    """The largest addition the cash checks allow: cash + f (old - COST a) + REVENUE a f^2 y / 2 >= 0."""
    limits = [(cash + f * old_revenue) / (f * COST - REVENUE * f * f * years / 2)
              for f in (0.25, 0.5, 0.75, 1.0) if f * COST > REVENUE * f * f * years / 2]
    return min(limits)


def test_the_first_five_years_spend_their_cash_and_what_their_additions_earn_before_it_is_spent(solve_text):
    # the f = 1/2 check binds: 1,000 / (18,000 - 7,500) GW (before the fix: 50 GW)
    plan = solve_text(D6_5YR_KEPT)
    by_hand = CASH / 10_500
    assert most_added(CASH, 0.0, 5.0) == pytest.approx(by_hand, rel=1e-12)
    assert value(plan, "compute_added", period="2030-01-01") == pytest.approx(by_hand, rel=1e-6)
    assert value(plan, "spending", period="2030-01-01") == pytest.approx(COST * by_hand, rel=1e-6)


def test_a_yearly_plan_keeps_cash_at_every_check_inside_each_year(solve_text):
    plan = solve_text(D6_YEARLY)
    cash = CASH
    for year in range(2030, 2040):
        added = value(plan, "compute_added", period=str(year))
        spent, earned = value(plan, "spending", period=str(year)), value(plan, "revenue", period=str(year))
        assert spent == pytest.approx(COST * added, rel=1e-9, abs=1e-9)
        own = REVENUE * added / 2  # the year's own additions serve half a year on average
        checks = [cash + f * (earned - own - spent) + own * f * f for f in (0.25, 0.5, 0.75, 1.0)]
        assert min(checks) >= -1e-6 * CASH  # never below zero inside the year
        cash += earned - spent
        assert value(plan, "cash", period=str(year)) == pytest.approx(cash, rel=1e-6, abs=1e-6)
    # before the fix the first year added 0.04 GW, its own revenue paying for its hardware; now at most
    # 1,000 / (36,000 - 6,000): keeping some cash for 2031's first months may be worth adding a little less
    assert 0.95 * CASH / 30_000 <= value(plan, "compute_added", period="2030") <= CASH / 30_000 * (1 + 1e-9)


def test_finer_periods_converge_to_the_same_programme(solve_text):
    """Reinvestment inside a period is even-rate, so a plan lags continuous compounding by about half a
    period (first order): here the monthly grid is the reference; quarterly is within 3 %, yearly 15 %."""
    spent = {step: value(solve_text(D6_YEARLY.replace("step: year", f"step: {step}")), "spending")
             for step in ("year", "quarter", "month")}
    assert spent["quarter"] == pytest.approx(spent["month"], rel=0.03)
    assert spent["year"] == pytest.approx(spent["month"], rel=0.15)
    assert spent["year"] < spent["quarter"] < spent["month"]  # from below: revenue never pays ahead of itself


def test_periods_longer_than_the_payback_are_flagged_when_kept(solve_text):
    """Hardware 25,000 M$ per GW over a margin of 12,000 M$ per GW-year pays back in 25/12 years, a growth of
    12/25 = 0.48 a year: kept five-year periods grow 2.4 (above the 0.5 allowed) and are flagged, yearly
    ones (0.48) are not."""
    coarse = solve_text(D6_5YR_KEPT).summary["coarse_grid"]
    assert coarse["periods"] == 2 and coarse["longest_period_years"] == pytest.approx(5.0, abs=0.01)
    assert coarse["payback_years"] == pytest.approx(25_000 / 12_000, rel=1e-6)
    assert solve_text(D6_YEARLY).summary["coarse_grid"] is None


def test_five_year_periods_are_split_and_agree_with_yearly_ones(solve_text):
    """By default each five-year period is split into ceil(5 x 0.48 / 0.5) = 5 parts, the calendar years (the
    1,826 days of 2030-2034 cut at day 365, 730, 1,096 and 1,461), so the plan spends and serves what the
    yearly one does (the last part ends on 31 December, a day before the yearly horizon's end)."""
    five, yearly = solve_text(D6_5YR), solve_text(D6_YEARLY)
    refined = five.summary["refined_grid"]
    assert refined["periods"] == 2 and refined["parts"] == 10
    assert refined["longest_part_years"] == pytest.approx(1.0)
    assert "2 periods (2030-01-01 to 2035-01-01) split into 10 parts of up to 1 year for the solve" in refined["text"]
    assert five.summary["coarse_grid"] is None
    assert list(five.built.data.timeline.labels) == [f"{year}-01-01" for year in range(2030, 2040)]
    for quantity in ("spending", "compute_served"):
        assert value(five, quantity) == pytest.approx(value(yearly, quantity), rel=0.01)
    kept = solve_text(D6_5YR_KEPT)  # before the split: 9.2 $B against the yearly 16.7 $B
    assert value(kept, "spending") < 0.6 * value(yearly, "spending")


def test_validate_says_which_periods_the_solve_will_split(write_roadmap):
    from typer.testing import CliRunner

    from planner.cli import app

    files = [str(write_roadmap(D6_5YR)), str(write_roadmap(D6_5YR_KEPT, "kept.yaml"))]
    result = CliRunner().invoke(app, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count("split into 10 parts of up to 1 year for the solve") == 1  # not the kept one
