"""Charts drawn on the server as SVG: the same markup in the console and in the yearly PDF, no
script, no external library. Every label is escaped (site and organization names come from
operators). Each chart carries its title and text summary (<title>, <desc>); the page puts a
data table next to it for those who do not see it."""
from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 220
VALUE_WIDTH = 60
COLUMN_HEIGHT = 180
AXIS_LABEL_HEIGHT = 36
INK, BAR, GRID = "#1e1e1e", "#1d4f91", "#767676"


def _svg(chart_id, title, summary, height, body):
    return mark_safe(
        f'<svg class="stats-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(summary)}</desc>'
        f"{body}</svg>"
    )


def _number(value):
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else str(value)


def bar_chart(chart_id, title, summary, items):
    """Horizontal bars, one per (label, value): comparisons between sites, categories, channels."""
    top = max((value for _label, value in items), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = []
    for n, (label, value) in enumerate(items):
        y = n * (BAR_HEIGHT + GAP)
        length = round(room * value / top, 1)
        text_y = y + BAR_HEIGHT * 0.7
        shown = str(label) if len(str(label)) <= 32 else f"{str(label)[:31]}…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" font-size="13" fill="{INK}">{escape(shown)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{text_y}" font-size="13" fill="{INK}">{escape(_number(value))}</text>'
        )
    height = max(len(items) * (BAR_HEIGHT + GAP), BAR_HEIGHT)
    return _svg(chart_id, title, summary, height, "".join(parts))


def column_chart(chart_id, title, summary, points, tick_label, tick_every=1):
    """Vertical columns over time, one per (moment, value); a tick label every `tick_every`
    points (`tick_label(moment)` gives its text), a grid line at the maximum."""
    top = max((value for _moment, value in points), default=0)
    left, count = 44, max(len(points), 1)
    step = (WIDTH - left) / count
    parts = [
        f'<line x1="{left}" y1="{COLUMN_HEIGHT}" x2="{WIDTH}" y2="{COLUMN_HEIGHT}" stroke="{GRID}"/>',
        f'<line x1="{left}" y1="10" x2="{WIDTH}" y2="10" stroke="{GRID}" stroke-dasharray="3 3"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end" font-size="12" fill="{INK}">{escape(_number(top))}</text>',
        f'<text x="{left - 6}" y="{COLUMN_HEIGHT}" text-anchor="end" font-size="12" fill="{INK}">0</text>',
    ]
    for n, (moment, value) in enumerate(points):
        x = left + n * step
        height = round((COLUMN_HEIGHT - 10) * value / top, 1) if top else 0
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{COLUMN_HEIGHT - height}" width="{max(step * 0.8, 0.6):.1f}" '
            f'height="{height}" fill="{BAR}"/>'
        )
        label = tick_label(moment) if n % tick_every == 0 else ""
        if label:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{COLUMN_HEIGHT + 16}" text-anchor="middle" font-size="11" '
                f'fill="{INK}">{escape(label)}</text>'
            )
    return _svg(chart_id, title, summary, COLUMN_HEIGHT + AXIS_LABEL_HEIGHT, "".join(parts))
