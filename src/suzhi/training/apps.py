from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrainingConfig(AppConfig):
    name = "suzhi.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from suzhi.campaigns.kinds import register_kind
        from suzhi.core import oplog_actions, org_usage, permissions
        from suzhi.training.manifest import MANIFEST

        register_kind(MANIFEST)
        org_usage.register("training_sessions", _("training sessions"), fields=["training.TrainingSession.organiser"])
        org_usage.register(
            "hours_certificates", _("certificates of hours"),
            fields=["training.HoursCertificate.organisation", "training.HoursCertificate.issuer"],
        )
        from suzhi.training.views import organiser, participant

        organiser.register_navigation()
        participant.register_navigation()
        from suzhi.campaigns.demo import register_shift
        from suzhi.core import demo
        from suzhi.training.demo import load_training_demo, shift_training_demo

        demo.register_loader(load_training_demo)
        register_shift(shift_training_demo)
        group = _("Training")
        permissions.register("training.view", _("View training sessions, enrolments and attendance"), group)
        permissions.register("training.manage", _("Open sessions, enrol people, record attendance and hours"),
                             group)
        for code, label in (
            ("training.session_create", _("Open training session")),
            ("training.session_update", _("Edit training session")),
            ("training.session_cancel", _("Cancel training session")),
            ("training.code_reset", _("Replace check-in code")),
            ("training.enrol", _("Enrol in training")),
            ("training.enrol_bulk", _("Enrol people in training")),
            ("training.enrol_cancel", _("Withdraw from training")),
            ("training.check_in", _("Check in to training")),
            ("training.attendance_add", _("Record attendance")),
            ("training.attendance_change", _("Change credited hours")),
            ("training.attendance_remove", _("Remove attendance")),
            ("training.certificate_issue", _("Issue certificate of hours")),
        ):
            oplog_actions.register(code, label)
        oplog_actions.register_details({
            "person": pgettext_lazy("log detail", "Person"),
            "hours": pgettext_lazy("log detail", "Credit hours"),
            "year": pgettext_lazy("log detail", "Year"),
            "sessions": pgettext_lazy("log detail", "Sessions"),
            "enrolled": pgettext_lazy("log detail", "Enrolled"),
            "refused": pgettext_lazy("log detail", "Refused"),
        })
