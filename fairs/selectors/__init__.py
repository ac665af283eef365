"""Reads for fairs, by audience: `public` (fair pages, participants' own views), `organiser`
(dashboards, table plans, check-in). Reports are in fairs.reports, matching in fairs.matching."""

from .public import fair_page_context, past_fairs, upcoming_fairs

__all__ = ["fair_page_context", "past_fairs", "upcoming_fairs"]
