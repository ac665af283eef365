"""The e-trading floor's demo: terms of sale, buyers, and orders in every state across last month.

`build_marketplace()` gives every demo cooperative terms of sale (a bank account at a real bank
BIN, shipping in turn pickup, flat or free above an amount; the Đà Lạt union takes no cash on
delivery), creates the buyers of demo/data/marketplace.py through `demo_user`, and plays the
stories of that file: each a real purchase through the services (cart, checkout, payment, the
cooperative's moves, the buyer's), so that there is one order in every state and last month's
settlement has sales, payments and a refund to show. Card purchases, and the payout that follows
them, are played only when card payment is configured.

Services record when things happen as "now". To spread the stories over last month, each one's
timestamps are moved back afterwards with queryset updates (`backdate`): the one kind of raw
write here, since no service takes a date in the past.

It is idempotent: once the demo buyers have purchases, it adds nothing.
"""

import datetime
import random
from dataclasses import dataclass

from anyascii import anyascii
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from catalog import services as catalog_services
from catalog.models import CooperativePage, CooperativeTerms, ProductPage, Province, Ward
from catalog.places import UnknownWard, resolve_ward
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerTransaction
from marketplace.ledger.selectors import account_balance
from marketplace.models import Order, OrderEvent, Payout, Purchase, Refund
from marketplace.payments import card as card_payments
from marketplace.services import carts, checkout, payments
from marketplace.services.orders import StatusChange, order_change_status

from .accounts import demo_user
from .catalog import BuiltCooperative
from .data.accounts import ADMIN, HTX1, HTX2
from .data.marketplace import (
    ADDRESSES,
    BANKS,
    BUYERS,
    CARD_STORIES,
    CARRIERS,
    DA_LAT,
    NO_CASH_ON_DELIVERY,
    PAYOUT_DAY,
    PHU_QUOC,
    SHIPPING,
    SHOP_SHIPPING,
    SOC_SON,
    STORIES,
    Story,
)
from .result import DemoResult

A = OrderEvent.Actor
# How long after the order's previous event each kind of event is dated (see backdate).
AFTER = {
    "payment:pending": datetime.timedelta(minutes=2),
    "payment:unpaid": datetime.timedelta(minutes=1),
    "payment:paid": datetime.timedelta(hours=3),
    "status:confirmed": datetime.timedelta(hours=20),
    "status:shipped": datetime.timedelta(hours=24),
    "status:delivered": datetime.timedelta(hours=48),
    "status:completed": datetime.timedelta(hours=24),
    "status:cancelled": datetime.timedelta(hours=5),
    "refund:requested": datetime.timedelta(minutes=2),
    "payment:refunded": datetime.timedelta(hours=26),
    "payment:partly_refunded": datetime.timedelta(hours=26),
}
SOON = datetime.timedelta(minutes=5)  # cash taken at the door, a card charged at checkout
EXPIRED_AFTER = datetime.timedelta(hours=24, minutes=15)


