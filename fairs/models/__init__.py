"""Fairs: trade fairs and supply–demand connection conferences, from registration to agreements."""

from .meetings import Agreement, MatchScore, Meeting, MeetingRequest
from .pages import FairIndexPage, FairPage, FairSession, Slot
from .participants import BuyerDemand, Participant, Representative

__all__ = [
    "Agreement",
    "BuyerDemand",
    "FairIndexPage",
    "FairPage",
    "FairSession",
    "MatchScore",
    "Meeting",
    "MeetingRequest",
    "Participant",
    "Representative",
    "Slot",
]
