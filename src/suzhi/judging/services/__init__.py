"""Judging's writes. Kinds hand their finalists over with `entries_put` / `entries_withdraw` (services/entries.py)."""