def build_marketplace(result: DemoResult, *, cooperatives: list[BuiltCooperative], log) -> None:
    """Terms for `cooperatives`, the demo buyers, and the stories (see the module docstring)."""
    keys = {built.page.pk: (built.page.province_id, built.index) for built in cooperatives}
    build_terms(result, [built.page for built in cooperatives], keys)
    buyers = {account.email: _buyer(result, account) for account in BUYERS}
    User = get_user_model()
    buyers |= {user.email: user for user in User.objects.filter(email__in=_story_buyers())}
    if Purchase.objects.filter(buyer__in=[buyers[account.email] for account in BUYERS]).exists():
        return
    shop_pages = {keys[built.page.pk]: built.page for built in cooperatives}
    players = _Players(
        buyers=buyers,
        shops={key: _goods(shop_pages[key]) for key in (SOC_SON, PHU_QUOC, DA_LAT)},
        staff={
            shop_pages[SOC_SON].pk: User.objects.get(email=HTX1.email),
            shop_pages[PHU_QUOC].pk: User.objects.get(email=HTX2.email),
            # No demo account works in Đà Lạt: the site administrator acts for the union.
            shop_pages[DA_LAT].pk: User.objects.get(email=ADMIN.email),
        },
        admin=User.objects.get(email=ADMIN.email),
    )
    stories = list(STORIES)
    if card_payments.card_gateway() is not None:
        stories += list(CARD_STORIES)
    else:
        log("card payment is not configured: the demo has no card orders and no payout")
    pending = []
    with transaction.atomic():
        for number, story in enumerate(stories):
            if "pending" in story.moves:
                pending.append((number, story))  # the card processor is called outside transactions
                continue
            _play(result, story, number=number, players=players)
        if card_payments.card_gateway() is not None:
            _payout(result, players)
    for number, story in pending:
        _play(result, story, number=number, players=players)
    log(f"{result.created.get('orders', 0)} demo orders in {result.created.get('purchases', 0)} purchases")


def _story_buyers() -> set[str]:
    return {story.buyer for story in (*STORIES, *CARD_STORIES)}


def _buyer(result, account):
    return demo_user(
        result,
        email=account.email,
        first_name=account.first_name,
        last_name=account.last_name,
        organisation=account.organisation,
    )


# --- terms of sale ------------------------------------------------------------------------------


def build_terms(result, cooperatives, keys=None) -> None:
    """A bank account and shipping for each cooperative without terms (terms already set are kept).

    `keys` gives the catalogue's cooperatives their (province code, index) for the three shops'
    own terms (SHOP_SHIPPING, NO_CASH_ON_DELIVERY); others take the shared ones in turn."""
    has_terms = set(
        CooperativeTerms.objects.filter(cooperative__in=cooperatives).values_list("cooperative_id", flat=True)
    )
    for position, cooperative in enumerate(sorted(cooperatives, key=lambda c: c.tax_code)):
        if cooperative.pk in has_terms:
            continue
        key = (keys or {}).get(cooperative.pk)
        bank_bin, digits = BANKS[position % len(BANKS)]
        rng = random.Random(cooperative.tax_code)
        account = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        catalog_services.cooperative_terms_set(
            cooperative=cooperative,
            data=catalog_services.TermsData(
                bank_bin=bank_bin,
                bank_account=account,
                bank_account_name=anyascii(cooperative.title)[:70],
                cash_on_delivery=key not in NO_CASH_ON_DELIVERY,
                **SHOP_SHIPPING.get(key, SHIPPING[position % len(SHIPPING)]),
            ),
        )
        result.add("terms of sale")


# --- the players --------------------------------------------------------------------------------


@dataclass
class _Players:
    buyers: dict  # by email
    shops: dict[tuple[str, int], list[ProductPage]]  # the goods each shop sells, by shop key
    staff: dict  # who acts for each shop, by cooperative id
    admin: object


def _goods(cooperative: CooperativePage) -> list[ProductPage]:
    """Two products the stories buy from this shop: goods before tours, each with stock to sell."""
    products = ProductPage.objects.live().filter(cooperative=cooperative, archived_at__isnull=True)
    products = sorted(
        products.select_related("inventory", "category__parent"),
        key=lambda product: (product.category.group.slug == "tourism", product.sku),
    )[:2]
    if not products:
        raise ValueError(f"{cooperative.title} has no product on sale for the demo orders.")
    for product in products:
        inventory = getattr(product, "inventory", None)
        if inventory is not None and inventory.stock is not None and inventory.stock < 100:
            # The shop restocks before the month's orders (through the stock service).
            catalog_services.product_set_stock(
                product=product, stock=200, monthly_capacity=inventory.monthly_capacity
            )
    return products


def _address(buyer_email: str) -> checkout.ShippingAddress:
    return shipping_address(*ADDRESSES[buyer_email])


