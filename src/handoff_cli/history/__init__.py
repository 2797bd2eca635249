"""History: timelines of each handoff from git history, read in one streaming pass."""
