"""Documents: the baton on disk. YAML reading (with positions) and writing, where files
live, ids, the model, the feedback file, the repository config. Knows no rules."""
