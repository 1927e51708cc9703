"""Charts drawn on the server as SVG: the same markup in the console and in the yearly PDF, no
script, no external library. Every label is escaped (site and organization names come from
operators). Each chart carries its title and text summary (<title>, <desc>); the page puts a
data table next to it for those who do not see it.

No label may fall outside the drawing (a name cut at its start reads as another name): labels
are placed from an estimate of their width that errs on the wide side (`text_width`), bar labels
sit above their bar, and tick labels that would overlap the previous one are left out."""
from math import ceil

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
LABEL_LINE = 18  # a bar's label, above the bar
BAR_HEIGHT = 18
GAP = 10
INSET = 3  # between a label and the drawing's edge: some glyphs (T, J) reach left of their origin
FONT = 13
TICK_FONT = 11
COLUMN_HEIGHT = 180
AXIS_LABEL_HEIGHT = 36
INK, BAR, GRID = "#1e1e1e", "#1d4f91", "#767676"

# Advance widths in em of DejaVu Sans (the PDF's font and Debian's default sans), rounded up a
# little: an estimate a few per cent wide keeps labels inside without dropping tick labels that fit.
_WIDTHS = [(set(" .,:;'’!|ijlI"), 0.34), (set("()[]tf-"), 0.4), (set("r"), 0.42), (set("mwMW%—…"), 1.0)]


def text_width(text, size):
    """An upper estimate of the width of `text` at `size` px."""
    em = 0.0
    for char in str(text):
        width = next((w for chars, w in _WIDTHS if char in chars), None)
        if width is None:
            width = 0.8 if char.isupper() else 0.64
        em += width
    return em * size


def fit(text, size, room):
    """`text`, shortened with an ellipsis when wider than `room` px."""
    text = str(text)
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


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
    """Horizontal bars, one per (label, value), each label on its own line above its bar:
    comparisons between sites, categories, channels."""
    top = max((value for _label, value in items), default=0) or 1
    value_room = max((text_width(_number(value), FONT) for _label, value in items), default=0) + 6 + INSET
    room = WIDTH - value_room
    row = LABEL_LINE + BAR_HEIGHT + GAP
    parts = []
    for n, (label, value) in enumerate(items):
        y = n * row
        length = round(room * value / top, 1)
        bar_y = y + LABEL_LINE
        parts.append(
            f'<text x="{INSET}" y="{y + FONT}" font-size="{FONT}" fill="{INK}">{escape(fit(label, FONT, WIDTH - 2 * INSET))}</text>'
            f'<rect x="0" y="{bar_y}" width="{length}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            f'<text x="{length + 6}" y="{bar_y + BAR_HEIGHT * 0.75}" font-size="{FONT}" fill="{INK}">'
            f"{escape(_number(value))}</text>"
        )
    height = max(len(items) * row - GAP, BAR_HEIGHT)
    return _svg(chart_id, title, summary, height, "".join(parts))


def column_chart(chart_id, title, summary, points, tick_label, tick_every=1):
    """Vertical columns over time, one per (moment, value); a tick label every `tick_every`
    points (`tick_label(moment)` gives its text, "" for none) where it does not overlap the
    previous one, a grid line at the maximum."""
    top = max((value for _moment, value in points), default=0)
    left = max(44, ceil(text_width(_number(top), 12)) + 10)  # room for the axis' largest number
    count = max(len(points), 1)
    step = (WIDTH - left) / count
    parts = [
        f'<line x1="{left}" y1="{COLUMN_HEIGHT}" x2="{WIDTH}" y2="{COLUMN_HEIGHT}" stroke="{GRID}"/>',
        f'<line x1="{left}" y1="10" x2="{WIDTH}" y2="10" stroke="{GRID}" stroke-dasharray="3 3"/>',
        f'<text x="{left - 6}" y="14" text-anchor="end" font-size="12" fill="{INK}">{escape(_number(top))}</text>',
        f'<text x="{left - 6}" y="{COLUMN_HEIGHT}" text-anchor="end" font-size="12" fill="{INK}">0</text>',
    ]
    free_from = 0  # where the next tick label may begin
    for n, (moment, value) in enumerate(points):
        x = left + n * step
        height = round((COLUMN_HEIGHT - 10) * value / top, 1) if top else 0
        parts.append(
            f'<rect x="{x + step * 0.1:.1f}" y="{COLUMN_HEIGHT - height}" width="{max(step * 0.8, 0.6):.1f}" '
            f'height="{height}" fill="{BAR}"/>'
        )
        label = tick_label(moment) if n % tick_every == 0 else ""
        if not label:
            continue
        width = text_width(label, TICK_FONT)
        start = min(max(x + step / 2 - width / 2, INSET), WIDTH - INSET - width)  # centred under its column, inside
        if start < free_from:
            continue
        free_from = start + width + 4
        parts.append(
            f'<text x="{start:.1f}" y="{COLUMN_HEIGHT + 16}" font-size="{TICK_FONT}" fill="{INK}">{escape(label)}</text>'
        )
    return _svg(chart_id, title, summary, COLUMN_HEIGHT + AXIS_LABEL_HEIGHT, "".join(parts))
