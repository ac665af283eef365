"""The fairs demo: the nine-province "Ecoop" link of northern alliances.

demo/build.py calls this after the catalogue:

- `build_cooperatives` adds five cooperatives in each of the nine provinces, so with the
  catalogue's two per province about sixty take part;
- `build_fairs` adds two fairs co-organised by the nine alliances, led by Hà Nội's
  (lienminh@ is its staff):
  - "Kết nối cung cầu Ecoop 2026", held a fortnight ago: about sixty cooperatives and
    forty buyers, their demands, matches, requests, accepted meetings, a computed
    schedule, check-ins, outcomes and agreements, so its report shows real charts;
  - "Hội chợ Ecoop Xuân 2027", open for registration: a trade fair with booths and B2B
    sessions where cooperatives already showcase products (htx1@'s among them) and a few
    buyers have registered; buyer@ has not, so a visitor can try registering.

Everything is written through fairs.services, as an organiser and participants would;
the finished fair is built while its registration is open and then moved into the past.
The tables (provinces, cooperatives, buyers, the fairs' texts) are in demo/data/fairs.py.
Running it again adds nothing (fairs are found by slug).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import Alliance, Category, CooperativePage, ProductPage, Province
from fairs import matching, services
from fairs.models import Agreement, FairPage, Meeting, Participant

from .accounts import demo_user
from .catalog import build_more_cooperatives
from .data.accounts import ADMIN, BUYER, HTX1, LIENMINH
from .data.fairs import ABROAD, BUYER_NAMES, ECOOP_COOPERATIVES, ECOOP_PROVINCES, OPEN_FAIR, PAST_FAIR
from .data.products import TEMPLATES
from .result import DemoResult

FIRST_INDEX = 10  # after the catalogue's cooperatives 0 and 1 of each province
PAST_SLUG = PAST_FAIR["slug"]
OPEN_SLUG = OPEN_FAIR["slug"]


def _when(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def build_cooperatives(result: DemoResult, *, images: bool, log) -> None:
    build_more_cooperatives(result, ECOOP_COOPERATIVES, first_index=FIRST_INDEX, images=images, log=log)


def build_fairs(result: DemoResult, *, log) -> None:
    if FairPage.objects.filter(slug__in=[PAST_SLUG, OPEN_SLUG]).exists():
        return
    alliances = {
        code: Alliance.objects.filter(provinces__code=code, kind=Alliance.Kind.PROVINCIAL).first()
        for code in ECOOP_PROVINCES
    }
    lead = alliances["01"]
    co = [alliances[code] for code in ECOOP_PROVINCES[1:]]
    organiser = get_user_model().objects.get(email=LIENMINH.email)
    provinces = list(Province.objects.filter(code__in=ECOOP_PROVINCES))
    cooperatives = list(
        CooperativePage.objects.live()
        .filter(province__code__in=ECOOP_PROVINCES, verification=CooperativePage.Verification.VERIFIED)
        .order_by("province_id", "pk")
    )
    buyers = _buyer_accounts(result)
    past = _past_fair(
        result,
        lead=lead,
        co=co,
        provinces=provinces,
        organiser=organiser,
        cooperatives=cooperatives,
        buyers=buyers,
        log=log,
    )
    log(f"fair “{past.title}”: {past.participants.count()} participants, {past.meetings.count()} meetings")
    upcoming = _open_fair(
        result,
        lead=lead,
        co=co,
        provinces=provinces,
        organiser=organiser,
        cooperatives=cooperatives,
        buyers=buyers,
    )
    log(f"fair “{upcoming.title}”: open for registration")


def _buyer_accounts(result: DemoResult) -> list:
    accounts = []
    n = 0
    for kind, names in BUYER_NAMES.items():
        for name in names:
            n += 1
            user = demo_user(
                result,
                email=f"buyer{n:02d}@ecoop.demo.coop.vn",
                organisation=name,
                first_name="Đại diện",
                last_name=name,
            )
            accounts.append((user, kind, name))
    # About forty buyers: the list above once more, with branches in other provinces.
    for user, kind, name in list(accounts)[: 40 - len(accounts)]:
        branch = demo_user(
            result, email=user.email.replace("@", ".chinhanh@"), organisation=f"{name} – chi nhánh"
        )
        accounts.append((branch, kind, f"{name} – chi nhánh"))
    return accounts


def _sessions(first_day: datetime.date) -> list[services.SessionData]:
    return [
        services.SessionData(
            name="Gặp gỡ B2B buổi sáng",
            date=first_day,
            starts_at=datetime.time(8, 30),
            slot_count=8,
            tables=30,
        ),
        services.SessionData(
            name="Gặp gỡ B2B buổi chiều",
            date=first_day,
            starts_at=datetime.time(13, 30),
            slot_count=8,
            tables=30,
        ),
    ]


def _register(fair, *, cooperatives, buyers, organiser, rng) -> tuple[list, list]:
    suppliers, buyer_participants = [], []
    for cooperative in cooperatives:
        staff = get_user_model().objects.filter(groups=cooperative.staff_group_id).first()
        products = list(ProductPage.objects.live().filter(cooperative=cooperative).order_by("pk")[:3])
        participant = services.participant_register_cooperative(
            fair=fair,
            user=staff or get_user_model().objects.get(email=ADMIN.email),
            cooperative=cooperative,
            data=services.RegistrationData(
                showcased_products=products,
                supply_quantity=rng.choice([500, 1000, 2000, 5000]),
                supply_unit="kg",
                booth=Participant.Booth.STANDARD if fair.has_booths else "",
                booth_area_m2=9 if fair.has_booths else None,
                representatives=[services.RepresentativeData(name=f"Đại diện {cooperative.title}")],
            ),
        )
        services.participant_decide(participant=participant, user=organiser, approve=True)
        suppliers.append(participant)
    for user, kind, name in buyers:
        participant = services.participant_register_buyer(
            fair=fair,
            user=user,
            data=services.RegistrationData(
                name=name,
                buyer_kind=kind,
                province=None if name in ABROAD else Province.objects.get(code=rng.choice(ECOOP_PROVINCES)),
                country=ABROAD.get(name, "VN"),
                representatives=[services.RepresentativeData(name=f"Đại diện {name}", email=user.email)],
            ),
        )
        services.participant_decide(participant=participant, user=organiser, approve=True)
        buyer_participants.append(participant)
    return suppliers, buyer_participants


def _demands(buyer_participants, *, rng) -> None:
    categories = {c.slug: c for c in Category.objects.all()}
    wanted = [
        t for t in TEMPLATES.values() if not t.category.startswith(("tourism", "handicrafts", "textiles"))
    ]
    for participant in buyer_participants:
        for template in rng.sample(wanted, rng.choice([1, 2, 2, 3])):
            services.demand_create(
                buyer=participant.user,
                participant=participant,
                data=services.DemandData(
                    title=template.name,
                    category=categories[template.category],
                    quantity=rng.choice([200, 500, 1000, 2000, 5000]),
                    unit="kg",
                    target_price_vnd=round(template.price_vnd * rng.uniform(0.8, 1.0), -3),
                    min_ocop_stars=rng.choice([None, None, 3, 4]),
                    delivery_province=participant.province,
                    details=f"Cần nguồn hàng {template.name.lower()} ổn định, có truy xuất nguồn gốc.",
                ),
            )


def _requests(fair, buyer_participants, suppliers, *, rng) -> None:
    """Each buyer asks the cooperatives the matching recommends; most say yes."""
    services.fair_refresh_matches(fair=fair)
    for buyer in buyer_participants:
        recommended = [r.other for r in matching.recommendations_for(participant=buyer, limit=6)]
        others = [s for s in suppliers if s not in recommended]
        for supplier in recommended[:4] + rng.sample(others, 1):
            request = services.meeting_request_create(
                requester=buyer,
                recipient=supplier,
                user=buyer.user,
                message="Chúng tôi muốn trao đổi về nguồn hàng và giá bán buôn.",
                demand=buyer.demands.first(),
            )
            roll = rng.random()
            if roll < 0.9:
                try:
                    services.meeting_request_answer(
                        request=request, user=_speaker(supplier), accept=roll < 0.8
                    )
                except ValidationError:  # the cooperative already has as many meetings as the fair allows
                    services.meeting_request_answer(request=request, user=_speaker(supplier), accept=False)


def _speaker(participant: Participant):
    """Someone who acts for the participant: its cooperative's staff, or the buyer."""
    if participant.role == Participant.Role.BUYER:
        return participant.user
    return (
        get_user_model().objects.filter(groups=participant.cooperative.staff_group_id).first()
        or participant.user
    )


