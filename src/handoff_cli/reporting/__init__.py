"""Reporting: pure. Digests of documents, the join of digests and timelines, and the
rows of each table."""
