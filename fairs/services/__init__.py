"""Writes for fairs, one module per entity: the fair itself, registration, demands, meeting
requests and meetings, scheduling, and agreements (with the orders placed under them).

Bad input raises ValidationError with a message for the person who sent it and changes
nothing; acting for someone else raises PermissionDenied. Views, the API, the demo data
and the tests all write through here, by the names this package exports.
"""

from .agreements import (
    MAX_DOCUMENT_BYTES,
    MONTHLY,
    ONCE,
    AgreementData,
    AgreementOrdersData,
    agreement_place_orders,
    agreement_record,
    meeting_record_outcome,
)
from .demands import DemandData, demand_create, demand_delete
from .fairs import (
    ORGANISER_PAGE_PERMISSIONS,
    STATUS_MOVES,
    SessionData,
    check_sessions,
    fair_create,
    fair_grant_organiser_access,
    fair_refresh_matches,
    fair_set_status,
)
from .meetings import (
    meeting_create,
    meeting_pin,
    meeting_request_answer,
    meeting_request_create,
    meeting_request_withdraw,
)
from .registration import (
    REGISTRATION_MOVES,
    RegistrationData,
    RepresentativeData,
    participant_check_in,
    participant_decide,
    participant_register_buyer,
    participant_register_cooperative,
    participant_set_interest,
    participant_withdraw,
)
from .scheduling import (
    ScheduleOutcome,
    fair_schedule,
    fair_schedule_job,
    fair_schedule_request,
    schedule_instance,
)

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MONTHLY",
    "ONCE",
    "ORGANISER_PAGE_PERMISSIONS",
    "REGISTRATION_MOVES",
    "STATUS_MOVES",
    "AgreementData",
    "AgreementOrdersData",
    "DemandData",
    "RegistrationData",
    "RepresentativeData",
    "ScheduleOutcome",
    "SessionData",
    "agreement_place_orders",
    "agreement_record",
    "check_sessions",
    "demand_create",
    "demand_delete",
    "fair_create",
    "fair_grant_organiser_access",
    "fair_refresh_matches",
    "fair_schedule",
    "fair_schedule_job",
    "fair_schedule_request",
    "fair_set_status",
    "meeting_create",
    "meeting_pin",
    "meeting_record_outcome",
    "meeting_request_answer",
    "meeting_request_create",
    "meeting_request_withdraw",
    "participant_check_in",
    "participant_decide",
    "participant_register_buyer",
    "participant_register_cooperative",
    "participant_set_interest",
    "participant_withdraw",
    "schedule_instance",
]
