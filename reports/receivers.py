"""Reports listen to notices: a published or changed notice may explain recent reports."""
from django.dispatch import receiver

from notices.signals import notice_changed

from . import services


@receiver(notice_changed, dispatch_uid="reports.explain_with_notice")
def explain_recent_reports(sender, notice, revision=None, **kwargs):
    services.explain_with(notice)
