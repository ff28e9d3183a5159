"""Results: the plan as tidy tables, headline figures, and the files written for a run."""
