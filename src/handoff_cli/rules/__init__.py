"""Rules: kinds (built-in and custom schemas, `x-handoff-*` keywords), formats, validation
and its findings, the rules of returning the baton. Pure: no I/O beyond reading schemas."""
