"""A fair agreement turned into marketplace orders by its buyer: once, or one order a month, each at
the agreed prices with its own payment code; refused to anyone else and for bad input."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from fairs import services
from fairs.models import Agreement, AgreementOrder
from marketplace.models import Order, OrderEvent, OrderLine, Purchase
from marketplace.services.agreements import MAX_DELIVERIES, AgreedLine, monthly
from marketplace.services.orders import StatusChange, order_change_status
from tests import factories
from tests.factories import fairs as fair_factories
from tests.factories import marketplace as mf
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(fair, organiser):
    """A contract between a buyer and a cooperative (with a bank account, cash on delivery taken)
    naming one of its two products, worth 100 million đồng."""
    supplier = fair_factories.cooperative_participant(fair, approve_by=organiser)
    cooperative = supplier.cooperative
    mf.terms(cooperative, cash_on_delivery=True)
    rice = factories.product(cooperative=cooperative, name="Gạo ST25", unit="kg", price_vnd=30_000)
    honey = factories.product(cooperative=cooperative, name="Mật ong rừng", unit="chai", price_vnd=250_000)
    buyer = fair_factories.buyer_participant(fair, approve_by=organiser)
    agreement = services.agreement_record(
        fair=fair,
        user=organiser,
        data=services.AgreementData(
            kind=Agreement.Kind.CONTRACT,
            buyer=buyer,
            supplier=supplier,
            volume="2 tấn/tháng trong 6 tháng",
            value_vnd=100_000_000,
            signed_on=timezone.localdate(),
            products=[rice],
        ),
    )
    agreement.rice, agreement.honey = rice, honey
    agreement.staff = cooperative.staff_group.user_set.get()
    return agreement


def order_data(agreement, **fields):
    values = {
        "lines": [AgreedLine(product=agreement.rice, quantity=500, unit_price_vnd=24_000)],
        "first_delivery": timezone.localdate() + datetime.timedelta(days=10),
        "payment_method": "vietqr",
        "shipping": mf.address(),
    }
    return services.AgreementOrdersData(**(values | fields))


def place(agreement, user=None, **fields):
    return services.agreement_place_orders(
        agreement=agreement, user=user or agreement.buyer.user, data=order_data(agreement, **fields)
    )


# --- the service ---------------------------------------------------------------------------------


def test_a_monthly_schedule_places_one_order_a_month_each_with_its_own_payment_code(deal):
    first = datetime.date(timezone.localdate().year + 1, 1, 31)

    orders = place(deal, schedule=services.MONTHLY, months=3, first_delivery=first)

    assert len(orders) == 3
    assert len({order.purchase.payment_code for order in orders}) == 3
    assert {order.cooperative_id for order in orders} == {deal.supplier.cooperative_id}
    for order in orders:
        order.refresh_from_db()
        assert order.payment_method == "vietqr"
        assert (order.status, order.payment_status) == ("placed", "unpaid")
        assert order.total_vnd == order.subtotal_vnd == 500 * 24_000
        assert order.shipping_vnd == 0
        assert order.hold_until is None
        assert not order.holds_stock
        assert order.bank_account == mf.BANK["bank_account"]
        assert order.purchase.buyer == deal.buyer.user
        line = order.lines.get()
        assert (line.product, line.quantity, line.unit_price_vnd, line.unit) == (deal.rice, 500, 24_000, "kg")
    links = list(AgreementOrder.objects.filter(agreement=deal).order_by("deliver_on"))
    # The last day of January, then the last days of February and March.
    year = first.year
    feb_end = 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28
    assert [link.deliver_on for link in links] == [
        first,
        datetime.date(year, 2, feb_end),
        datetime.date(year, 3, 31),
    ]
    assert [link.delivery for link in links] == [1, 2, 3]
    assert [link.order for link in links] == orders
    placed = OrderEvent.objects.get(order=orders[1], kind="status:placed")
    assert placed.detail == {
        "fair_agreement": deal.pk,
        "delivery": 2,
        "deliveries": 3,
        "deliver_on": links[1].deliver_on.isoformat(),
    }
    assert deal.fair.title in orders[1].purchase.note


def test_the_buyer_and_the_cooperative_are_told_once_after_commit(deal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        orders = place(deal, schedule=services.MONTHLY, months=2)

    to_buyer = [m for m in mail.outbox if m.to == [deal.buyer.user.email]]
    to_staff = [m for m in mail.outbox if m.to == [deal.staff.email]]
    assert len(to_buyer) == len(to_staff) == 1
    for order in orders:
        assert order.number in to_buyer[0].body
        assert order.number in to_staff[0].body


def test_cash_on_delivery_is_taken_only_where_the_cooperative_takes_cash(deal):
    orders = place(deal, payment_method="cod")
    assert orders[0].payment_method == "cod"
    assert orders[0].bank_account == ""

    mf.terms(deal.supplier.cooperative, cash_on_delivery=False)
    with pytest.raises(ValidationError) as refused:
        place(deal, payment_method="cod", first_delivery=timezone.localdate() + datetime.timedelta(days=40))
    assert "payment_method" in refused.value.error_dict


def test_a_transfer_needs_the_cooperatives_bank_account(deal):
    mf.terms(deal.supplier.cooperative, bank=False)

    with pytest.raises(ValidationError) as refused:
        place(deal)

    assert "payment_method" in refused.value.error_dict
    assert not Order.objects.exists()


def test_the_same_schedule_twice_places_it_once_and_a_later_one_extends_it(deal):
    place(deal, schedule=services.MONTHLY, months=2)

    with pytest.raises(ValidationError) as twice:
        place(deal, schedule=services.MONTHLY, months=2)
    assert twice.value.error_dict["first_delivery"][0].code == "conflict"
    assert Order.objects.count() == 2

    later = timezone.localdate() + datetime.timedelta(days=100)
    place(deal, first_delivery=later)
    assert list(AgreementOrder.objects.filter(agreement=deal).values_list("delivery", flat=True)) == [1, 2, 3]


def test_a_cancelled_delivery_can_be_ordered_again(deal):
    (order,) = place(deal)
    order_change_status(order=order, user=deal.buyer.user, change=StatusChange(to="cancelled"))

    assert len(place(deal)) == 1


def test_the_orders_stay_within_the_agreements_value(deal):
    # 500 kg at 24,000 đ is 12 million a delivery: eight months is 96 million, nine would be 108.
    with pytest.raises(ValidationError) as refused:
        place(deal, schedule=services.MONTHLY, months=9)
    assert refused.value.error_dict["lines"][0].code == "value"

    place(deal, schedule=services.MONTHLY, months=8)
    with pytest.raises(ValidationError):
        place(deal, first_delivery=timezone.localdate() + datetime.timedelta(days=365))
    assert Order.objects.count() == 8


def test_only_the_products_the_agreement_names_or_else_the_cooperatives_own(deal, fair, organiser):
    with pytest.raises(ValidationError):
        place(deal, lines=[AgreedLine(product=deal.honey, quantity=1, unit_price_vnd=200_000)])

    deal.products.clear()
    assert place(deal, lines=[AgreedLine(product=deal.honey, quantity=1, unit_price_vnd=200_000)])

    elsewhere = factories.product(name="Nước mắm")
    with pytest.raises(ValidationError) as refused:
        place(
            deal,
            lines=[AgreedLine(product=elsewhere, quantity=1, unit_price_vnd=1)],
            first_delivery=timezone.localdate() + datetime.timedelta(days=50),
        )
    assert "lines" in refused.value.error_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [AgreedLine(product=None, quantity=1, unit_price_vnd=1)]}, "lines"),
        ({"schedule": "weekly"}, "schedule"),
        ({"schedule": "monthly", "months": 1}, "months"),
        ({"schedule": "monthly", "months": MAX_DELIVERIES + 1}, "months"),
        ({"schedule": "monthly", "months": True}, "months"),
        ({"schedule": "monthly", "months": "3"}, "months"),
        ({"first_delivery": datetime.date(2000, 1, 1)}, "first_delivery"),
        ({"first_delivery": "2030-01-01"}, "first_delivery"),
        ({"first_delivery": datetime.date(9999, 12, 31)}, "deliveries"),
        ({"payment_method": "card"}, "payment_method"),
        ({"payment_method": "\x00"}, "payment_method"),
        ({"note": "x" * 501}, "note"),
        ({"note": "nul \x00 byte"}, "note"),
        ({"shipping": {"province": "99"}}, "province"),
        ({"shipping": {"phone": "12"}}, "phone"),
    ],
)
def test_bad_terms_are_refused_and_change_nothing(deal, fields, field):
    if "shipping" in fields:
        fields = {"shipping": mf.address(**fields["shipping"])}
    with pytest.raises(ValidationError) as refused:
        place(deal, **fields)

    assert field in refused.value.error_dict
    assert not Purchase.objects.exists()
    assert not AgreementOrder.objects.exists()


@pytest.mark.parametrize(
    "line",
    [
        {"quantity": 0, "unit_price_vnd": 1},
        {"quantity": -5, "unit_price_vnd": 1},
        {"quantity": 10**12, "unit_price_vnd": 1},
        {"quantity": 1, "unit_price_vnd": 0},
        {"quantity": 1, "unit_price_vnd": 10**16},
        {"quantity": True, "unit_price_vnd": 1},
        {"quantity": 1.5, "unit_price_vnd": 1},
    ],
)
def test_hostile_lines_are_refused(deal, line):
    deal.value_vnd = 10**18
    Agreement.objects.filter(pk=deal.pk).update(value_vnd=10**18)

    with pytest.raises(ValidationError):
        place(deal, lines=[AgreedLine(product=deal.rice, **line)])

    assert not OrderLine.objects.exists()


def test_a_product_twice_is_refused(deal):
    line = AgreedLine(product=deal.rice, quantity=1, unit_price_vnd=1)
    with pytest.raises(ValidationError):
        place(deal, lines=[line, line])


def test_nobody_but_the_buyer_places_orders_under_the_agreement(deal, fair, organiser):
    other_buyer = fair_factories.buyer_participant(fair, approve_by=organiser).user
    for user in (deal.staff, organiser, other_buyer, factories.superuser()):
        with pytest.raises(PermissionDenied):
            place(deal, user=user)
    assert not Order.objects.exists()


def test_an_unverified_buyer_is_refused(deal):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=deal.buyer.user).update(verified=False)

    with pytest.raises(PermissionDenied):
        place(deal)


def test_monthly_dates_keep_the_day_or_take_the_months_last():
    assert monthly(datetime.date(2027, 1, 31), months=4) == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
        datetime.date(2027, 4, 30),
    ]
    assert monthly(datetime.date(2027, 11, 15), months=3)[-1] == datetime.date(2028, 1, 15)


# --- the page ------------------------------------------------------------------------------------


def page_url(agreement) -> str:
    return reverse("fairs:agreement_orders", args=[agreement.fair_id, agreement.pk])


def form_post(agreement, **fields):
    address = mf.address()
    data = {
        "line-TOTAL_FORMS": "3",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "20",
        "line-0-product": str(agreement.rice.pk),
        "line-0-quantity": "500",
        "line-0-unit_price_vnd": "24000",
        "schedule": "monthly",
        "months": "3",
        "first_delivery": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        "payment_method": "vietqr",
        "name": address.name,
        "phone": address.phone,
        "province": address.province,
        "ward": address.ward,
        "address": address.address,
        "note": "Giao kho Long Biên.",
    }
    data.update(fields)
    return data


def test_the_buyer_places_a_monthly_schedule_from_the_page(client, deal):
    client.force_login(deal.buyer.user)
    response = client.get(page_url(deal))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="line-0-product"' in html
    assert f'<option value="{deal.rice.pk}" selected>' in html
    assert f'value="{deal.honey.pk}"' not in html  # the agreement names only the rice

    response = client.post(page_url(deal), form_post(deal))

    assert response.status_code == 302
    assert Order.objects.count() == 3
    assert Purchase.objects.get(orders=Order.objects.first()).note.endswith("Giao kho Long Biên.")
    html = client.get(response["Location"]).content.decode()
    assert html.count('class="agreement-order"') == 3
    for order in Order.objects.all():
        assert reverse("marketplace:order", args=[order.number]) in html


def test_the_cooperative_sees_the_orders_in_its_admin_orders_screen(client, deal):
    orders = place(deal, schedule=services.MONTHLY, months=2)
    client.force_login(deal.staff)

    html = client.get(reverse("marketplace_orders")).content.decode()

    for order in orders:
        assert order.number in html
        assert client.get(reverse("marketplace_order", args=[order.number])).status_code == 200


def test_bad_input_on_the_page_is_a_400_with_the_errors_and_changes_nothing(client, deal):
    client.force_login(deal.buyer.user)
    bad = [
        {"line-0-quantity": "-3"},
        {"line-0-unit_price_vnd": "mười nghìn"},
        {"line-0-product": str(10**30)},
        {"line-0-product": str(deal.honey.pk)},
        {"line-0-quantity": "", "line-0-unit_price_vnd": ""},
        {"line-TOTAL_FORMS": "100000"},
        {"line-TOTAL_FORMS": "abc"},
        {"schedule": "monthly", "months": ""},
        {"months": "999"},
        {"first_delivery": "2001-01-01"},
        {"first_delivery": "31/02/2030"},
        {"payment_method": "card"},
        {"province": "\x00"},
        {"ward": "99999"},
        {"note": "x" * 5000},
        {"schedule": "monthly", "months": "24", "line-0-quantity": "1000000"},
    ]
    for fields in bad:
        response = client.post(page_url(deal), form_post(deal, **fields))
        assert response.status_code == 400, fields
        assert not Order.objects.exists(), fields


def test_the_page_and_its_form_are_the_buyers_only(client, deal, fair, organiser):
    url = page_url(deal)
    assert client.get(url).status_code == 302  # anonymous: to the log-in page
    assert client.post(url, form_post(deal)).status_code == 302
    another_cooperative = fair_factories.cooperative_participant(fair, approve_by=organiser).cooperative
    others = [
        deal.staff,
        another_cooperative.staff_group.user_set.get(),
        organiser,
        fair_factories.buyer_participant(fair, approve_by=organiser).user,
        factories.user(),
    ]
    for user in others:
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, form_post(deal)).status_code == 403
    assert not Order.objects.exists()


def test_an_agreement_of_another_fair_or_none_is_a_404(client, deal, organiser):
    other = fair_factories.fair(slug="hoi-cho-khac", lead=deal.fair.lead_organiser)
    client.force_login(deal.buyer.user)

    assert client.get(reverse("fairs:agreement_orders", args=[other.pk, deal.pk])).status_code == 404
    assert (
        client.get(reverse("fairs:agreement_orders", args=[deal.fair_id, deal.pk + 999])).status_code == 404
    )
    assert client.get(f"/hoi-cho-tham-gia/{deal.fair_id}/thoa-thuan/{10**30}/dat-hang/").status_code == 404


def test_the_participation_page_offers_the_orders_to_the_buyer_only(client, deal):
    place(deal)
    link = page_url(deal)

    client.force_login(deal.buyer.user)
    html = client.get(reverse("fairs:mine", args=[deal.fair_id])).content.decode()
    assert 'class="agreement"' in html
    assert link in html
    assert Order.objects.get().number in html

    client.force_login(deal.staff)
    html = client.get(reverse("fairs:mine", args=[deal.fair_id])).content.decode()
    assert 'class="agreement"' in html
    assert link not in html
    assert reverse("marketplace_order", args=[Order.objects.get().number]) in html  # its admin page


def test_the_page_query_count_does_not_grow_with_orders(client, deal):
    client.force_login(deal.buyer.user)
    client.get(page_url(deal))
    place(deal)
    one = count_queries(client, page_url(deal))

    place(
        deal,
        schedule=services.MONTHLY,
        months=5,
        first_delivery=timezone.localdate() + datetime.timedelta(days=60),
    )

    assert count_queries(client, page_url(deal)) == one


def test_the_page_renders_in_english(client, deal):
    client.force_login(deal.buyer.user)
    with translation.override("en"):
        url = page_url(deal)
    html = client.get(url).content.decode()
    assert "Orders under the agreement" in html


def test_the_participation_page_query_count_does_not_grow_with_agreements(client, deal, fair, organiser):
    url = reverse("fairs:mine", args=[fair.pk])
    client.force_login(deal.buyer.user)
    place(deal)
    client.get(url)
    one = count_queries(client, url)

    for n in range(2):
        more = services.agreement_record(
            fair=fair,
            user=organiser,
            data=services.AgreementData(
                kind=Agreement.Kind.MEMORANDUM,
                buyer=deal.buyer,
                supplier=fair_factories.cooperative_participant(fair, approve_by=organiser),
                volume="1 tấn/tháng",
                value_vnd=50_000_000,
                signed_on=timezone.localdate(),
            ),
        )
        mf.terms(more.supplier.cooperative)
        product = factories.product(cooperative=more.supplier.cooperative)
        more.products.set([product])
        services.agreement_place_orders(
            agreement=more,
            user=deal.buyer.user,
            data=services.AgreementOrdersData(
                lines=[AgreedLine(product=product, quantity=10, unit_price_vnd=100_000)],
                first_delivery=timezone.localdate() + datetime.timedelta(days=5 + n),
                payment_method="vietqr",
                shipping=mf.address(),
                schedule=services.MONTHLY,
                months=2,
            ),
        )

    assert client.get(url).content.decode().count('class="agreement"') == 3
    assert count_queries(client, url) == one
