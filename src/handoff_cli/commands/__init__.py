"""Commands: one thin module per command (parse options, call the core, hand the result
to an output); `options` holds what they share and the error funnel."""
