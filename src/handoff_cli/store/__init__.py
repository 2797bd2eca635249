"""Store: the repository as the commands see it. Loading (digests cached by blob id, the
worker pool), gathering the report's join, and validated atomic writes."""
