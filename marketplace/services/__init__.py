"""Writes for the marketplace: carts, checkout, order and payment moves, refunds and settlement."""
