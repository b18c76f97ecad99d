"""The honours app's one registration (表彰): award rules applied to the kinds' published results, proposals an
organiser confirms, and the honours roll (光荣榜). An app, not a kind: it reads the kinds only through
campaigns/results.py and the stored target values."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from suzhi.core.manifests import ApiMount, AppManifest, UsageCount
from suzhi.core.navigation import MINE, WORK, NavItem

VIEW = "honours.view"  # the honours roll of the organisations in scope
MANAGE = "honours.manage"  # propose, add, remove, confirm: scoped by the campaign's organiser

MANIFEST = AppManifest(
    permission_group=_("Honours"),
    permissions=(
        (VIEW, _("View the honours roll")),
        (MANAGE, _("Propose and confirm honours")),
    ),
    log_actions=(
        ("honours.propose", _("Propose honours by an award rule")),
        ("honours.confirm", _("Confirm proposed honours")),
        ("honours.certify", _("Issue certificates of honour")),
        ("honours.add", _("Add honour recipient")),
        ("honours.remove", _("Remove honour recipient")),
        ("honours.export", _("Export the honours roll")),
    ),
    log_object_types=(("honours.honour", pgettext_lazy("log object", "Honour")),),
    log_details={
        "rule": pgettext_lazy("log detail", "Award rule"),
        "proposed": pgettext_lazy("log detail", "Proposed"),
        "replaced": pgettext_lazy("log detail", "Replaced proposals"),
        "confirmed": pgettext_lazy("log detail", "Confirmed"),
        "recipient": pgettext_lazy("log detail", "Recipient"),
        "campaign": pgettext_lazy("log detail", "Campaign"),
        "certificates": pgettext_lazy("log detail", "Certificates"),
    },
    navigation=(
        NavItem("honours_mine", _("My honours"), "honours:mine", None, 19, group=MINE),
        NavItem("honours", _("Honours"), "honours:campaigns", VIEW, 60, group=WORK),
    ),
    urls="suzhi.honours.urls",
    url_prefix="honours/",
    api=(ApiMount("/honours", "suzhi.honours.api.honours:router"),),
    usage=(UsageCount("honours", _("honours"), ("honours.Honour.organisation",)),),
    demo_loaders=("suzhi.honours.demo.load_honours_demo",),
)
