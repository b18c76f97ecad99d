"""The honours app's error codes (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class HonourErrors(ErrorCodes):
    UNKNOWN_RULE = "award_rule_unknown", "The campaign's plan has no award rule of that key."
    MANUAL_RULE = "award_rule_manual", "The rule's recipients are entered by hand: there is nothing to propose."
    NOT_NOW = "honour_state", "The honour's state does not allow this action (proposed, confirmed, removed)."
    NOTHING_PROPOSED = "honours_nothing_proposed", "The rule has no proposed honours to confirm."
    REASON_NEEDED = "honour_reason_needed", "Adding or removing a recipient by hand needs a reason."
    RECIPIENT = "honour_recipient", "The recipient is not of the rule's kind (a person or a unit) or is missing."
    TITLE = "honour_title", "The title is not one the rule confers."
    DUPLICATE = "honour_duplicate", "The recipient already holds this title under the rule (proposed or confirmed)."
    TOO_MANY = "honours_too_many", "The rule would propose more recipients than one list may hold."
    EXPORT_TOO_LARGE = ("honours_export_too_large",
                        "More honours match than one export may hold; choose an organisation.")
    NOTHING_CONFIRMED = "honours_nothing_confirmed", "The rule has no confirmed honours to certify."
    NOT_CERTIFIABLE = "honours_not_certifiable", "A recommendation to an outside body is certified by that body."
