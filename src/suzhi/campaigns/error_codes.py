"""The campaign engine's error codes, with the reasons of the eligibility decision that every kind's
participant actions share (see suzhi.core.error_codes)."""

from suzhi.core.error_codes import ErrorCodes, declare


@declare
class CampaignErrors(ErrorCodes):
    PLAN_INVALID = "plan_invalid", "The plan file has errors; `detail` gives each with its field and line."
    UNKNOWN_METRIC = "unknown_metric", "The activity's kind does not provide the metric."
    FORM_INVALID = "form_invalid", "Values of a form defined in the plan are not valid; `detail` names each field."
    # Why a person may not take a participant action now (campaigns.eligibility, which gives each its sentence)
    UNKNOWN_ACTION = "unknown_action", "The activity has no such action."
    NOT_OPEN = "not_open", "The action is open in no phase of the campaign."
    NOT_STARTED = "not_started", "The action's phase has not begun."
    CLOSED = "closed", "The action's phase has ended."
    NO_PERSON = "no_person", "The account is not linked to a person on a roster."
    OUTSIDE = "outside", "The person's organisation is outside the organisations the activity is for."
    ORG_TYPE = "org_type", "The activity is not for the person's type of organisation."
    CATEGORY = "category", "The activity is not for the person's categories."
    ATTRIBUTES = "attributes", "The person does not meet the activity's attribute rules."
