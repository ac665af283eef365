"""Payments: the pure core (VietQR payloads, payment codes, amounts in words) and the card boundary.

codes.py, vietqr.py and words.py touch no database and import no Django, so every rule can be
tested on its own and reused by the marketplace's services. card.py is the boundary to Stripe: it
reads its settings from django.conf but imports no model. See docs/payments.md.
"""
