"""The B2B demo: requests for quotation, quotes, and six months of trade the market prices learn from.

`build_rfqs()` creates the businesses of demo/data/rfqs.py that buy on quotes, and then, through
marketplace's services, as those buyers and the cooperatives' staff would:

- **six months of trade**: in each of the six months before this one, three requests in each
  market of demo/data/rfqs.py, each answered by two or three cooperatives selling in its category
  (some quotes revised, some discussed in the thread) and one quote accepted into an order, which
  is paid (by transfer, or in cash on delivery), shipped, delivered and received. Each month three
  different cooperatives win in every market, so the market prices (marketplace/selectors/market.py)
  show every market every month under their three-cooperative rule, at prices that drift as the
  market's `trend` says;
- **requests closed unanswered** (one per Ecoop province, from past months): their deadline passed,
  and the expiry job (`expire_rfqs_and_quotes`) closed them and expired their quotes;
- **orders under fair agreements**: three buyers of the finished Ecoop fair (demo/fairs.py) turn
  their contract into monthly orders at the agreed prices, the first due next week
  (fairs.services.agreement_place_orders);
- **open requests** (one per Ecoop province): public ones on the board and invited-only ones whose
  buyer invited the best matches of `rank_cooperatives`, with quotes waiting (some revised, some
  discussed), one cancelled by its buyer; buyer@ has two quotes to compare, and htx1@'s cooperative
  an invitation to answer when it sells in the market asked.

Delivery provinces go round the nine Ecoop provinces (demo/data/fairs.py). Services record
"now"; the history is dated afterwards by queryset updates (`_date_trade`, and
demo.marketplace.backdate for the orders), the one kind of raw write here, as in demo/marketplace.py.
It is idempotent: once the B2B buyers have requests, it adds nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from catalog.models import Category, CooperativePage, CooperativeTerms, Province
from catalog.selectors import listed_products
from fairs import services as fair_services
from fairs.models import Agreement
from marketplace.matching import rank_cooperatives
from marketplace.models import BuyerDemand, OrderEvent, Quote, QuoteRevision, RfqInvitation, RfqMessage
from marketplace.services import payments, quotes, rfqs
from marketplace.services.agreements import AgreedLine
from marketplace.services.orders import StatusChange, order_change_status
from marketplace.services.quotes import QuoteData, QuoteLineData
from marketplace.services.rfqs import RfqData

from .accounts import demo_user
from .data.accounts import ADMIN, HTX1
from .data.fairs import ECOOP_PROVINCES
from .data.rfqs import ANSWERS, B2B_BUYERS, DELIVERY_TERMS, MARKETS, QUESTIONS, Market
from .fairs import PAST_SLUG
from .marketplace import CARRIERS, backdate, build_terms, shipping_address
from .result import DemoResult

MONTHS = 6
TRADES_PER_MONTH = 3  # in each market: three cooperatives, the fewest the market prices show
POOL = 8  # the cooperatives quoting in a market, at most
A = OrderEvent.Actor


@dataclass
class _Seller:
    cooperative: CooperativePage
    product_name: str
    vat_rate: str
    staff: object  # who quotes for it: its staff, or the site administrator for one without
    factor: float  # where its prices sit in the market (1.0: the market's price)


@dataclass
class _Buyer:
    user: object
    kind: str
    address: object  # a ShippingAddress
    province: Province


def build_rfqs(result: DemoResult, *, log) -> None:
    """The B2B demo (see the module docstring)."""
    buyers = [
        _Buyer(
            user=demo_user(
                result,
                email=b.account.email,
                first_name=b.account.first_name,
                last_name=b.account.last_name,
                organisation=b.account.organisation,
            ),
            kind=b.kind,
            address=shipping_address(*b.address),
            province=Province.objects.get(code=b.address[2]),
        )
        for b in B2B_BUYERS
    ]
    if BuyerDemand.objects.filter(kind=BuyerDemand.Kind.RFQ, buyer__in=[b.user for b in buyers]).exists():
        return
    admin = get_user_model().objects.get(email=ADMIN.email)
    markets = [(market, sellers) for market in MARKETS if len(sellers := _sellers(market, admin)) >= 3]
    if not markets:
        log("no category has three cooperatives to quote: the demo has no requests for quotation")
        return
    build_terms(result, [seller.cooperative for _market, sellers in markets for seller in sellers])
    provinces = {p.code: p for p in Province.objects.filter(code__in=ECOOP_PROVINCES)}
    rng = random.Random("rfqs")
    ecoop = [provinces[code] for code in ECOOP_PROVINCES]
    categories = {c.slug: c for c in Category.objects.filter(slug__in=[m.category for m, _s in markets])}
    trader = _Trader(result=result, rng=rng, categories=categories, provinces=ecoop, places=_rotation(ecoop))
    for months_ago in range(MONTHS, 0, -1):
        for market, sellers in markets:
            trader.month_of_trade(market, sellers, buyers=buyers[:-1], months_ago=months_ago)
    trader.closed_unanswered(markets, buyers=buyers[:-1])
    trader.open_requests(markets, buyers=buyers)
    _orders_under_agreements(result)
    log(
        f"{result.created.get('requests for quotation', 0)} requests for quotation, "
        f"{result.created.get('quotes', 0)} quotes, {result.created.get('accepted quotes', 0)} accepted"
    )


def _sellers(market: Market, admin) -> list[_Seller]:
    """Cooperatives listing products of the market's category, at most POOL of them."""
    products = (
        listed_products()
        .filter(category__slug=market.category)
        .select_related("cooperative")
        .order_by("cooperative__tax_code", "pk")
    )
    first = {}
    for product in products:
        first.setdefault(product.cooperative_id, product)
    # Round the provinces (the Ecoop ones first), so a market's sellers come from many of them.
    ecoop, seen = set(ECOOP_PROVINCES), {}
    ranked = []
    for product in first.values():
        province = product.cooperative.province_id
        seen[province] = seen.get(province, 0) + 1
        ranked.append(((province not in ecoop, seen[province], province), product))
    chosen = [product for _key, product in sorted(ranked, key=lambda pair: pair[0])][:POOL]
    User = get_user_model()
    staff_of = dict(
        User.groups.through.objects.filter(group_id__in=[p.cooperative.staff_group_id for p in chosen])
        .order_by("group_id", "-user_id")
        .values_list("group_id", "user_id")
    )
    users = User.objects.in_bulk(staff_of.values())
    return [
        _Seller(
            cooperative=p.cooperative,
            product_name=p.title,
            vat_rate=p.vat_rate,
            staff=users.get(staff_of.get(p.cooperative.staff_group_id), admin),
            factor=random.Random(f"{p.cooperative.tax_code}:{market.category}").uniform(0.95, 1.05),
        )
        for p in chosen
    ]


