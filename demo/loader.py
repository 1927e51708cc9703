"""Builds the demonstration from demo.data: territories, fictional members and sites, users,
and notices told through notices.services, exactly as operators would publish them.

Loading again refreshes everything: territories, organizations, sites and users are updated in
place (their ids, hence URLs, stay the same), the demo's notices are deleted and told again
relative to the new "now". A territory with a demo slug that is not marked is_demo is never
touched: the demo must not wipe a real deployment's notices."""
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from notices import services
from notices.models import Explainer, Notice, Revision
from territories.models import Commune, Epci, Membership, Organization, Role, Site, Territory
from zones import demo as zones_demo

from . import data


class DemoError(Exception):
    """The demo cannot be loaded; the message says what to do (in French, for the console)."""


@dataclass
class Summary:
    territories: list = field(default_factory=list)  # (territory, active, upcoming, ended)
    users: list = field(default_factory=list)  # (username, what they can do)


def load(specs=data.TERRITORIES):
    _check_reference_data(specs)
    summary = Summary()
    with transaction.atomic():
        _user(data.SUPERUSER, superuser=True)
        summary.users.append((data.SUPERUSER, "super-utilisateur (tous les territoires, /admin/)"))
        explainers = _explainers_by_category()
        for spec in specs:
            territory = _territory(spec)
            # Notices first: they protect the sites, which protect the organizations.
            Notice.objects.filter(territory=territory).delete()
            sites = _members(spec, territory, summary)
            for site, _operator in sites.values():  # the demonstration's wind, for the perception zones
                zones_demo.store_forecast(site, spec.slug)
            for story in spec.stories:
                _tell(story, sites, explainers, territory)
            summary.territories.append(_counts(territory))
    return summary


# --- reference data ---------------------------------------------------------------------------


def _commune_codes(spec):
    codes = set(spec.communes)
    for org in spec.organizations:
        codes |= {org.site.commune, *org.site.neighbours}
    for story in spec.stories:
        codes |= set(story.communes)
    return codes


