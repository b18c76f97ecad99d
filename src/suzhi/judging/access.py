"""Reading an activity as judging sees it: within the caller's scope, with its judging settings."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from suzhi.campaigns.models import Activity
from suzhi.core import scope
from suzhi.core.errors import Conflict
from suzhi.judging.error_codes import JudgingErrors
from suzhi.judging.manifest import MANAGE
from suzhi.judging.rubric import JudgingSettings

SETTINGS_KEY = "judging"  # a judged activity's settings carry `judging: JudgingSettings`


def judging_settings(activity: Activity) -> JudgingSettings:
    """The activity's rubric and rules (its settings' `judging` block, checked when the plan was loaded)."""
    data = (activity.settings or {}).get(SETTINGS_KEY)
    if not data:
        raise Conflict(_("This activity has no judging rules in its plan."), code=JudgingErrors.NOT_JUDGED)
    return JudgingSettings.model_validate(data)


def activity_managed(user: Any, activity_id: Any, permission: str = MANAGE, *, for_update: bool = False) -> Activity:
    """The activity if its organiser lies in the caller's scope for `permission`; otherwise 404."""
    queryset = Activity.objects.select_related("organiser", "campaign")
    return scope.get_in_scope(queryset, user, permission, pk=activity_id, org_field="organiser",
                              for_update=for_update)


def activities_managed(user: Any, permission: str = MANAGE) -> Any:
    judged = Activity.objects.filter(settings__has_key=SETTINGS_KEY).select_related("organiser", "campaign")
    return scope.filter_queryset(judged, user, permission, org_field="organiser")
