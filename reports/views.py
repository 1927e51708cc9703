"""Public pages: the report form, the instant answer, and the aggregated map of recent reports
(counts per H3 cell only: neither exact positions nor comments ever leave the database)."""
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from riverains.collation import french_sorted
from riverains.widgets import picker_attrs
from territories.models import Territory

from . import cells, conf, services, snapshot
from .models import Intensity, OdourDescriptor, Report, ReportKind

DEVICE_COOKIE = "riverains_appareil"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
FORM_FIELDS = ["kind", "intensity", "when", "time", "latitude", "longitude", "commune", "comment", "email", "website"]


def _territory(slug):
    return get_object_or_404(Territory.objects.published(), slug=slug)


@require_http_methods(["GET", "POST"])
def report_form(request, territory):
    # The territory with its report rules, its sites and communes, from this process's memory
    # while its state holds (one small query says so, reports.snapshot).
    known = snapshot.published(territory)
    if known is None:
        raise Http404("territory")
    territory = known.territory
    values, errors = {"when": "now"}, {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "")[:600] for name in FORM_FIELDS}
        values["descriptors"] = request.POST.getlist("descriptors")[:10]
        try:
            report, _matches = services.submit(
                territory, _service_data(values), request.META.get("REMOTE_ADDR", ""), request.COOKIES.get(DEVICE_COOKIE, ""),
                known=known,
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            return _with_device(request, redirect("reports:answer", territory.slug, report.token))
    response = render(request, "reports/form.html", {
        "territory": territory, "values": values, "errors": errors,
        "kinds": ReportKind.choices, "intensities": Intensity.choices, "descriptors": OdourDescriptor.choices,
        "communes": french_sorted(known.communes.values(), key=lambda c: c.name), "centre": _centre(known.sites),
        "error_count": sum(len(v) for v in errors.values()),
        # The commune list becomes a search with suggestions (js/commune-picker.js).
        "picker_attrs": picker_attrs(), "email_days": conf.get("REPORTS_EMAIL_RETENTION_DAYS"),
    }, status=400 if errors else 200)
    patch_cache_control(response, private=True, no_store=True)
    return _with_device(request, response)


def _centre(points):
    """Where the position map opens: the middle of the territory's active sites."""
    if not points:
        return None
    return (f"{sum(float(p[0]) for p in points) / len(points):.4f}", f"{sum(float(p[1]) for p in points) / len(points):.4f}")


def _service_data(values):
    return {**values, "observed_at": _observed_at(values)}


def _observed_at(values):
    """"Now", or a time earlier today (the service refuses other days and the future)."""
    if values.get("when") != "earlier":
        return timezone.now()
    try:
        moment = datetime.strptime(values.get("time", "").strip(), "%H:%M").time()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(timezone.localdate(), moment))


def _with_device(request, response):
    """A random device id, so that one phone counts once even when its network changes."""
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=DEVICE_COOKIE_AGE,
                            httponly=True, samesite="Lax", secure=request.is_secure())
    return response


@require_GET
def answer(request, territory, token):
    report = get_object_or_404(Report.objects.select_related("territory", "episode", "episode__explaining_notice"),
                               territory__slug=territory, token=token)
    matches = report.matches.select_related("notice", "notice__site", "notice__territory")
    response = render(request, "reports/answer.html", {
        "territory": report.territory, "report": report, "matches": matches, "episode": report.episode,
        "has_personal_data": services.has_personal_data(report), "erased": request.GET.get("supprime") == "1",
        "retention_days": conf.get("REPORTS_ANONYMISE_AFTER_DAYS"),
        "email_days": conf.get("REPORTS_EMAIL_RETENTION_DAYS"),
    })
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@csrf_protect
def erase(request, territory, token):
    """"Supprimer mon signalement": whoever holds the answer page's link erases the personal
    fields at once (what the scheduler does after REPORTS_ANONYMISE_AFTER_DAYS)."""
    report = get_object_or_404(Report, territory__slug=territory, token=token)
    services.erase_personal_data(report)
    return redirect(reverse("reports:answer", args=[territory, token]) + "?supprime=1")


@require_GET
def map_page(request, territory):
    territory = _territory(territory)
    recent = _recent(territory)
    # Reports given by commune have no position, hence no cell on the map: they are listed by
    # commune under it, so that every report counted above is shown somewhere.
    by_commune = (recent.filter(h3_cell="").exclude(commune=None).values("commune__name")
                  .annotate(count=Count("pk")))
    return render(request, "reports/map.html", {
        "territory": territory, "hours": conf.get("REPORTS_PUBLIC_MAP_HOURS"), "total": recent.count(),
        "on_map": recent.exclude(h3_cell="").count(),
        "by_commune": french_sorted(by_commune, key=lambda row: row["commune__name"]),
    })


def _recent(territory):
    since = timezone.now() - timedelta(hours=conf.get("REPORTS_PUBLIC_MAP_HOURS"))
    return Report.objects.filter(territory=territory, observed_at__gte=since)


@require_GET
def map_data(request, territory):
    """Recent reports per H3 cell: counts only, never a position finer than a ~5 km² cell."""
    territory = _territory(territory)
    rows = (_recent(territory).exclude(h3_cell="").values("h3_cell").annotate(count=Count("pk")).order_by("h3_cell"))
    response = JsonResponse({
        "territory": territory.slug,
        "hours": conf.get("REPORTS_PUBLIC_MAP_HOURS"),
        "label": _("Signalements des dernières %(hours)s heures") % {"hours": conf.get("REPORTS_PUBLIC_MAP_HOURS")},
        "cells": [{"cell": r["h3_cell"], "count": r["count"], "boundary": cells.boundary(r["h3_cell"])} for r in rows],
    })
    patch_cache_control(response, public=True, max_age=60)
    return response
