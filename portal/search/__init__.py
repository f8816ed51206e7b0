"""Search and findability (pillar 5): one index over everything the portal holds (issue 7)."""
