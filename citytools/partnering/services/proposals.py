"""See citytools.partnering.services."""
