"""SIMS 2.0 concept scheme and the "Om statistikken" documentation records (issue 4)."""
