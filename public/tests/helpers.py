"""Small helpers for reading public pages in tests."""
import re
from datetime import timedelta

from django.utils import timezone


def text(response):
    return response.content.decode()


def section(response, section_id):
    """The HTML of <section id=...> up to the next section (sections are not nested)."""
    html = text(response)
    start = html.index(f'id="{section_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def ongoing(world, **fields):
    """An observed notice that started half an hour ago (ongoing at once)."""
    fields.setdefault("starts_at", timezone.now() - timedelta(minutes=30))
    return world.publish(kind="observed", **fields)


def has_inline_script(html):
    return bool(re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html))
