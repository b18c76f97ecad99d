"""The phases and who an activity is for now live in `suzhi.campaigns.eligibility`, the one decision; this module
keeps the old import path working for code not yet moved (import from `eligibility` in new code)."""

from suzhi.campaigns.eligibility import (
    ALLOWED,
    Decision,
    action_window,
    can,
    eligibility,
    person_eligibility,
    window,
)

__all__ = ["ALLOWED", "Decision", "action_window", "can", "eligibility", "person_eligibility", "window"]
