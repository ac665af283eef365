"""Thin views for fairs, by audience; fairs/urls.py gathers their URL patterns."""
