"""Reads for the organisers' pages."""
