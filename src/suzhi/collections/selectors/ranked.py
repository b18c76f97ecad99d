"""The collection kind's side of the results contract (campaigns/results.py): one ranking per category of a judged
collection activity from its published judging results. People are ranked by the first author of each
submission, units by the submitting unit; the position is the judging place within the category, the detail the
decision's award. Nothing before the results are published; a fixed number of queries whatever the number of
items."""

from collections import defaultdict
from typing import Any

from suzhi.campaigns.models import Activity
from suzhi.campaigns.results import RankedEntry, Ranking, Subject
from suzhi.collections.manifest import VIEW
from suzhi.collections.models import Decision, Submission, SubmissionAuthor
from suzhi.collections.selectors.judged import SOURCE
from suzhi.core import scope
from suzhi.judging.selectors.results import published_results


def _first_authors(submission_ids: list[int]) -> dict[int, tuple[int, str, int | None]]:
    """Per submission: the first author's person id, name and unit."""
    firsts: dict[int, tuple[int, str, int | None]] = {}
    rows = SubmissionAuthor.objects.filter(submission_id__in=submission_ids).order_by(
        "submission_id", "position", "pk").values_list("submission_id", "person_id", "person__name",
                                                      "person__organisation_id")
    for submission_id, person_id, name, organisation_id in rows:
        firsts.setdefault(submission_id, (person_id, name, organisation_id))
    return firsts


def ranked_results(activity: Activity, *, subject: Subject, user: Any | None = None) -> list[Ranking]:
    results = published_results(activity)
    ids = [int(s.removeprefix(SOURCE)) for s in results if s.startswith(SOURCE) and s.removeprefix(SOURCE).isdigit()]
    if not ids:
        return []
    submissions = Submission.objects.filter(activity=activity, pk__in=ids)
    if user is not None:
        submissions = scope.filter_queryset(submissions, user, VIEW)
    rows = list(submissions.values_list("pk", "organisation_id", "organisation__name"))
    awards = dict(Decision.objects.filter(submission_id__in=[pk for pk, _o, _n in rows]).values_list(
        "submission_id", "award"))
    firsts = _first_authors([pk for pk, _o, _n in rows]) if subject == Subject.PERSON else {}
    entries: dict[str, list[tuple[int, RankedEntry]]] = defaultdict(list)
    for pk, organisation_id, organisation_name in rows:
        score, place, category = results[f"{SOURCE}{pk}"]
        if subject == Subject.PERSON:
            if pk not in firsts:
                continue  # no author to rank
            person_id, name, person_unit = firsts[pk]
            entry = RankedEntry(position=place, name=name, organisation_id=person_unit or organisation_id,
                                person_id=person_id, score=score, detail=awards.get(pk, ""))
        else:
            entry = RankedEntry(position=place, name=organisation_name, organisation_id=organisation_id,
                                score=score, detail=awards.get(pk, ""))
        entries[category].append((pk, entry))
    categories = sorted({category for _score, _place, category in results.values()})
    return [Ranking(key=f"category-{category}" if category else "category", title=category or activity.title,
                    subject=subject, organiser_id=activity.organiser_id,
                    entries=tuple(entry for _pk, entry in sorted(
                        entries.get(category, []), key=lambda row: (row[1].position is None,
                                                                    row[1].position or 0, row[0]))))
            for category in categories]