def shipping_address(name, phone, province_code, ward_hint, street) -> checkout.ShippingAddress:
    """An address in a real ward of the province (its first, when the hint names none)."""
    province = Province.objects.get(code=province_code)
    try:
        ward = resolve_ward(ward_hint, province=province)
    except UnknownWard:
        ward = Ward.objects.filter(province=province).order_by("code").first()
    return checkout.ShippingAddress(
        name=name, phone=phone, province=province.code, ward=ward.code, address=street
    )


# --- a story ------------------------------------------------------------------------------------


def _start(when: str, number: int) -> datetime.datetime:
    """When a story's purchase is placed: day N of last month in the morning, or H hours ago."""
    now = timezone.localtime()
    if when == "now":
        return now
    if when.startswith("h"):
        return now - datetime.timedelta(hours=int(when[1:]))
    last_month = (now.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    day = last_month.replace(day=int(when[1:]), hour=8, minute=15, second=0, microsecond=0)
    return day + datetime.timedelta(minutes=37 * number)


def _play(result, story: Story, *, number: int, players: _Players) -> None:
    buyer = players.buyers[story.buyer]
    cart = carts.cart_for_user(user=buyer)
    for (_key, quantity), product in zip(story.shops, _picks(story, players, number), strict=True):
        carts.cart_add(cart=cart, product=product, quantity=max(quantity, product.min_order_qty))
    purchase = checkout.checkout(
        buyer=buyer,
        cart=cart,
        data=checkout.CheckoutData(
            payment_method=story.method, shipping=_address(story.buyer), note=story.note
        ),
    )
    result.add("purchases")
    result.add("orders", purchase.orders.count())
    start = _start(story.when, number)
    for move in story.moves:
        if move == "expired":
            # Its hold ran out a day after it was placed: date it, then let the expiry job find it.
            backdate(purchase, start)
            payments.expire_unpaid_orders()
            continue
        if move == "card_paid":
            payments.purchase_card_paid(purchase=purchase, amount_vnd=purchase.total_vnd, currency="vnd")
            continue
        if move == "pending":
            try:
                payments.purchase_start_card_payment(purchase=purchase)
            except card_payments.CardGatewayError:
                pass  # the card processor is unreachable: the order stays placed, unpaid
            continue
        for order in purchase.orders.select_related("cooperative").order_by("pk"):
            _move(order, move, story=story, players=players, number=number)
    if story.when != "now":
        backdate(purchase, start)


def _picks(story: Story, players: _Players, number: int) -> list[ProductPage]:
    """One product of each shop in the story, not always the same one."""
    return [players.shops[key][number % len(players.shops[key])] for key, _quantity in story.shops]


def _move(order: Order, move: str, *, story: Story, players: _Players, number: int) -> None:
    staff = players.staff[order.cooperative_id]
    buyer = players.buyers[story.buyer]
    reference = f"FT{order.pk:08d}{number:02d}"
    if move == "paid":
        payments.order_mark_paid(order=order, actor=A.BANK, reference=reference)
    elif move == "confirmed":
        order_change_status(order=order, user=staff, change=StatusChange(to="confirmed"))
    elif move == "shipped":
        pickup = order.shipping_method == CooperativeTerms.Shipping.PICKUP
        carrier, prefix = ("", "") if pickup else CARRIERS[(order.pk + number) % len(CARRIERS)]
        tracking = f"{prefix}{order.pk * 7919 + number:09d}VN" if prefix else ""
        change = StatusChange(to="shipped", carrier=carrier, tracking_number=tracking)
        order_change_status(order=order, user=staff, change=change)
    elif move == "delivered":
        change = StatusChange(to="delivered", cash_collected=order.payment_method == "cod")
        order_change_status(order=order, user=staff, change=change)
    elif move == "completed":
        order_change_status(order=order, user=buyer, change=StatusChange(to="completed"))
    elif move == "cancelled_by_buyer":
        order_change_status(order=order, user=buyer, change=StatusChange(to="cancelled"))
    elif move == "cancelled_by_cooperative":
        reason = "Lô hàng không đạt kiểm tra chất lượng, HTX xin lỗi và hoàn tiền đầy đủ."
        order_change_status(order=order, user=staff, change=StatusChange(to="cancelled", reason=reason))
        # The cooperative sends the money back from its own account and records the transfer.
        for refund in Refund.objects.filter(order=order, status=Refund.Status.REQUESTED):
            payments.refund_record_reference(
                refund=refund, reference=f"HT{reference}", user=staff, actor=A.COOPERATIVE
            )
    else:
        raise ValueError(f"Unknown demo move {move!r}.")


def _payout(result, players: _Players) -> None:
    """The alliance pays Sóc Sơn what card buyers paid for its goods last month.

    Payouts come with the settlement work (marketplace/services/payouts.py, branch `statements`);
    without it there is nothing to record them with, and the demo has none.
    """
    try:
        from marketplace.services.payouts import payout_record
    except ImportError:
        return
    cooperative = players.shops[SOC_SON][0].cooperative
    owed = -account_balance(ledger.cooperative_payable(cooperative))
    if owed <= 0:
        return
    paid_on = _start(f"d{PAYOUT_DAY}", 0)
    payout = payout_record(
        cooperative=cooperative,
        amount_vnd=owed,
        reference=f"CK{paid_on:%Y%m%d}SOCSON",
        paid_on=paid_on.date(),
        user=players.admin,
    )
    # Dated on its day of last month, like the stories (see backdate).
    Payout.objects.filter(pk=payout.pk).update(created_at=paid_on)
    LedgerTransaction.objects.filter(idempotency_key=f"payout:{payout.pk}").update(created_at=paid_on)
    result.add("payouts")


# --- dates --------------------------------------------------------------------------------------


def backdate(purchase: Purchase, start: datetime.datetime) -> None:
    """Date the purchase at `start` and each order's events after it, spaced as people would act.

    Queryset updates: services always record "now", and none takes a date in the past.
    """
    latest = timezone.now() - datetime.timedelta(minutes=1)
    Purchase.objects.filter(pk=purchase.pk).update(created_at=start)
    for order in Order.objects.filter(purchase=purchase):
        hold = order.hold_until - order.created_at if order.hold_until else None
        at, previous, times = start, "", {}
        for event in OrderEvent.objects.filter(order=order).order_by("at", "id"):
            if event.kind != "status:placed":
                if event.kind == "status:cancelled" and order.expired:
                    step = EXPIRED_AFTER
                elif previous == "status:delivered" or (
                    event.kind == "payment:paid" and order.payment_method == "card"
                ):
                    step = SOON
                else:
                    step = AFTER.get(event.kind, datetime.timedelta(minutes=1))
                at = max(at, min(at + step, latest))
            OrderEvent.objects.filter(pk=event.pk).update(at=at)
            times.setdefault(event.kind, at)
            if event.kind == "refund:requested":
                Refund.objects.filter(pk=event.detail.get("refund")).update(created_at=at)
                LedgerTransaction.objects.filter(
                    idempotency_key=f"refund:{event.detail.get('refund')}:requested"
                ).update(created_at=at)
            previous = event.kind
        Order.objects.filter(pk=order.pk).update(
            created_at=start, updated_at=at, hold_until=start + hold if hold is not None else None
        )
        if "payment:paid" in times:
            LedgerTransaction.objects.filter(idempotency_key=f"order:{order.pk}:paid").update(
                created_at=times["payment:paid"]
            )
        refunded = times.get("payment:refunded") or times.get("payment:partly_refunded")
        if refunded:
            for refund in Refund.objects.filter(order=order):
                LedgerTransaction.objects.filter(idempotency_key=f"refund:{refund.pk}:sent").update(
                    created_at=refunded
                )
