"""Documents, meetings and inspections of a federation, and their shared summaries."""
