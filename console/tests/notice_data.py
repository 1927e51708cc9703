"""What the console's notice forms post, as a browser would send it (times in Paris time)."""
from datetime import timedelta

from django.utils import timezone

from notices.models import Kind, Notice


def split(value):
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def notice_post(world, site=None, action="publish", **overrides):
    """A valid new notice for site A (or `site`), starting in an hour, lasting 2 h."""
    site = site or world.site_a
    fields = world.notice_fields(site=site)
    data = {
        "site": site.pk,
        "category": fields["category"],
        "kind": fields["kind"],
        "perceptions": fields["perceptions"],
        "duration": "120",
        "title": fields["title"],
        "body": fields["body"],
        "impact": fields["impact"],
        "communes": [c.pk for c in fields["communes"]],
        "explainer": "",
        "action": action,
    }
    data["starts_at_0"], data["starts_at_1"] = split(fields["starts_at"])
    data.update(overrides)
    return data


def revision_post(notice, change_note="Fin prévue repoussée d'une heure.", **overrides):
    """The update form of `notice` as shown, with a change note."""
    data = {
        "site": notice.site_id,
        "category": notice.category,
        "kind": notice.kind,
        "perceptions": list(notice.perceptions),
        "duration": "other",
        "title": notice.title,
        "body": notice.body,
        "impact": notice.impact,
        "communes": [c.pk for c in notice.communes.all()],
        "explainer": notice.explainer_id or "",
        "change_note": change_note,
        "notify": "on",
    }
    data["starts_at_0"], data["starts_at_1"] = split(notice.starts_at)
    if notice.expected_end_at:
        data["expected_end_at_0"], data["expected_end_at_1"] = split(notice.expected_end_at)
    else:
        data["duration"] = "unknown"
    data.update(overrides)
    return data


def ongoing_notice(world, **overrides):
    """An observed notice on site A, started half an hour ago, expected to last 2 more hours."""
    now = timezone.now()
    fields = dict(kind=Kind.OBSERVED, starts_at=now - timedelta(minutes=30), expected_end_at=now + timedelta(hours=2))
    return world.publish(**{**fields, **overrides})


def scheduled_notice(world):
    return world.publish()


def state(notice):
    """What must not move when an action is refused."""
    notice = Notice.objects.get(pk=notice.pk)
    return (notice.status, notice.title, notice.ended_at, notice.public_reason, notice.revisions.count())
