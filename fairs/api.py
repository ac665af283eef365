"""Fairs API under /api/v1/fairs: the public programme, and a participant's own day.

Thin, as the rest of the API: the routes parse input, read through fairs.selectors.api and
call fairs.services for every write. They catch nothing: config/api.py turns a service's
ValidationError into 400, PermissionDenied into 403 and an unknown or unpublished id
(DoesNotExist) into 404, each as {"detail": message}; no session is 401.
Query and body parameters are checked by their schema (config/api.py makes those 400s), and
ids are bounded so no database is asked about a number it cannot hold.
"""

import datetime
import math
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from catalog.places import UnknownProvince, province_code_for
from catalog.schemas import ErrorOut, ProvinceOut

from . import services
from .models import FairPage, Meeting, MeetingRequest, Participant
from .selectors import api as selectors

router = Router(tags=["fairs"])

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_ID = 2**63 - 1  # the largest key SQLite and PostgreSQL hold; beyond it drivers raise

FairStatus = Literal[tuple(FairPage.Status.values)]


# --- shapes ------------------------------------------------------------------------------------


class AllianceOut(Schema):
    id: int
    name: str


class RegistrationWindowOut(Schema):
    opens_on: datetime.date
    closes_on: datetime.date
    is_open: bool


class FairOut(Schema):
    id: int
    title: str
    name_en: str
    kind: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date
    venue: str
    online_url: str
    url: str | None
    lead_organiser: AllianceOut
    co_organisers: list[AllianceOut]
    provinces: list[ProvinceOut] = Field(
        description="Empty when cooperatives of every province may take part."
    )
    registration: RegistrationWindowOut


class FairListOut(Schema):
    total: int
    page: int
    page_size: int
    items: list[FairOut]


class SlotOut(Schema):
    key: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    tables: int


class SessionOut(Schema):
    id: int
    name: str
    date: datetime.date
    slot_minutes: int
    tables: int
    slots: list[SlotOut]


class ProductBriefOut(Schema):
    sku: str
    name: str
    url: str | None


class ExhibitorOut(Schema):
    participant_id: int
    name: str
    tax_code: str
    province: ProvinceOut | None
    booth: str
    url: str | None
    products: list[ProductBriefOut]


class FairDetailOut(FairOut):
    sessions: list[SessionOut]
    cooperatives: list[ExhibitorOut]


class ParticipantBriefOut(Schema):
    id: int
    name: str
    role: str


class MeetingOut(Schema):
    id: int
    slot_key: str | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    table: int | None
    others: list[ParticipantBriefOut] = Field(description="The other participants of the meeting.")
    outcome: str
    request_id: int | None


class MeetingRequestOut(Schema):
    id: int
    requester: ParticipantBriefOut
    recipient: ParticipantBriefOut
    message: str
    demand_id: int | None
    status: str
    created_at: datetime.datetime
    answered_at: datetime.datetime | None


class MyRegistrationOut(Schema):
    id: int
    role: str
    status: str
    name: str
    badge_code: str
    meetings: list[MeetingOut]
    requests_sent: list[MeetingRequestOut]
    requests_received: list[MeetingRequestOut]


class MeOut(Schema):
    fair_id: int
    registrations: list[MyRegistrationOut]


class MeetingRequestIn(Schema):
    requester_id: int = Field(..., ge=1, le=MAX_ID, description="Your registration at the fair.")
    recipient_id: int = Field(..., ge=1, le=MAX_ID, description="The participant you want to meet.")
    message: str = Field("", max_length=1000)
    demand_id: int | None = Field(None, ge=1, le=MAX_ID, description="One of the buyer's demands.")
    product_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A published product of the cooperative in the request (the recipient, "
        "or the requester when a cooperative asks a buyer).",
    )


class AnswerIn(Schema):
    accept: bool


# --- helpers -----------------------------------------------------------------------------------


def _absolute_url(request: HttpRequest, page) -> str | None:
    url = page.get_url(request=request)
    return request.build_absolute_uri(url) if url else None


def _province_out(province) -> dict | None:
    return province and {"code": province.code, "name": province.name}


def _alliance_out(alliance) -> dict:
    return {"id": alliance.pk, "name": alliance.name}


def _fair_out(request: HttpRequest, fair: FairPage) -> dict:
    return {
        "id": fair.pk,
        "title": fair.title,
        "name_en": fair.name_en,
        "kind": fair.kind,
        "status": fair.status,
        "starts_on": fair.starts_on,
        "ends_on": fair.ends_on,
        "venue": fair.venue,
        "online_url": fair.online_url,
        "url": _absolute_url(request, fair),
        "lead_organiser": _alliance_out(fair.lead_organiser),
        "co_organisers": [_alliance_out(a) for a in fair.co_organisers.all()],
        "provinces": [_province_out(p) for p in fair.provinces.all()],
        "registration": {
            "opens_on": fair.registration_opens_on,
            "closes_on": fair.registration_closes_on,
            "is_open": fair.registration_is_open,
        },
    }


def _brief(participant: Participant) -> dict:
    return {"id": participant.pk, "name": participant.name, "role": participant.role}


def _request_out(request: MeetingRequest) -> dict:
    return {
        "id": request.pk,
        "requester": _brief(request.requester),
        "recipient": _brief(request.recipient),
        "message": request.message,
        "demand_id": request.demand_id,
        "status": request.status,
        "created_at": request.created_at,
        "answered_at": request.answered_at,
    }


STATUS_QUERY = Query(None, description="Only fairs at this stage.")
FairId = Path(..., ge=1, le=MAX_ID, description="The fair's id.")


# --- public ------------------------------------------------------------------------------------


