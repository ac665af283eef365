"""Marketplace pages: the buyer's cart, checkout, payment and orders; the cooperative's admin screens."""