def _rotation(items):
    while True:
        yield from items


@dataclass
class _Trader:
    result: DemoResult
    rng: random.Random
    categories: dict
    provinces: list[Province]  # the nine Ecoop provinces
    places: object  # an endless rotation of them

    # --- prices and the two sides' words --------------------------------------------------------

    def price(self, market: Market, seller: _Seller, months_ago: int) -> int:
        moved = market.price_vnd * (1 + market.trend) ** (MONTHS - months_ago)
        price = moved * seller.factor * self.rng.uniform(0.985, 1.015)
        return max(market.step, round(price / market.step) * market.step)

    def post(
        self, market: Market, buyer: _Buyer, *, visibility="public", days=14, province=None
    ) -> BuyerDemand:
        rfq = rfqs.rfq_create(
            buyer=buyer.user,
            data=RfqData(
                title=market.title,
                quantity=self.rng.choice(market.quantities),
                unit=market.unit,
                category=self.categories[market.category],
                details=market.details,
                per_month=self.rng.random() < 0.4,
                target_price_vnd=round(market.price_vnd * 0.95 / market.step) * market.step,
                required_certifications=self.rng.choice([(), (), ("vietgap",)])
                if market.category != "food-condiments"
                else (),
                delivery_province=province or next(self.places),
                deadline=timezone.localdate() + datetime.timedelta(days=days),
                visibility=visibility,
                company_kind=buyer.kind,
            ),
        )
        self.result.add("requests for quotation")
        return rfq

    def quote(self, rfq: BuyerDemand, market: Market, seller: _Seller, price: int, *, terms=None) -> Quote:
        terms = terms or self.rng.choice(["transfer", "transfer", "transfer", "deposit", "cod"])
        quote = quotes.quote_submit(
            user=seller.staff,
            rfq=rfq,
            cooperative=seller.cooperative,
            data=QuoteData(
                lines=[
                    QuoteLineData(
                        quantity=rfq.quantity,
                        unit_price_vnd=price,
                        description=market.line.format(product=seller.product_name)[:255],
                        unit=market.unit,
                        vat_rate=seller.vat_rate,
                    )
                ],
                valid_until=timezone.localdate() + datetime.timedelta(days=30),
                lead_time_days=self.rng.choice([3, 5, 7, 10, 14]),
                payment_terms=terms,
                deposit_percent=30 if terms == "deposit" else None,
                delivery_terms=self.rng.choice(DELIVERY_TERMS),
            ),
        )
        self.result.add("quotes" if quote.revision == 1 else "quote revisions")
        return quote

    def talk(self, rfq: BuyerDemand, seller: _Seller, turn: int) -> None:
        question, answer = QUESTIONS[turn % len(QUESTIONS)], ANSWERS[turn % len(ANSWERS)]
        quotes.rfq_message_post(user=rfq.buyer, rfq=rfq, cooperative=seller.cooperative, body=question)
        quotes.rfq_message_post(user=seller.staff, rfq=rfq, cooperative=seller.cooperative, body=answer)
        self.result.add("messages", 2)

    def answers(self, rfq, market, sellers, months_ago) -> list[tuple[_Seller, Quote, int]]:
        """Quotes from `sellers` at their prices; some revised down after a word in the thread."""
        answered = []
        for turn, seller in enumerate(sellers):
            price = self.price(market, seller, months_ago)
            quote = self.quote(rfq, market, seller, price)
            if self.rng.random() < 0.3:
                self.talk(rfq, seller, turn)
                if self.rng.random() < 0.6:
                    price = max(market.step, round(price * 0.97 / market.step) * market.step)
                    quote = self.quote(rfq, market, seller, price, terms=quote.revisions.get().payment_terms)
            answered.append((seller, quote, price))
        return answered

    # --- the past six months ----------------------------------------------------------------------

    def month_of_trade(self, market, sellers, *, buyers, months_ago: int) -> None:
        """Three requests, each won by another cooperative (the month's first three in turn)."""
        start = (months_ago * TRADES_PER_MONTH) % len(sellers)
        winners = [sellers[(start + i) % len(sellers)] for i in range(TRADES_PER_MONTH)]
        for number, winner in enumerate(winners):
            others = [s for s in sellers if s not in winners]
            rivals = self.rng.sample(others, min(len(others), self.rng.choice([1, 1, 2])))
            buyer = buyers[(months_ago + number) % len(buyers)]
            rfq = self.post(market, buyer)
            answered = self.answers(rfq, market, [winner, *rivals], months_ago)
            _seller, chosen, _price = answered[0]
            order = quotes.quote_accept(user=buyer.user, quote=chosen, shipping=buyer.address)
            self.result.add("accepted quotes")
            self.result.add("orders")
            self._fulfil(order, staff=winner.staff, buyer=buyer.user, number=number)
            _date_trade(rfq, order, when=_moment(months_ago, number, self.rng))

    def _fulfil(self, order, *, staff, buyer, number: int) -> None:
        """Paid, confirmed, shipped, delivered and received, as the two sides would."""
        if order.payment_method != "cod":
            payments.order_mark_paid(order=order, actor=A.BANK, reference=f"FT{order.pk:08d}B2B")
        carrier, prefix = CARRIERS[(order.pk + number) % len(CARRIERS)]
        for change in (
            StatusChange(to="confirmed"),
            StatusChange(to="shipped", carrier=carrier, tracking_number=f"{prefix}{order.pk * 7919:09d}VN"),
            StatusChange(to="delivered", cash_collected=order.payment_method == "cod"),
        ):
            order_change_status(order=order, user=staff, change=change)
        order_change_status(order=order, user=buyer, change=StatusChange(to="completed"))

    def closed_unanswered(self, markets, *, buyers) -> None:
        """One request per Ecoop province from past months: quoted, never accepted, closed by expiry."""
        closed = []
        for n in range(len(ECOOP_PROVINCES)):
            market, sellers = markets[n % len(markets)]
            buyer = buyers[n % len(buyers)]
            rfq = self.post(market, buyer, province=self.provinces[n])
            months_ago = 2 + n % (MONTHS - 2)  # its deadline and its quotes' validity both passed
            self.answers(rfq, market, self.rng.sample(sellers, 2), months_ago)
            closed.append((rfq, _moment(months_ago, n % TRADES_PER_MONTH, self.rng)))
        for rfq, when in closed:
            _date_request(rfq, when)
        quotes.expire_rfqs_and_quotes()
        for rfq, when in closed:
            # Closed by the expiry job the night after its deadline.
            BuyerDemand.objects.filter(pk=rfq.pk).update(
                closed_at=when + datetime.timedelta(days=15), updated_at=when + datetime.timedelta(days=15)
            )
            Quote.objects.filter(rfq=rfq).update(updated_at=when + datetime.timedelta(days=31))

    # --- open now ----------------------------------------------------------------------------------

    def open_requests(self, markets, *, buyers) -> None:
        """One open request per Ecoop province and one cancelled; buyer@ (last of `buyers`) has quotes
        to compare."""
        readme_buyer, others = buyers[-1], buyers[:-1]
        htx1 = CooperativePage.objects.filter(staff_group__user__email=HTX1.email).first()
        for n in range(len(ECOOP_PROVINCES) + 1):  # and one more, which its buyer cancels
            market, sellers = markets[n % len(markets)]
            buyer = readme_buyer if n == 0 else others[n % len(others)]
            invited_only = n % 2 == 1
            rfq = self.post(
                market,
                buyer,
                visibility="invited" if invited_only else "public",
                days=self.rng.randint(5, 25),
                province=self.provinces[n % len(self.provinces)],
            )
            answering = self.rng.sample(sellers, 3 if n == 0 else self.rng.choice([0, 1, 2]))
            if invited_only:
                self.invite(rfq, buyer, sellers, htx1=htx1)
                invited = set(rfq.invitations.values_list("cooperative_id", flat=True))
                answering = [s for s in answering if s.cooperative.pk in invited]
            self.answers(rfq, market, answering, months_ago=0)
            if n == len(ECOOP_PROVINCES):
                rfqs.rfq_cancel(user=buyer.user, rfq=rfq)
            posted = timezone.now() - datetime.timedelta(days=self.rng.randint(2, 5))
            _date_request(rfq, posted, keep_deadline=True)

    def invite(self, rfq, buyer, sellers, *, htx1) -> None:
        """The buyer invites its best matches (and htx1@'s cooperative, when it sells in the market)."""
        rfq = BuyerDemand.objects.select_related("category__parent", "delivery_province").get(pk=rfq.pk)
        with_terms = set(
            CooperativeTerms.objects.exclude(Q(bank_account="") | Q(bank_bin="")).values_list(
                "cooperative_id", flat=True
            )
        )
        chosen = [m.cooperative for m in rank_cooperatives(rfq, limit=6) if m.cooperative.pk in with_terms][
            :3
        ]
        chosen += [s.cooperative for s in sellers[:2]]
        if htx1 is not None and any(s.cooperative.pk == htx1.pk for s in sellers):
            chosen.append(htx1)
        made = rfqs.rfq_invite(user=buyer.user, rfq=rfq, cooperatives=chosen)
        self.result.add("invitations to quote", sum(1 for invited in made if invited.new))


