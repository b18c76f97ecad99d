"""Labels of the reasons a judge may not score an entry (assign.Reason)."""

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from suzhi.judging.assign import Reason

LABELS: dict[Reason, Promise] = {
    Reason.OWN_ORGANISATION: _("The entry comes from the judge's own organisation or one below it"),
    Reason.AUTHOR: _("The judge is one of the entry's authors"),
    Reason.NOMINATOR: _("The entry was nominated by the judge's organisation or one below it"),
    Reason.DECLARED: _("A conflict of interest was declared"),
}


def reason_labels(reasons: Iterable[Reason]) -> list[Promise]:
    return [LABELS[reason] for reason in reasons]
