"""What judges see of an entry: the kind supplies it (its manifest's `judged_content`), judging makes it safe for
blind review (attachments renamed after the entry's blind label, so no file name can give the author away)."""

import dataclasses
import posixpath
from collections.abc import Sequence

from django.utils.module_loading import import_string

from suzhi.campaigns import kinds
from suzhi.campaigns.models import Activity
from suzhi.judging.models import Entry


@dataclasses.dataclass(frozen=True)
class JudgedContent:
    title: str
    fields: tuple[tuple[str, str], ...] = ()  # (label, value)
    attachments: tuple[tuple[str, str], ...] = ()  # (name, url)


def category_titles(activity: Activity) -> dict[str, str]:
    """The titles of the activity's entry categories where the kind names them by key (a competition's events),
    so that judges read 计算机操作, not the plan's key; empty when the categories are titles already."""
    manifest = kinds.kind(activity.kind)
    if manifest is None or not manifest.judged_categories:
        return {}
    titles: dict[str, str] = import_string(manifest.judged_categories)(activity)
    return titles


def contents_for(activity: Activity, entries: Sequence[Entry], *, blind: bool) -> dict[int, JudgedContent]:
    """The content of each entry (by entry id), from the kind; the entry's own title when the kind supplies none."""
    manifest = kinds.kind(activity.kind)
    supplied: dict[str, JudgedContent] = {}
    if manifest is not None and manifest.judged_content and entries:
        supplied = import_string(manifest.judged_content)(activity, [e.source for e in entries], blind=blind)
    result = {}
    for entry in entries:
        content = supplied.get(entry.source) or JudgedContent(title=entry.title)
        if blind:
            content = dataclasses.replace(content, attachments=tuple(
                (f"{entry.blind_label}-{index}{posixpath.splitext(name)[1]}", url)
                for index, (name, url) in enumerate(content.attachments, start=1)))
        result[entry.pk] = content
    return result
