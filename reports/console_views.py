"""Episodes for coordinators (their territory) and operators (episodes their sites were told
of): list, map and timeline, and closing with a public explanation (coordinators).
Who may open them at all is the console's one rule (console.middleware), as for every console URL."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notices.permissions import is_coordinator_of

from . import cells, services
from .models import Episode, EpisodeStatus


def episode_list(request):
    episodes = Episode.objects.for_user(request.user).select_related("territory", "explaining_notice")
    status = request.GET.get("etat")
    if status in EpisodeStatus.values:
        episodes = episodes.filter(status=status)
    page = Paginator(episodes, 50).get_page(request.GET.get("page"))
    return render(request, "reports/console/episode_list.html", {
        "page": page, "statuses": EpisodeStatus.choices, "status": status,
    })


def _episode(request, pk):
    return get_object_or_404(Episode.objects.for_user(request.user).select_related("territory"), pk=pk)


def episode_detail(request, pk):
    episode = _episode(request, pk)
    coordinator = is_coordinator_of(request.user, episode.territory)
    return render(request, "reports/console/episode_detail.html", {
        "episode": episode,
        "reports": episode.reports.select_related("commune").order_by("observed_at"),
        "sites": episode.notified_sites.select_related("organization"),
        "is_coordinator": coordinator,
        "can_close": coordinator and episode.status == EpisodeStatus.OPEN,
        "errors": [],
    })


def episode_map_data(request, pk):
    """The episode's cells with their counts; sites as landmarks."""
    episode = _episode(request, pk)
    counts = {}
    for cell in episode.reports.exclude(h3_cell="").values_list("h3_cell", flat=True):
        counts[cell] = counts.get(cell, 0) + 1
    sites = episode.territory.organizations.values_list("sites__name", "sites__latitude", "sites__longitude")
    return JsonResponse({
        "cells": [{"cell": c, "count": n, "boundary": cells.boundary(c)} for c, n in sorted(counts.items())],
        "sites": [{"name": name, "lat": float(lat), "lon": float(lon)} for name, lat, lon in sites if name],
    })


@require_POST
def close(request, pk):
    episode = _episode(request, pk)
    try:
        services.close_episode(request.user, episode, request.POST.get("explanation", "")[:2000])
    except PermissionDenied:
        raise
    except ValidationError as error:
        return render(request, "reports/console/episode_detail.html", {
            "episode": episode,
            "reports": episode.reports.select_related("commune").order_by("observed_at"),
            "sites": episode.notified_sites.select_related("organization"),
            "is_coordinator": True, "can_close": episode.status == EpisodeStatus.OPEN,
            "errors": error.messages, "explanation": request.POST.get("explanation", ""),
        }, status=400)
    messages.success(request, _("L'épisode est clos ; les riverains qui l'ont demandé seront informés."))
    return redirect("console:reports_episode", episode.pk)
