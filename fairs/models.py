"""Fairs and supply–demand connection events (built in the fairs issue)."""
