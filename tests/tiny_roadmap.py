"""A tiny LP roadmap (yearly, 2026-2031: Starship to LEO, compute there, funding, two milestones) shared by
the sweep and parameter tests."""

TINY = """
name: tiny-sweep
time: {start: 2026, end: 2031, step: year}
objective: {mode: max_value, discount_rate_per_year: 0.05}
locations:
  earth_surface: {}
  leo: {}
commodities:
  satellites:
    sources: [{location: earth_surface, cost_usd_per_kg: 1000}]
  settlers:
    unit: person
    unit_mass_t: 0.5
    sources: [{location: earth_surface, cost_musd_per_unit: 1}]
launch_vehicles:
  starship:
    payload_t: 100
    cost_per_flight_musd: 50
    max_flights_per_year: {2026: 10, 2031: 30, interpolation: linear, source: "test figure"}
compute:
  deploy_at: [leo]
  satellites: {satellites: {}}
  specific_power_w_per_kg: {2026: 100, 2031: 200, interpolation: linear}
  life_years: 4
funding:
  external_musd_per_year: 2000
milestones:
  compute_1_gw:
    metric: {compute_gw: true}
    threshold: 1
    reward: 2
  settlers_100:
    metric: {stock: {location: leo, commodity: settlers}}
    threshold: 100
    reward: 3
    reward_decay_per_year: 0.1
"""