def _past_fair(result, *, lead, co, provinces, organiser, cooperatives, buyers, log) -> FairPage:
    rng = random.Random(PAST_SLUG)
    first_day = _when(1)
    fair = services.fair_create(
        **PAST_FAIR,
        kind=FairPage.Kind.CONNECTION,
        starts_on=first_day,
        ends_on=first_day,
        lead_organiser=lead,
        co_organisers=co,
        provinces=provinces,
        registration_opens_on=_when(-30),
        registration_closes_on=_when(0),
        sessions=_sessions(first_day),
        max_meetings_per_participant=12,
        user=organiser,
    )
    result.add("fairs")
    suppliers, buyer_participants = _register(
        fair, cooperatives=cooperatives, buyers=buyers, organiser=organiser, rng=rng
    )
    _demands(buyer_participants, rng=rng)
    _requests(fair, buyer_participants, suppliers, rng=rng)
    fair = services.fair_set_status(fair=fair, status=FairPage.Status.SCHEDULING, user=organiser)
    outcome = services.fair_schedule(fair=fair, user=organiser, time_limit=3)
    log(f"scheduled {outcome.scheduled} meetings ({outcome.unscheduled} left over) with {outcome.solver}")
    fair = services.fair_set_status(fair=fair, status=FairPage.Status.RUNNING, user=organiser)
    _the_day(fair, organiser=organiser, rng=rng)
    fair = services.fair_set_status(fair=fair, status=FairPage.Status.CLOSED, user=organiser)
    _move_into_the_past(fair, days=15, user=organiser)
    return fair