def _check_reference_data(specs):
    missing_epcis = {code for spec in specs for code in spec.epcis} - set(Epci.objects.values_list("code", flat=True))
    wanted = set().union(*(_commune_codes(spec) for spec in specs))
    missing = wanted - set(Commune.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing or missing_epcis:
        raise DemoError(
            "Les communes de référence ne sont pas chargées (manquent : %s). "
            "Lancez d'abord « manage.py load_reference_data »." % ", ".join(sorted(missing | missing_epcis)[:8])
        )


def _explainers_by_category():
    """The first explainer about each category, if the explainers are loaded (optional)."""
    found = {}
    for explainer in Explainer.objects.all():
        for category in explainer.categories or []:
            found.setdefault(category, explainer)
    return found


# --- territory, members, users ----------------------------------------------------------------


def _territory(spec):
    territory = Territory.objects.filter(slug=spec.slug).first()
    if territory is not None and not territory.is_demo:
        raise DemoError(
            f"Le territoire « {spec.slug} » existe et n'est pas une démonstration : "
            "la démo ne le modifie pas. Supprimez-le ou chargez la démo dans une autre base."
        )
    territory = territory or Territory(slug=spec.slug)
    territory.name = spec.name
    territory.presentation = spec.presentation
    territory.toll_free_number = spec.toll_free_number
    territory.contact_phone = spec.contact_phone
    territory.contact_email = spec.contact_email
    territory.coordinator_name = spec.coordinator_name
    territory.is_demo = True
    territory.is_published = True
    territory.full_clean()
    territory.save()
    communes = Commune.objects.filter(epci__in=spec.epcis) | Commune.objects.filter(code__in=spec.communes)
    territory.communes.set(communes)
    coordinator = _user(spec.coordinator)
    Membership.objects.create(user=coordinator, role=Role.COORDINATOR, territory=territory)
    return territory


def _members(spec, territory, summary):
    """Organizations and their sites, with one operator each; returns {site slug: (site, operator)}."""
    summary.users.append((spec.coordinator, f"coordinateur de « {territory.name} »"))
    covered = set(territory.communes.values_list("code", flat=True))
    sites = {}
    kept = []
    for org_spec in spec.organizations:
        org, _ = Organization.objects.update_or_create(
            territory=territory, name=org_spec.name, defaults={"website": org_spec.website, "is_active": True}
        )
        kept.append(org.pk)
        site = _site(org, org_spec.site, covered)
        operator = _user(org_spec.operator)
        Membership.objects.create(user=operator, role=Role.OPERATOR, organization=org)
        summary.users.append((org_spec.operator, f"rédacteur de « {org.name} »"))
        sites[org_spec.site.slug] = (site, operator)
    # Members dropped from demo.data since the last load go away (their notices are gone already).
    stale = Organization.objects.filter(territory=territory).exclude(pk__in=kept)
    Site.objects.filter(organization__in=stale).delete()
    stale.delete()
    return sites


def _site(org, spec, covered):
    outside = {spec.commune, *spec.neighbours} - covered
    if outside:
        raise DemoError(f"Site « {spec.name} » : communes hors du territoire ({', '.join(sorted(outside))}).")
    Site.objects.filter(organization=org).exclude(slug=spec.slug).delete()
    site = Site.objects.filter(organization=org, slug=spec.slug).first() or Site(organization=org, slug=spec.slug)
    site.name = spec.name
    site.commune_id = spec.commune
    site.latitude = spec.latitude
    site.longitude = spec.longitude
    site.seveso = spec.seveso
    site.description = spec.description
    site.is_active = True
    site.full_clean()
    site.save()
    site.neighbouring_communes.set(spec.neighbours)
    return site


@lru_cache
def _password_hash():
    # Hashed once for the thirteen accounts: a production-strength hash costs up to a second
    # each, and a shared salt does not matter for a password printed on the console anyway.
    return make_password(data.PASSWORD)


def _user(username, superuser=False):
    """A demo account with the demo password; its roles are given afresh at every load."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.email = f"{username}@example.org"
    user.is_active = True
    user.is_staff = user.is_superuser = superuser
    user.password = _password_hash()
    user.save()
    Membership.objects.filter(user=user).delete()
    return user


# --- notices ------------------------------------------------------------------------------------


def _communes(codes):
    return list(Commune.objects.filter(code__in=codes))


def _resolve(fields, notice):
    """Update fields as services.update takes them: INSEE codes become communes, and a
    callable is computed from the notice as it stands (e.g. "one day later than planned")."""
    resolved = {}
    for name, value in fields.items():
        if callable(value):
            value = value(notice)
        if name == "communes":
            value = _communes(value)
        elif name == "perceptions":
            value = list(value)
        resolved[name] = value
    return resolved


def _tell(story, sites, explainers, territory):
    """Publish the story's notice as its operator would, then update, end or cancel it."""
    site, operator = sites[story.site]
    now = timezone.now()
    starts_at = story.start(now)
    _check_timing(story, starts_at, now, territory)
    notice = services.publish(operator, {
        "site": site,
        "category": story.category,
        "kind": story.kind,
        "perceptions": list(story.perceptions),
        "starts_at": starts_at,
        "expected_end_at": starts_at + story.planned if story.planned else None,
        "title": story.title,
        "body": story.body,
        "impact": story.impact,
        "communes": _communes(story.communes or [c.code for c in site.neighbouring_communes.all()]),
        "explainer": explainers.get(story.category),
        "immediate": story.immediate,
    })
    moments = [starts_at - story.announced]
    for step in story.updates:
        notice = services.update(operator, notice, _resolve(step.fields, notice), step.change_note)
        moments.append(starts_at + step.after)
    if story.outcome == "ended":
        notice = services.end(operator, notice, ended_at=starts_at + story.lasted, change_note=story.end_note)
        moments.append(notice.ended_at)
    elif story.outcome == "cancelled":
        notice = services.cancel(operator, notice, reason=story.cancel_reason)
        moments.append(now)
    _backdate(notice, moments, now)


def _check_timing(story, starts_at, now, territory):
    """A mistake in demo.data should say which story is wrong, not fail deep in a service."""
    ok = {
        "ongoing": starts_at <= now,
        "scheduled": starts_at > now,
        "cancelled": starts_at > now,
        "ended": story.lasted is not None and starts_at + story.lasted <= now,
    }.get(story.outcome)
    if not ok:
        raise DemoError(f"{territory.slug} : « {story.title} » ne peut pas être « {story.outcome} » à cette date.")


def _backdate(notice, moments, now):
    """Date the revisions when the story says they happened, not when the demo was loaded.

    The services stamp every revision with the real time of the call; a history where a
    notice was published, updated and ended in the same second would not show what the demo
    is meant to show. So, after the services have done their work, the dates alone are moved
    with a queryset update (the snapshots stay exactly as the services froze them). Times are
    kept in order and never in the future: a notice announced for next week was published now."""
    previous = None
    revisions = list(notice.revisions.order_by("number"))
    for revision, moment in zip(revisions, moments):
        moment = min(moment, now)
        if previous is not None:
            moment = max(moment, previous)
        Revision.objects.filter(pk=revision.pk).update(created_at=moment)
        previous = moment
    first = min(moments[0], now)
    Notice.objects.filter(pk=notice.pk).update(published_at=first, created_at=first)


def _counts(territory):
    notices = Notice.objects.filter(territory=territory)
    return territory, notices.active().count(), notices.upcoming().count(), notices.ended().count()
