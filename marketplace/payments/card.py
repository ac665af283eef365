"""TEMPORARY placeholder until the stripe branch is merged (lead)."""


def card_gateway():
    return None


class CardGatewayError(Exception):
    pass


class WebhookRejected(Exception):
    pass


class CardGateway:
    pass
