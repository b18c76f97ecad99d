"""Decisions by the plan's rules (评奖、采纳): once the judging results are published, each judged submission gets the
first award of the plan's list whose rule it meets (by its place in its category or by its score), adopted if that
award says so. Applying again replaces every decision and the facts the statistics count.

A suggestion's implementation (services.implementation) outlives its decisions: applying again keeps its reports
and confirmation, but its confirmed facts count only while the suggestion stays adopted — they are taken back when
it no longer is and come back if it is adopted again."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from suzhi.campaigns.models import Activity
from suzhi.campaigns.services.records import MetricFact, metric_record_remove, metric_records_put
from suzhi.collections.error_codes import CollectionErrors
from suzhi.collections.levels import settings_of
from suzhi.collections.manifest import REVIEW, Award, CollectionSettings
from suzhi.collections.models import Decision, Submission, SubmissionAuthor
from suzhi.collections.selectors.judged import SOURCE, entry_source
from suzhi.collections.services.implementation import FACTS as IMPLEMENTATION_FACTS
from suzhi.collections.services.implementation import implementation_facts
from suzhi.core import oplog, scope
from suzhi.core.errors import Conflict
from suzhi.core.models import User
from suzhi.judging.selectors.results import published_results

FACTS = ("collection.adopted", "collection.awarded", "collection.benefit", *IMPLEMENTATION_FACTS)


def award_for(awards: list[Award], score: Decimal | None, place: int | None) -> Award | None:
    """The first award whose rule the place (within the category) or the score meets."""
    for award in awards:
        if award.by == "rank" and place is not None and award.top is not None and place <= award.top:
            return award
        if award.by == "score" and score is not None and award.min_score is not None \
                and score >= Decimal(str(award.min_score)):
            return award
    return None


def _facts(settings: CollectionSettings, decision: Decision, day: datetime.date) -> list[MetricFact]:
    source = entry_source(decision.submission)
    facts = []
    if decision.adopted:
        facts.append(MetricFact("collection.adopted", source, day))
        facts.extend(implementation_facts(getattr(decision.submission, "implementation", None), source))
    if decision.award:
        facts.append(MetricFact("collection.awarded", source, day))
        benefit = settings.benefit(decision.submission.values)
        if benefit is not None:
            facts.append(MetricFact("collection.benefit", source, day, quantity=float(benefit)))
    return facts


def decided_activity(*, actor: User, activity_id: Any, for_update: bool = False) -> Activity:
    """The collection activity if its organiser is in the actor's reviewing scope; 404 otherwise."""
    queryset = Activity.objects.select_related("organiser", "campaign").filter(kind="collection")
    return scope.get_in_scope(queryset, actor, REVIEW, pk=activity_id, org_field="organiser",
                              for_update=for_update)


@transaction.atomic
def decisions_apply(*, actor: User, activity_id: Any, now: datetime.datetime | None = None) -> list[Decision]:
    """Decide every judged submission of the activity by the plan's awards from the published results, replacing
    earlier decisions; the first author's records of adopted, awarded (and the benefit) follow."""
    activity = decided_activity(actor=actor, activity_id=activity_id, for_update=True)
    settings = settings_of(activity)
    if not settings.awards:
        raise Conflict(_("The plan gives this activity no awards or adoption rules."), code=CollectionErrors.NO_AWARDS)
    results = published_results(activity)
    if not results:
        raise Conflict(_("Decisions follow the judging results: publish the results first."),
                       code=CollectionErrors.RESULTS_UNPUBLISHED)
    ids = [int(source.removeprefix(SOURCE)) for source in results
           if source.startswith(SOURCE) and source.removeprefix(SOURCE).isdigit()]
    submissions = {s.pk: s for s in Submission.objects.filter(activity=activity, pk__in=ids).select_related(
        "implementation")}
    earlier = {d.submission_id: d for d in Decision.objects.filter(submission__activity=activity)}
    Decision.objects.filter(submission__activity=activity).delete()
    moment = now or timezone.now()
    decisions = []
    for _pk, submission in sorted(submissions.items()):
        score, place, _category = results[entry_source(submission)]
        award = award_for(settings.awards, score, place)
        decisions.append(Decision(submission=submission, award=award.title if award else "",
                                  adopted=bool(award and award.adopt), place=place, score=score,
                                  decided_by=actor, decided_at=moment))
    Decision.objects.bulk_create(decisions)
    _records(activity, settings, decisions, earlier, timezone.localdate(moment))
    adopted = sum(d.adopted for d in decisions)
    awarded = sum(bool(d.award) for d in decisions)
    oplog.record(actor=actor, action="collection.decide", obj=activity, organisation=activity.organiser,
                 after={"decided": len(decisions), "adopted": adopted, "awarded": awarded}, summary=activity.title)
    return decisions


def _records(activity: Activity, settings: CollectionSettings, decisions: list[Decision],
             earlier: dict[int, Decision], day: datetime.date) -> None:
    firsts = _first_authors([d.submission_id for d in decisions])
    for decision in decisions:
        facts = _facts(settings, decision, day)
        kept = {fact.metric for fact in facts}
        if decision.submission_id in earlier:
            for metric in FACTS:
                if metric not in kept:
                    metric_record_remove(activity=activity, metric=metric, source=entry_source(decision.submission))
        person = firsts.get(decision.submission_id)
        if facts and person is not None:
            metric_records_put(activity=activity, person=person, facts=facts)
    for gone in set(earlier) - {d.submission_id for d in decisions}:
        for metric in FACTS:
            metric_record_remove(activity=activity, metric=metric, source=f"{SOURCE}{gone}")


def _first_authors(submission_ids: list[int]) -> dict[int, Any]:
    firsts: dict[int, Any] = {}
    for author in SubmissionAuthor.objects.filter(submission_id__in=submission_ids).select_related(
            "person__organisation").order_by("submission_id", "position", "pk"):
        firsts.setdefault(author.submission_id, author.person)
    return firsts
