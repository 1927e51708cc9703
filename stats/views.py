"""Statistics in the console, for the territory's coordinator (and superusers). Any other
territory, or a user who coordinates none (an operator), gets a 404. Signing in and the second factor
are the console's one rule (console.middleware), as for every console URL."""
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from territories.models import Territory

from . import counting, dashboard, exports, figures, yearly
from .figures import Period
from .forms import period_form

FIRST_YEAR = 2020


def _territory(request, slug):
    return get_object_or_404(Territory.objects.for_user(request.user), slug=slug)


def _report_years():
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


def _year_links(years):
    """(year, query of that whole year): the same figures on screen as in that year's PDF."""
    return [(year, urlencode({"du": Period.year(year).start, "au": Period.year(year).last_day})) for year in years]


def index(request):
    territories = Territory.objects.for_user(request.user)
    if not territories.exists():
        raise Http404
    if territories.count() == 1:
        return redirect("console:stats_territory", territory=territories.get().slug)
    return render(request, "stats/index.html", {"territories": territories})


def territory_stats(request, territory):
    territory = _territory(request, territory)
    form = period_form(request)
    context = {"territory": territory, "form": form, "years": _year_links(_report_years()[:4])}
    if not form.is_bound or form.is_valid():
        counting.flush()  # the last minute's views too
        period = form.period
        context.update(period=period, period_query=urlencode({"du": period.start, "au": period.last_day}),
                       counted_until=figures.counted_until(period),
                       figures=dashboard.build(territory, period),
                       key_figures=dashboard.key_figures(territory, period))
    return render(request, "stats/territory.html", context, status=200 if context.get("period") else 400)


def figure_csv(request, territory, figure):
    territory = _territory(request, territory)
    form = period_form(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors.get("__all__", []) or [_("Période invalide.")]),
                                      content_type="text/plain; charset=utf-8")
    found = dashboard.build_one(territory, form.period, figure)
    if found is None:
        raise Http404
    period = form.period
    name = f"{territory.slug}-{figure}-{period.start:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
    return HttpResponse(exports.figure_csv(found), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def yearly_report(request, territory, year):
    territory = _territory(request, territory)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    pdf = yearly.render_pdf(territory, year)
    return HttpResponse(pdf, content_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="riverains-{territory.slug}-{year}.pdf"'})
