"""Reads for the marketplace: carts with their current prices and problems, purchases and orders."""
