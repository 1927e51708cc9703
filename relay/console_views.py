"""Coordinators' view of the relay: per notice, deliveries sent, failed and pending per channel,
and the permanent failures with their reason. Scoped with Territory.objects.for_user."""
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from notices.models import Notice
from territories.models import Territory

from .models import ChannelKind, Delivery, DeliveryStatus


def _notice_for(user, pk):
    territories = Territory.objects.for_user(user)
    notice = get_object_or_404(Notice.objects.select_related("territory"), pk=pk)
    if not territories.filter(pk=notice.territory_id).exists():
        raise Http404
    return notice


def channel_counts(notice):
    rows = (
        Delivery.objects.filter(revision__notice=notice)
        .values("channel")
        .annotate(
            sent=Count("pk", filter=Q(status=DeliveryStatus.SENT)),
            failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
            pending=Count("pk", filter=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])),
        )
        .order_by("channel")
    )
    labels = dict(ChannelKind.choices)
    return [{**row, "label": labels.get(row["channel"], row["channel"])} for row in rows]


@login_required
def notice_deliveries(request, pk):
    notice = _notice_for(request.user, pk)
    failures = (
        Delivery.objects.filter(revision__notice=notice, status=DeliveryStatus.FAILED)
        .select_related("revision")
        .order_by("-pk")[:200]
    )
    return render(request, "relay/console/notice.html", {
        "notice": notice, "counts": channel_counts(notice), "failures": failures,
    })


@login_required
def overview(request):
    notices = (
        Notice.objects.filter(territory__in=Territory.objects.for_user(request.user), revisions__deliveries__isnull=False)
        .distinct()
        .select_related("territory")
        .order_by("-published_at")[:50]
    )
    return render(request, "relay/console/overview.html", {"notices": notices})
