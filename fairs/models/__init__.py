"""Fairs: trade fairs and supply–demand connection conferences, from registration to agreements."""

from marketplace.models import BuyerDemand  # moved to marketplace; re-exported for fairs' code

from .meetings import Agreement, AgreementOrder, MatchScore, Meeting, MeetingRequest
from .pages import FairIndexPage, FairPage, FairSession, Slot
from .participants import FairDemand, Participant, Representative, participant_of

__all__ = [
    "Agreement",
    "AgreementOrder",
    "BuyerDemand",
    "FairDemand",
    "FairIndexPage",
    "FairPage",
    "FairSession",
    "MatchScore",
    "Meeting",
    "MeetingRequest",
    "Participant",
    "Representative",
    "Slot",
    "participant_of",
]
