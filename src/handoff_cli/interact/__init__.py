"""Interact: the person at the terminal. Prompts, the values being written, kept drafts,
$EDITOR."""
