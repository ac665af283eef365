"""Development and tests only: pay a PaymentIntent on localstripe from the browser.

Stripe.js's Payment Element confirms a payment with `stripe.confirmPayment`; localstripe's
stand-in for Stripe.js has no such function. static/js/localstripe-confirm.js adds it, posting the
test card typed into the stand-in's fields here; this asks localstripe (and only localstripe, on
this machine) to pay the buyer's own intent with it. Outside DEBUG, or with a real Stripe API
base, the route answers 404.
"""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_POST

from marketplace.models import Purchase
from marketplace.payments.card import CardGatewayError, card_gateway


def local_stand_in():
    """The gateway when it is the local stand-in in a debug run, else None."""
    gateway = card_gateway()
    if not settings.DEBUG or gateway is None or not gateway.is_local_stand_in:
        return None
    return gateway


@require_POST
def confirm_with_test_card(request):
    gateway = local_stand_in()
    if gateway is None or not request.user.is_authenticated:
        raise Http404
    try:
        data = json.loads(request.body or b"{}")
        secret = str(data["client_secret"])
        card = {key: str(data[key])[:32] for key in ("number", "exp_month", "exp_year", "cvc")}
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"detail": "Send client_secret, number, exp_month, exp_year and cvc."}, status=400
        )
    intent_id = secret.split("_secret_")[0]
    purchase = Purchase.objects.filter(payment_intent=intent_id, buyer=request.user).first()
    if not intent_id or purchase is None:
        raise Http404
    try:
        intent = gateway.pay_with_test_card(intent_id=intent_id, **card)
    except CardGatewayError as error:
        return JsonResponse({"detail": str(error)}, status=400)
    return JsonResponse({"status": intent.status})
