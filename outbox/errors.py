class PermanentError(Exception):
    """An expected refusal that retrying cannot fix (bad input, a rule of the domain)."""
