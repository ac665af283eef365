"""Marketplace: buyers' demands, quotes, orders and payments (not built yet)."""