def _the_day(fair, *, organiser, rng) -> None:
    """Check-ins, outcomes and the agreements signed at the end of the day."""
    for participant in fair.participants.filter(status=Participant.Status.APPROVED):
        if rng.random() < 0.9:
            services.participant_check_in(fair=fair, code=participant.badge_code, user=organiser)
    meetings = list(Meeting.objects.filter(fair=fair).exclude(slot_key="").prefetch_related("participants"))
    signed = 0
    for meeting in meetings:
        roll = rng.random()
        outcome = (
            Meeting.Outcome.NO_SHOW
            if roll < 0.12
            else (Meeting.Outcome.FOLLOW_UP if roll < 0.35 else Meeting.Outcome.HELD)
        )
        services.meeting_record_outcome(meeting=meeting, user=organiser, outcome=outcome)
        sides = {p.role: p for p in meeting.participants.all()}
        if outcome != Meeting.Outcome.NO_SHOW and len(sides) == 2 and signed < 14 and rng.random() < 0.15:
            supplier = sides[Participant.Role.COOPERATIVE]
            products = list(supplier.showcased_products.all()[:1])
            quantity = rng.choice([1, 2, 5, 10])
            services.agreement_record(
                fair=fair,
                meeting=meeting,
                user=organiser,
                data=services.AgreementData(
                    kind=rng.choice(
                        [Agreement.Kind.MEMORANDUM, Agreement.Kind.MEMORANDUM, Agreement.Kind.CONTRACT]
                    ),
                    buyer=sides[Participant.Role.BUYER],
                    supplier=supplier,
                    volume=f"{quantity} tấn/tháng trong 12 tháng",
                    value_vnd=quantity * 12 * rng.choice([45, 60, 90, 120]) * 1_000_000,
                    signed_on=timezone.localdate(),
                    products=products,
                ),
            )
            signed += 1


def _move_into_the_past(fair: FairPage, *, days: int, user) -> None:
    """The finished fair was built while open; its dates (and its agreements') move back."""
    shift = datetime.timedelta(days=days)
    fair = FairPage.objects.get(pk=fair.pk)
    fair.starts_on -= shift
    fair.ends_on -= shift
    fair.registration_opens_on -= shift
    fair.registration_closes_on -= shift
    sessions = list(fair.sessions.all())
    for session in sessions:
        session.date -= shift
    fair.sessions = sessions
    fair.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    fair.agreements.update(signed_on=fair.ends_on)


def _open_fair(result, *, lead, co, provinces, organiser, cooperatives, buyers) -> FairPage:
    rng = random.Random(OPEN_SLUG)
    first_day = _when(24)
    fair = services.fair_create(
        **OPEN_FAIR,
        kind=FairPage.Kind.TRADE_FAIR,
        starts_on=first_day,
        ends_on=first_day + datetime.timedelta(days=2),
        lead_organiser=lead,
        co_organisers=co,
        provinces=provinces,
        registration_opens_on=_when(-10),
        registration_closes_on=first_day - datetime.timedelta(days=3),
        sessions=_sessions(first_day),
        has_booths=True,
        max_meetings_per_participant=10,
        user=organiser,
    )
    result.add("fairs")
    htx1_cooperative = CooperativePage.objects.get(staff_group__user__email=HTX1.email)
    showcase = [htx1_cooperative, *rng.sample([c for c in cooperatives if c != htx1_cooperative], 19)]
    few_buyers = [b for b in buyers if b[0].email != BUYER.email][:8]
    _suppliers, buyer_participants = _register(
        fair, cooperatives=showcase, buyers=few_buyers, organiser=organiser, rng=rng
    )
    _demands(buyer_participants, rng=rng)
    services.fair_refresh_matches(fair=fair)
    return fair
