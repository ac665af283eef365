"""Background work: retries with backoff, the jobs people wait on, and emails, for every app.

The bottom layer (below accounts), because every app enqueues work and sends mail. It holds no
domain code: which work runs where is each app's own `tasks.py` (docs/tasks.md).
"""
