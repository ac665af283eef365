"""Marketplace: buyers' demands, quotes, orders and payments (wave 2; not built yet)."""
