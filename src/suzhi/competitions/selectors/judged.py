"""What judges see of a contestant handed to judging: the event, the round and the drawn number, never the name or
the unit (judging renames any file after the entry's label under blind review)."""

from typing import Any

from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.competitions.access import settings_of
from suzhi.competitions.models import Contestant
from suzhi.judging.content import JudgedContent

SOURCE = "contestant:"


def judged_content(activity: Activity, sources: list[str], *, blind: bool) -> dict[str, JudgedContent]:
    ids = [int(s.removeprefix(SOURCE)) for s in sources if s.startswith(SOURCE) and s.removeprefix(SOURCE).isdigit()]
    settings = settings_of(activity)
    result: dict[str, JudgedContent] = {}
    for contestant in Contestant.objects.filter(activity=activity, pk__in=ids).select_related(
            "person", "organisation"):
        event, round_ = settings.event(contestant.event), settings.round(contestant.round)
        fields: list[tuple[str, Any]] = [(_("Event"), event.title if event else contestant.event),
                                         (_("Round"), round_.title if round_ else contestant.round),
                                         (_("Number"), contestant.label)]
        if not blind:
            fields += [(_("Contestant"), contestant.person.name), (_("Unit"), contestant.organisation.name)]
        result[f"{SOURCE}{contestant.pk}"] = JudgedContent(
            title=_("Contestant %(number)s") % {"number": contestant.label},
            fields=tuple((str(label), str(value)) for label, value in fields))
    return result


def event_titles(activity: Activity) -> dict[str, str]:
    """The entries' categories are the events' keys (the panels are set per event): their titles."""
    return {event.key: event.title for event in settings_of(activity).events}