# --- orders under the fair's agreements -------------------------------------------------------------

AGREEMENT_ORDERS = 3  # agreements of the finished fair whose buyer schedules orders


def _orders_under_agreements(result: DemoResult) -> None:
    """A few buyers of the finished Ecoop fair order monthly under their agreement, at a price a
    little under the listed one, within the agreement's value; the first delivery is paid."""
    agreements = (
        Agreement.objects.filter(fair__slug=PAST_SLUG, products__isnull=False)
        .select_related("buyer__user", "supplier__cooperative")
        .prefetch_related("products")
        .order_by("pk")
        .distinct()
    )
    placed = 0
    for agreement in agreements:
        product = next((p for p in agreement.products.all() if p.live), None)
        if placed == AGREEMENT_ORDERS or product is None:
            continue
        build_terms(result, [agreement.supplier.cooperative])
        price = max(1_000, round(product.price_vnd * 85 // 100, -3))
        quantity = max(1, min(500, agreement.value_vnd // (12 * price)))
        orders = fair_services.agreement_place_orders(
            agreement=agreement,
            user=agreement.buyer.user,
            data=fair_services.AgreementOrdersData(
                lines=[AgreedLine(product=product, quantity=quantity, unit_price_vnd=price)],
                schedule=fair_services.MONTHLY,
                months=3,
                first_delivery=timezone.localdate() + datetime.timedelta(days=7),
                payment_method="vietqr",
                shipping=shipping_address(
                    agreement.buyer.name[:120],
                    "0912 000 111",
                    agreement.buyer.province_id or "01",
                    "",
                    "Kho hàng",
                ),
            ),
        )
        payments.order_mark_paid(order=orders[0], actor=A.BANK, reference=f"FT{orders[0].pk:08d}HD")
        placed += 1
        result.add("orders", len(orders))
        result.add("orders under fair agreements", len(orders))


# --- dates ----------------------------------------------------------------------------------------


def _moment(months_ago: int, number: int, rng: random.Random) -> datetime.datetime:
    """A working morning of the month `months_ago` before this one: the 4th, 12th or 20th, near."""
    now = timezone.localtime()
    index = now.year * 12 + now.month - 1 - months_ago
    day = 4 + 8 * number + rng.randint(0, 3)
    return now.replace(
        year=index // 12,
        month=index % 12 + 1,
        day=day,
        hour=9,
        minute=rng.randint(0, 59),
        second=0,
        microsecond=0,
    )


def _date_request(rfq: BuyerDemand, posted: datetime.datetime, *, keep_deadline: bool = False) -> None:
    """Date a request and what was said on it from `posted` (quotes a day or two later)."""
    fields = {"created_at": posted, "updated_at": posted}
    if not keep_deadline:
        fields["deadline"] = (posted + datetime.timedelta(days=14)).date()
    BuyerDemand.objects.filter(pk=rfq.pk).update(**fields)
    quoted = posted + datetime.timedelta(days=1)
    for quote in Quote.objects.filter(rfq=rfq).order_by("pk"):
        quoted += datetime.timedelta(hours=5)
        Quote.objects.filter(pk=quote.pk).update(
            created_at=quoted, updated_at=quoted, valid_until=(quoted + datetime.timedelta(days=30)).date()
        )
        revised = quoted
        for revision in QuoteRevision.objects.filter(quote=quote).order_by("number"):
            QuoteRevision.objects.filter(pk=revision.pk).update(
                created_at=revised, valid_until=(revised + datetime.timedelta(days=30)).date()
            )
            revised += datetime.timedelta(hours=20)
    said = posted + datetime.timedelta(days=1, hours=8)
    for message in RfqMessage.objects.filter(rfq=rfq).order_by("pk"):
        said += datetime.timedelta(hours=2)
        RfqMessage.objects.filter(pk=message.pk).update(created_at=said)
    RfqInvitation.objects.filter(rfq=rfq).update(created_at=posted + datetime.timedelta(minutes=20))


def _date_trade(rfq: BuyerDemand, order, *, when: datetime.datetime) -> None:
    """A request posted a week before `when`, its quote accepted then, and the order after it."""
    posted = when - datetime.timedelta(days=7)
    _date_request(rfq, posted)
    BuyerDemand.objects.filter(pk=rfq.pk).update(
        deadline=(when + datetime.timedelta(days=3)).date(), closed_at=when, updated_at=when
    )
    Quote.objects.filter(rfq=rfq).update(updated_at=when)
    Quote.objects.filter(rfq=rfq, status=Quote.Status.ACCEPTED).update(accepted_at=when)
    backdate(order.purchase, when)
