"""Payments' pure core: VietQR payloads, payment codes and amounts in words, without Django.

Nothing here touches the database or imports Django, so every rule can be tested on its own
and reused by the marketplace's services when orders exist. See docs/payments.md.
"""
