"""Scores, as pure functions. Three numbers that are never blended:

* handoff quality (0-100, the sender's), made of parts that each explain themselves (`quality`);
* receiver responsiveness: receipt within one business day, outcome within the due days
  (`responsiveness`), ratings corrected for each receiver's leniency (`leniency`);
* the funnel (acceptance, outcomes, loss and rejection reasons, fields most often missing),
  counted in `reporting`.

Weights and their defaults are in `weights`; docs/scoring.md explains them for a sales manager.
"""
