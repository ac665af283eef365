"""POST /payments/stripe/webhook/: the card processor's events, verified by their signature."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.payments.card import CardGatewayError, WebhookRejected, card_gateway
from marketplace.services.webhooks import stripe_event_handle

MAX_BODY = 256 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request):
    gateway = card_gateway()
    if gateway is None:
        return JsonResponse({"detail": "Card payments are not configured."}, status=400)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"detail": "The event is too large."}, status=400)
    try:
        event = gateway.construct_event(
            payload=request.body, signature_header=request.headers.get("Stripe-Signature", "")
        )
    except WebhookRejected:
        return JsonResponse({"detail": "The signature does not verify."}, status=400)
    try:
        outcome = stripe_event_handle(event=dict(event), gateway=gateway)
    except CardGatewayError:
        # The processor could not be asked about the intent: let it deliver the event again later.
        return JsonResponse({"detail": "Try again later."}, status=503)
    return JsonResponse({"received": True, "outcome": outcome})
