"""The steering committee's yearly report: one PDF per territory and year, drawn by WeasyPrint
from an HTML template with the same SVG charts as the console."""
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from . import counting, dashboard, figures
from .figures import Period

REPORT_FIGURES = [
    dashboard.notices_by_month, dashboard.notices_by_category, dashboard.notices_by_site,
    dashboard.notices_by_organization, dashboard.planned_and_observed, dashboard.silent_organizations,
    dashboard.page_views_by_kind, dashboard.calls_per_day, dashboard.subscribers_by_commune,
    dashboard.deliveries_by_channel, dashboard.reports_per_week, dashboard.episodes,
]


def comparison(territory, year):
    """[(label, this year, previous year)] of the key figures."""
    current = dashboard.key_figures(territory, Period.year(year))
    previous = dict(dashboard.key_figures(territory, Period.year(year - 1)))
    return [(label, value, previous.get(label, "")) for label, value in current]


def context(territory, year):
    period = Period.year(year)
    cross = figures.notices_by_category_and_site(territory, period)
    categories = sorted({category for per_site in cross.values() for category in per_site})
    return {
        "territory": territory,
        "year": year,
        "previous_year": year - 1,
        "comparison": comparison(territory, year),
        "counted_until": figures.counted_until(period),
        "figures": [f for builder in REPORT_FIGURES if (f := builder(territory, period)) is not None],
        "categories": categories,
        "cross": [(site, [per_site.get(c, 0) for c in categories], sum(per_site.values())) for site, per_site in cross.items()],
        "generated_at": timezone.localtime(),
    }


def render_pdf(territory, year):
    from weasyprint import CSS, HTML  # heavy import (pango), only when a report is asked for

    counting.flush()
    html = render_to_string("stats/yearly_report.html", context(territory, year))
    stylesheet = CSS(filename=finders.find("css/stats.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