@router.get(
    "/fairs",
    response={200: FairListOut, 400: ErrorOut, 404: ErrorOut},
    summary="Published fairs, soonest first",
)
def fair_list(
    request,
    status: FairStatus | None = STATUS_QUERY,
    upcoming: bool = Query(False, description="Only fairs that have not ended yet."),
    province: str | None = Query(
        None,
        max_length=100,
        description="Fairs open to cooperatives of this province (code 08 or 8, or a name); "
        "fairs open to every province are included.",
    ),
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    code = None
    if province:
        try:
            code = province_code_for(province)
        except UnknownProvince as error:
            raise HttpError(400, str(error)) from error
    fairs = selectors.fair_list(status=status, upcoming=upcoming, province_code=code)
    total = fairs.count()
    last_page = max(1, math.ceil(total / page_size))
    if page > last_page:
        raise HttpError(
            404, _("Page %(page)s is past the last page (%(last)s).") % {"page": page, "last": last_page}
        )
    start = (page - 1) * page_size
    items = [_fair_out(request, fair) for fair in fairs[start : start + page_size]]
    return {"total": total, "page": page, "page_size": page_size, "items": items}


@router.get(
    "/fairs/{fair_id}",
    response={200: FairDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="One published fair, with its sessions and slots and its approved cooperatives",
)
def fair_detail(request, fair_id: int = FairId):
    fair = selectors.published_fair(fair_id, details=True)
    exhibitors = selectors.exhibitors(fair)
    sessions = sorted(fair.sessions.all(), key=lambda s: (s.first_start, s.pk))
    return {
        **_fair_out(request, fair),
        "sessions": [
            {
                "id": session.pk,
                "name": session.name,
                "date": session.date,
                "slot_minutes": session.slot_minutes,
                "tables": session.tables,
                "slots": [
                    {"key": s.key, "starts_at": s.starts_at, "ends_at": s.ends_at, "tables": s.tables}
                    for s in session.slots()
                ],
            }
            for session in sessions
        ],
        "cooperatives": [
            {
                "participant_id": p.pk,
                "name": p.name,
                "tax_code": p.cooperative.tax_code,
                "province": _province_out(p.cooperative.province),
                "booth": p.booth,
                "url": _absolute_url(request, p.cooperative),
                "products": [
                    {"sku": product.sku, "name": product.title, "url": _absolute_url(request, product)}
                    for product in p.showcased_products.all()
                ],
            }
            for p in exhibitors
        ],
    }


# --- the caller's own --------------------------------------------------------------------------


@router.get(
    "/fairs/{fair_id}/me",
    auth=django_auth,
    response={200: MeOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    summary="Your registrations at a fair, with your schedule and meeting requests",
)
def fair_me(request, fair_id: int = FairId):
    fair = selectors.published_fair(fair_id, details=True)
    slots = {slot.key: slot for slot in fair.slots()}
    registrations = selectors.registrations_of(request.user, fair)

    def meeting_out(meeting: Meeting, me: Participant) -> dict:
        slot = slots.get(meeting.slot_key)
        return {
            "id": meeting.pk,
            "slot_key": meeting.slot_key or None,
            "starts_at": slot and slot.starts_at,
            "ends_at": slot and slot.ends_at,
            "table": meeting.table,
            "others": [_brief(p) for p in meeting.participants.all() if p.pk != me.pk],
            "outcome": meeting.outcome,
            "request_id": meeting.request_id,
        }

    def in_time_order(meetings):
        far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return sorted(
            meetings,
            key=lambda m: (slots[m.slot_key].starts_at if m.slot_key in slots else far, m.table or 0, m.pk),
        )

    return {
        "fair_id": fair.pk,
        "registrations": [
            {
                "id": me.pk,
                "role": me.role,
                "status": me.status,
                "name": me.name,
                "badge_code": me.badge_code,
                "meetings": [meeting_out(m, me) for m in in_time_order(me.meetings.all())],
                "requests_sent": [_request_out(r) for r in me.requests_sent.all()],
                "requests_received": [_request_out(r) for r in me.requests_received.all()],
            }
            for me in registrations
        ],
    }


@router.post(
    "/fairs/{fair_id}/requests",
    auth=django_auth,
    response={201: MeetingRequestOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Ask another participant of the fair for a meeting",
)
def meeting_request_create(request, payload: MeetingRequestIn, fair_id: int = FairId):
    fair = selectors.published_fair(fair_id)
    if "\x00" in payload.message:
        raise HttpError(400, _("The message contains a character that is not allowed."))
    people = selectors.participants_by_id(fair, [payload.requester_id, payload.recipient_id])
    demand = None if payload.demand_id is None else selectors.demand_at(fair, payload.demand_id)
    product = None
    if payload.product_id is not None:
        product = selectors.product_by_id(payload.product_id)
        if product is None:
            raise HttpError(400, _("No product %(id)s.") % {"id": payload.product_id})
    created = services.meeting_request_create(
        requester=people[payload.requester_id],
        recipient=people[payload.recipient_id],
        user=request.user,
        message=payload.message,
        demand=demand,
        product=product,
    )
    return Status(201, _request_out(created))


@router.post(
    "/fairs/{fair_id}/requests/{request_id}/answer",
    auth=django_auth,
    response={200: MeetingRequestOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Accept or decline a meeting request sent to you",
)
def meeting_request_answer(
    request,
    payload: AnswerIn,
    fair_id: int = FairId,
    request_id: int = Path(..., ge=1, le=MAX_ID),
):
    fair = selectors.published_fair(fair_id)
    meeting_request = selectors.meeting_request_at(fair, request_id)
    answered = services.meeting_request_answer(
        request=meeting_request, user=request.user, accept=payload.accept
    )
    return _request_out(answered)
