"""Yearly counts per federation in the shared schema, for upper federations (no pages here)."""
