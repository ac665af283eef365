"""TEMPORARY placeholder until the stripe branch is merged (lead)."""


def card_gateway():
    return None


class CardGatewayError(Exception):
    pass
