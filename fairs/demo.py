"""The fairs demo: the nine-province "Ecoop" link of northern alliances (DOMAIN.md).

`load_demo_data` (catalog.demo.build_demo) calls this after the catalogue:

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
Running it again adds nothing (fairs are found by slug).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import email_mark_verified
from catalog.demo import (
    ADMIN,
    BUYER,
    DEMO_PASSWORD,
    HTX1,
    LIENMINH,
    TEMPLATES,
    CooperativeSpec,
    DemoResult,
    build_more_cooperatives,
)
from catalog.models import Alliance, Category, CooperativePage, ProductPage, Province

from . import services
from .models import Agreement, FairPage, Meeting, Participant

# Hà Nội, Hải Phòng, Quảng Ninh, Bắc Ninh, Hưng Yên, Ninh Bình, Phú Thọ, Thái Nguyên, Lạng Sơn.
ECOOP_PROVINCES = ("01", "31", "22", "24", "33", "37", "25", "19", "20")
FIRST_INDEX = 10  # after the catalogue's cooperatives 0 and 1 of each province
PAST_SLUG = "ket-noi-cung-cau-ecoop-2026"
OPEN_SLUG = "hoi-cho-ecoop-xuan-2027"

C = CooperativeSpec
# fmt: off
ECOOP_COOPERATIVES: dict[str, tuple[CooperativeSpec, ...]] = {
    "01": (C("HTX Gạo nếp Phú Xuyên", "Trồng lúa nếp", ("gao-nep-cai-hoa-vang", "com-lang-vong"), "Phú Xuyên"),
           C("HTX Gốm sứ Bát Tràng Xanh", "Sản xuất gốm sứ", ("gom-bat-trang",), "Bát Tràng"),
           C("HTX Rau sạch Đông Anh", "Trồng rau an toàn", ("rau-huu-co",), "Đông Anh"),
           C("HTX Lụa Vạn Phúc", "Dệt lụa tơ tằm", ("lua-van-phuc", "tour-lang-nghe"), "Hà Đông"),
           C("HTX Mật ong Ba Vì", "Nuôi ong lấy mật", ("mat-ong-rung", "tra-duoc-lieu"), "Ba Vì")),
    "31": (C("HTX Nước mắm Đồ Sơn", "Chế biến nước mắm", ("nuoc-mam-truyen-thong", "ca-kho"), "Đồ Sơn"),
           C("HTX Gạo Tiên Lãng", "Trồng lúa chất lượng cao", ("gao-tam-xoan", "gao-nep-cai-hoa-vang"), "Tiên Lãng"),
           C("HTX Bánh gai Ninh Giang", "Làm bánh truyền thống", ("banh-gai", "keo-cu-do"), "Ninh Giang"),
           C("HTX Thủy sản Cát Bà", "Nuôi trồng và chế biến thủy sản", ("tom-kho", "cha-muc"), "Cát Bà"),
           C("HTX Rau củ Kiến Thụy", "Trồng rau củ", ("rau-huu-co", "toi-ly-son"), "Kiến Thụy")),
    "22": (C("HTX Miến dong Bình Liêu", "Chế biến miến dong", ("mien-dong",), "Bình Liêu"),
           C("HTX Chè hoa vàng Ba Chẽ", "Trồng và chế biến chè hoa vàng", ("tra-hoa-vang", "tra-duoc-lieu"), "Ba Chẽ"),
           C("HTX Hải sản Vân Đồn", "Khai thác hải sản", ("sa-sung-kho", "tom-kho"), "Vân Đồn"),
           C("HTX Nước mắm Cái Rồng", "Chế biến nước mắm", ("nuoc-mam-truyen-thong",), "Cái Rồng"),
           C("HTX Dầu tràm Tiên Yên", "Chưng cất tinh dầu", ("dau-tram", "tinh-dau-sa"), "Tiên Yên")),
    "24": (C("HTX Vải sấy Tân Yên", "Sơ chế và sấy vải", ("vai-thieu-say",), "Tân Yên"),
           C("HTX Gạo thơm Yên Dũng", "Trồng lúa", ("gao-st25", "gao-tam-xoan"), "Yên Dũng"),
           C("HTX Mây tre Phù Lãng", "Đan mây tre", ("may-tre-dan",), "Phù Lãng"),
           C("HTX Mật ong Lục Nam", "Nuôi ong", ("mat-ong-rung",), "Lục Nam"),
           C("HTX Rượu làng Vân", "Nấu rượu truyền thống", ("ruou-sim",), "Vân Hà")),
    "33": (C("HTX Nhãn lồng Tiên Lữ", "Trồng nhãn", ("nhan-long", "mat-ong-hoa-nhan"), "Tiên Lữ"),
           C("HTX Gạo Khoái Châu", "Trồng lúa", ("gao-st25", "gao-nep-cai-hoa-vang"), "Khoái Châu"),
           C("HTX Tinh bột nghệ Khoái Châu", "Chế biến nghệ", ("tinh-bot-nghe",), "Khoái Châu"),
           C("HTX Nước mắm Thái Thụy", "Chế biến thủy sản", ("nuoc-mam-truyen-thong",), "Thái Thụy"),
           C("HTX Chiếu cói Quỳnh Phụ", "Dệt chiếu cói", ("chieu-coi",), "Quỳnh Phụ")),
    "37": (C("HTX Gạo hữu cơ Nho Quan", "Trồng lúa hữu cơ", ("gao-st25", "gao-tam-xoan"), "Nho Quan"),
           C("HTX Dê núi Hoa Lư", "Chăn nuôi và du lịch", ("tour-nong-nghiep", "homestay"), "Hoa Lư"),
           C("HTX Cói Nga Sơn", "Thủ công từ cói", ("chieu-coi", "may-tre-dan"), "Kim Sơn"),
           C("HTX Nước mắm Giao Thủy", "Chế biến nước mắm", ("nuoc-mam-truyen-thong",), "Giao Thủy"),
           C("HTX Mật ong Cúc Phương", "Nuôi ong rừng", ("mat-ong-rung",), "Cúc Phương")),
    "25": (C("HTX Chè Thanh Ba", "Trồng chè", ("che-tan-cuong", "tra-duoc-lieu"), "Thanh Ba"),
           C("HTX Bưởi Phú Hộ", "Trồng bưởi", ("buoi-doan-hung",), "Phú Hộ"),
           C("HTX Gạo Tam Nông", "Trồng lúa", ("gao-tam-xoan",), "Tam Nông"),
           C("HTX Mây tre Hạ Hòa", "Đan mây tre", ("may-tre-dan",), "Hạ Hòa"),
           C("HTX Mật ong Tân Sơn", "Nuôi ong", ("mat-ong-rung",), "Tân Sơn")),
    "19": (C("HTX Chè La Bằng", "Trồng và chế biến chè", ("che-tan-cuong", "tour-hai-che"), "La Bằng"),
           C("HTX Chè Trại Cài", "Chế biến chè", ("che-tan-cuong",), "Đồng Hỷ"),
           C("HTX Gạo Bao thai Định Hóa", "Trồng lúa", ("gao-tam-xoan",), "Định Hóa"),
           C("HTX Miến dong Ba Bể", "Chế biến miến", ("mien-dong",), "Ba Bể"),
           C("HTX Hạt dẻ Trùng Khánh", "Trồng hạt dẻ", ("hat-de",), "Bạch Thông")),
    "20": (C("HTX Na Chi Lăng", "Trồng na", ("na-chi-lang",), "Chi Lăng"),
           C("HTX Hồi Bình Gia", "Trồng và sơ chế hồi", ("hoa-hoi", "tinh-dau-que"), "Bình Gia"),
           C("HTX Thạch đen Tràng Định", "Chế biến nông sản", ("tra-duoc-lieu",), "Tràng Định"),
           C("HTX Rượu Mẫu Sơn", "Nấu rượu men lá", ("ruou-ngo-bac-ha",), "Mẫu Sơn"),
           C("HTX Đào Mẫu Sơn", "Du lịch nông nghiệp", ("tour-nong-nghiep", "homestay"), "Lộc Bình")),
}
# fmt: on

BUYER_NAMES = {
    "supermarket": ("Chuỗi siêu thị Sao Việt", "Siêu thị Nông sản Xanh", "Chuỗi cửa hàng Bếp Việt"),
    "retailer": (
        "Cửa hàng Đặc sản Ba Miền",
        "Cửa hàng OCOP Phố Cổ",
        "Tạp hoá sạch An Khang",
        "Gian hàng Quà quê",
    ),
    "wholesaler": (
        "Công ty Phân phối Nông sản Bắc Bộ",
        "Tổng kho Thực phẩm Long Biên",
        "Công ty TNHH Thương mại Hồng Hà",
    ),
    "processor": ("Công ty CP Chế biến Thực phẩm Hưng Thịnh", "Xưởng bánh kẹo Hương Xưa"),
    "exporter": ("Công ty Xuất khẩu Nông sản Việt Xanh", "Công ty CP Xuất nhập khẩu Đông Dương"),
    "importer": ("Tokyo Asian Foods Co.", "Seoul Green Market", "Berlin Asia Import GmbH"),
    "horeca": ("Nhà hàng Sen Quê", "Khách sạn Hồ Gươm", "Chuỗi quán Cơm Nhà"),
    "household": ("Hộ kinh doanh Minh Anh", "Hộ kinh doanh Thu Hà"),
}
ABROAD = {"Tokyo Asian Foods Co.": "JP", "Seoul Green Market": "KR", "Berlin Asia Import GmbH": "DE"}


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
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    accounts = []
    n = 0
    for kind, names in BUYER_NAMES.items():
        for name in names:
            n += 1
            email = f"buyer{n:02d}@ecoop.demo.coop.vn"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, organisation=name, first_name="Đại diện", last_name=name
                )
                user.password = password
                user.save(update_fields=["password"])
                email_mark_verified(user=user)
                result.add("accounts")
            accounts.append((user, kind, name))
    # About forty buyers: the list above once more, with branches in other provinces.
    for user, kind, name in list(accounts)[: 40 - len(accounts)]:
        email = user.email.replace("@", ".chinhanh@")
        branch = User.objects.filter(email=email).first()
        if branch is None:
            branch = User.objects.create_user(email=email, organisation=f"{name} – chi nhánh")
            branch.password = password
            branch.save(update_fields=["password"])
            email_mark_verified(user=branch)
            result.add("accounts")
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
    from . import matching

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
    rng = random.Random(PAST_SLUG)  # noqa: S311 - reproducible demo data
    first_day = _when(1)
    fair = services.fair_create(
        title="Hội nghị kết nối cung cầu Ecoop 2026",
        name_en="Ecoop supply–demand connection conference 2026",
        slug=PAST_SLUG,
        kind=FairPage.Kind.CONNECTION,
        starts_on=first_day,
        ends_on=first_day,
        venue="Trung tâm Hội nghị tỉnh Bắc Ninh",
        lead_organiser=lead,
        co_organisers=co,
        provinces=provinces,
        registration_opens_on=_when(-30),
        registration_closes_on=_when(0),
        sessions=_sessions(first_day),
        max_meetings_per_participant=12,
        intro="<p>Liên kết chín liên minh hợp tác xã phía Bắc dưới thương hiệu <b>Ecoop</b>: "
        "giới thiệu sản phẩm của nhau và cùng tiêu thụ.</p>",
        intro_en="<p>Nine northern cooperative alliances linked under the <b>Ecoop</b> brand.</p>",
        programme="<p>8:00 Khai mạc · 8:30–11:10 Gặp gỡ B2B · 13:30–16:10 Gặp gỡ B2B · 16:30 Ký kết</p>",
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
    rng = random.Random(OPEN_SLUG)  # noqa: S311 - reproducible demo data
    first_day = _when(24)
    fair = services.fair_create(
        title="Hội chợ Ecoop Xuân 2027",
        name_en="Ecoop Spring Fair 2027",
        slug=OPEN_SLUG,
        kind=FairPage.Kind.TRADE_FAIR,
        starts_on=first_day,
        ends_on=first_day + datetime.timedelta(days=2),
        venue="Cung Văn hoá Hữu nghị Việt Xô, 91 Trần Hưng Đạo, Hà Nội",
        lead_organiser=lead,
        co_organisers=co,
        provinces=provinces,
        registration_opens_on=_when(-10),
        registration_closes_on=first_day - datetime.timedelta(days=3),
        sessions=_sessions(first_day),
        has_booths=True,
        max_meetings_per_participant=10,
        intro="<p>Hội chợ sản phẩm OCOP và đặc sản của hợp tác xã chín tỉnh, thành phía Bắc, "
        "kèm các phiên gặp gỡ B2B giữa người mua và hợp tác xã.</p>",
        intro_en="<p>OCOP products and specialities of cooperatives from nine northern provinces, "
        "with B2B meeting sessions between buyers and cooperatives.</p>",
        programme="<p>Ngày 1: Khai mạc, gặp gỡ B2B · Ngày 2–3: Trưng bày và bán hàng</p>",
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
