"""The marketplace's double-entry ledger (sổ cái kép): accounts, transactions and their postings.

Money moves only through `services.ledger_post` and `services.ledger_reverse`; balances are read
through `selectors`. The pure rule that a transaction must balance lives in `balancing`.
"""
