"""The charts' labels: each month named unambiguously, and no label outside the drawing (a
label cut at its start reads as another name). The browser test measures the drawn text."""
import re
from datetime import date

from django.utils import translation

from stats import charts, dashboard
from stats.figures import Period

TEXT = re.compile(r'<text x="([-\d.]+)"[^>]*?(?: text-anchor="(\w+)")?[^>]*font-size="(\d+)"[^>]*>([^<]*)</text>')


def texts(svg):
    return [(float(x), anchor or "start", int(size), label) for x, anchor, size, label in TEXT.findall(str(svg))]


def test_month_ticks_name_june_and_july_apart(world):
    figure = dashboard.notices_by_month(world.x, Period.year(2026))
    ticks = [label for _x, _a, size, label in texts(figure.chart) if size == charts.TICK_FONT]
    assert ticks == ["jan. 26", "fév. 26", "mars 26", "avr. 26", "mai 26", "juin 26", "juil. 26",
                     "août 26", "sept. 26", "oct. 26", "nov. 26", "déc. 26"]
    with translation.override("en"):
        figure = dashboard.notices_by_month(world.x, Period(date(2026, 5, 1), date(2026, 8, 1)))
    assert [label for _x, _a, size, label in texts(figure.chart) if size == charts.TICK_FONT] == [
        "May 26", "June 26", "July 26"]


def test_day_ticks_show_each_month_once_unambiguously(world):
    figure = dashboard.page_views_per_day(world.x, Period(date(2026, 5, 1), date(2026, 8, 1)))
    assert [label for _x, _a, size, label in texts(figure.chart) if size == charts.TICK_FONT] == ["mai", "juin", "juil."]


def within_drawing(svg):
    outside = []
    for x, anchor, size, label in texts(svg):
        width = charts.text_width(label, size)
        start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        if start < 0 or start + width > charts.WIDTH:
            outside.append((label, start, start + width))
    return outside


def test_long_names_and_big_numbers_stay_inside_the_chart():
    long_name = "Société Anonyme des Raffineries et Pétrochimies Réunies de l'Estuaire de la Seine"
    bars = charts.bar_chart("c", "Titre", "Résumé", [(long_name, 1234567), ("Court", 3), ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 12)])
    assert within_drawing(bars) == []
    assert "Société Anonyme des Raffineries" in str(bars)  # shortened at its end, never at its start
    days = [(date(2026, 1, 1).replace(day=d), 123456 * d) for d in range(1, 29)]
    columns = charts.column_chart("c", "Titre", "Résumé", days, dashboard.short_day_label, 1)
    assert within_drawing(columns) == []
