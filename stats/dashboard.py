"""Turns the figures into what a person reads: a title, a one-sentence summary, a chart and the
same data as a table (and as CSV). Used by the console page, the CSV export and the yearly PDF."""
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import charts, figures
from .models import AudienceKind


@dataclass
class Figure:
    slug: str
    title: str
    summary: str
    columns: list
    rows: list  # values as shown in the table and written to the CSV
    chart: SafeString | str = ""
    notes: list = field(default_factory=list)


# --- formatting ------------------------------------------------------------------------------


def month_label(day):
    return date_format(day, "F Y")


def short_month_label(day):
    # "N" gives each month its own abbreviation ("juin 26", "juil. 26"); "M" calls June and July "Jui".
    return date_format(day, "N y")


def day_label(day):
    return date_format(day, "j F Y")


def short_day_label(day):
    return date_format(day, "j N y")


def duration_label(delta):
    """'3 j 4 h', '2 h 05 min', '-10 min' — readable at a glance."""
    if delta is None:
        return _("non calculable")
    minutes = round(delta.total_seconds() / 60)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{sign}{days} j {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    return f"{sign}{minutes} min"


def hours(delta):
    return "" if delta is None else round(delta.total_seconds() / 3600, 2)


def percent(part, whole):
    return None if not whole else round(100 * part / whole)


def percent_label(part, whole):
    share = percent(part, whole)
    return _("non calculable") if share is None else f"{share} %"


def _busiest(items, label=str):
    """'mars 2026 (9)' for the largest value, or '' when everything is 0."""
    best = max(items, key=lambda item: item[1], default=None)
    return f"{label(best[0])} ({best[1]})" if best and best[1] else ""


# --- figures ---------------------------------------------------------------------------------


def notices_by_month(territory, period):
    items = figures.notices_by_month(territory, period)
    total = sum(count for _m, count in items)
    summary = ngettext("%(n)d message sur la période.", "%(n)d messages sur la période.", total) % {"n": total}
    if busiest := _busiest(items, month_label):
        summary += " " + _("Mois le plus chargé : %(month)s.") % {"month": busiest}
    title = _("Messages par mois")
    chart = charts.column_chart("c-month", title, summary, items, short_month_label, _tick_every(len(items), 12))
    return Figure("messages-par-mois", title, summary, [_("Mois"), _("Messages")],
                  [(month_label(m), n) for m, n in items], chart)


def _ranking(slug, title, column, items, unit_total):
    total = sum(n for _label, n in items)
    if items:
        summary = _("%(total)s au total ; en tête : %(first)s.") % {"total": unit_total(total), "first": _busiest(items)}
    else:
        summary = _("Aucun message sur la période.")
    chart = charts.bar_chart(f"c-{slug}", title, summary, items) if items else ""
    return Figure(slug, title, summary, [column, _("Messages")], list(items), chart)


def _messages(n):
    return ngettext("%(n)d message", "%(n)d messages", n) % {"n": n}


def notices_by_category(territory, period):
    return _ranking("messages-par-categorie", _("Messages par catégorie"), _("Catégorie"),
                    figures.notices_by_category(territory, period), _messages)


def notices_by_site(territory, period):
    return _ranking("messages-par-site", _("Messages par site industriel"), _("Site"),
                    figures.notices_by_site(territory, period), _messages)


def notices_by_organization(territory, period):
    return _ranking("messages-par-adherent", _("Messages par adhérent"), _("Adhérent"),
                    figures.notices_by_organization(territory, period), _messages)


def planned_and_observed(territory, period):
    items = figures.planned_and_observed(territory, period)
    planned, observed = (n for _label, n in items)
    summary = _("%(planned)s prévus à l'avance, %(observed)s constatés.") % {
        "planned": _messages(planned), "observed": _messages(observed)}
    title = _("Opérations prévues et événements constatés")
    return Figure("prevus-constates", title, summary, [_("Nature"), _("Messages")],
                  [(str(label), n) for label, n in items], charts.bar_chart("c-kind", title, summary, items))


def timeliness(territory, period):
    lead = figures.median_lead_time(territory, period)
    delay = figures.median_publication_delay(territory, period)
    on_time, ended = figures.ended_on_time(territory, period)
    # One sentence per figure, so that a missing figure reads as plainly as a present one.
    parts = [
        _("Les opérations prévues sont annoncées %(lead)s avant leur début (médiane).") % {"lead": duration_label(lead)}
        if lead is not None else _("Aucune opération prévue sur la période : pas de délai d'annonce à calculer."),
        _("Les événements constatés sont publiés %(delay)s après leur début (médiane).") % {"delay": duration_label(delay)}
        if delay is not None else _("Aucun événement constaté sur la période : pas de délai de publication à calculer."),
        _("%(share)s des messages terminés l'ont été à l'heure annoncée.") % {"share": percent_label(on_time, ended)}
        if ended else _("Aucun message terminé sur la période."),
    ]
    summary = " ".join(str(p) for p in parts)
    rows = [
        (_("Délai d'annonce médian des opérations prévues"), duration_label(lead), hours(lead)),
        (_("Délai de publication médian des événements constatés"), duration_label(delay), hours(delay)),
        (_("Messages terminés à l'heure annoncée"), f"{on_time} / {ended}", percent(on_time, ended) if ended else ""),
    ]
    return Figure("delais", _("Délais d'information"), summary, [_("Indicateur"), _("Valeur"), _("Heures ou %")], rows)


def silent_organizations(territory, period):
    names = figures.silent_organizations(territory, period)
    summary = (
        ngettext("%(n)d adhérent n'a publié aucun message sur la période.",
                 "%(n)d adhérents n'ont publié aucun message sur la période.", len(names)) % {"n": len(names)}
        if names else _("Tous les adhérents ont publié au moins un message sur la période.")
    )
    return Figure("adherents-sans-message", _("Adhérents sans message"), summary, [_("Adhérent")], [(n,) for n in names])


def page_views_per_day(territory, period):
    days = figures.page_views_per_day(territory, period)
    totals = [(day, sum(per_kind.values())) for day, per_kind in days]
    total = sum(n for _d, n in totals)
    summary = ngettext("%(n)d consultation sur la période.", "%(n)d consultations sur la période.", total) % {"n": total}
    if busiest := _busiest(totals, day_label):
        summary += " " + _("Jour le plus consulté : %(day)s.") % {"day": busiest}
    title = _("Consultations par jour")
    labels = dict(AudienceKind.choices)
    columns = [_("Jour")] + [str(labels[k]) for k in AudienceKind.values] + [_("Total")]
    rows = [(day.isoformat(), *(per_kind[k] for k in AudienceKind.values), sum(per_kind.values())) for day, per_kind in days]
    chart = charts.column_chart("c-views", title, summary, totals, _first_of_month_label, 1)
    return Figure("consultations-par-jour", title, summary, columns, rows, chart,
                  notes=[_("Sans cookie ni donnée personnelle ; les robots connus ne sont pas comptés.")])


def page_views_by_kind(territory, period):
    items = [(str(label), n) for label, n in figures.page_views_by_kind(territory, period)]
    total = sum(n for _l, n in items)
    summary = ngettext("%(n)d consultation ou requête", "%(n)d consultations ou requêtes", total) % {"n": total}
    summary += " : " + ", ".join(f"{label} {n}" for label, n in items) + "."
    title = _("Consultations par usage")
    return Figure("consultations-par-usage", title, summary, [_("Usage"), _("Consultations")], items,
                  charts.bar_chart("c-kinds", title, summary, items))


def calls_per_day(territory, period):
    items = figures.calls_per_day(territory, period)
    if items is None:
        return None
    total = sum(n for _d, n in items)
    summary = ngettext("%(n)d appel au numéro vert.", "%(n)d appels au numéro vert.", total) % {"n": total}
    if busiest := _busiest(items, day_label):
        summary += " " + _("Jour le plus chargé : %(day)s.") % {"day": busiest}
    title = _("Appels au numéro vert par jour")
    return Figure("appels-par-jour", title, summary, [_("Jour"), _("Appels")], [(d.isoformat(), n) for d, n in items],
                  charts.column_chart("c-calls", title, summary, items, _first_of_month_label, 1))


def subscribers_over_time(territory, period):
    series = figures.subscribers_by_channel_over_time(territory, period)
    if series is None:
        return None
    channels = [str(label) for label in (series[0][1] if series else {})]
    totals = [(month, sum(per.values())) for month, per in series]
    last = totals[-1][1] if totals else 0
    summary = ngettext("%(n)d abonné confirmé en fin de période.", "%(n)d abonnés confirmés en fin de période.", last) % {"n": last}
    title = _("Abonnés par canal, mois après mois")
    rows = [(month_label(m), *per.values(), sum(per.values())) for m, per in series]
    chart = charts.column_chart("c-subs", title, summary, totals, short_month_label, _tick_every(len(totals), 12))
    return Figure("abonnes-par-canal", title, summary, [_("Mois")] + channels + [_("Total")], rows, chart,
                  notes=_departures_note(figures.month_end(period.start, period)))


def subscribers_by_commune(territory, period):
    items = figures.subscribers_by_commune(territory, period)
    if items is None:
        return None
    summary = _("En tête : %(first)s.") % {"first": _busiest(items)} if items else _("Aucun abonné confirmé.")
    title = _("Abonnés par commune suivie")
    chart = charts.bar_chart("c-communes", title, summary, items[:15]) if items else ""
    return Figure("abonnes-par-commune", title, summary, [_("Commune"), _("Abonnés")], items, chart,
                  notes=_departures_note(period.end))


def _departures_note(first_count_day):
    """Departures are only known since they are recorded: say so when a count falls earlier."""
    since = figures.departures_known_since()
    if since is None or figures.local_midnight(first_count_day) >= since:
        return []
    return [_("Les départs ne sont comptés que depuis le %(day)s : avant, des abonnés partis depuis peuvent manquer.")
            % {"day": date_format(figures.local_day(since), "j F Y")}]


def deliveries_by_channel(territory, period):
    rows = figures.deliveries_by_channel(territory, period)
    if rows is None:
        return None
    sent, failed = sum(r[1] for r in rows), sum(r[2] for r in rows)
    summary = _("%(sent)d envois réussis, %(failed)d échecs définitifs.") % {"sent": sent, "failed": failed}
    title = _("Envois par canal")
    items = [(str(label), n) for label, n, _f in rows]
    return Figure("envois-par-canal", title, summary, [_("Canal"), _("Envoyés"), _("Échecs")],
                  [(str(label), s, f) for label, s, f in rows], charts.bar_chart("c-deliveries", title, summary, items))


def reports_per_week(territory, period):
    rows = figures.reports_per_week(territory, period)
    if rows is None:
        return None
    explained, total = figures.reports_explained(territory, period)
    summary = ngettext("%(n)d signalement de riverain", "%(n)d signalements de riverains", total) % {"n": total}
    summary += " ; " + _("%(share)s expliqués par un message publié.") % {"share": percent_label(explained, total)}
    title = _("Signalements par semaine")
    points = [(week, n) for week, n, _e in rows]
    return Figure("signalements-par-semaine", title, summary, [_("Semaine du"), _("Signalements"), _("Expliqués")],
                  [(w.isoformat(), n, e) for w, n, e in rows],
                  charts.column_chart("c-reports", title, summary, points, short_day_label, _tick_every(len(points), 8)))


def episodes(territory, period):
    found = figures.episodes(territory, period)
    if found is None:
        return None
    median = found["median_time_to_explanation"]
    summary = _("%(opened)d épisodes ouverts, %(explained)d expliqués ; délai médian d'explication : %(median)s.") % {
        "opened": found["opened"], "explained": found["explained"], "median": duration_label(median)}
    rows = [
        (_("Épisodes ouverts"), found["opened"]),
        (_("Épisodes expliqués par un message"), found["explained"]),
        (_("Délai médian d'explication (heures)"), hours(median)),
    ]
    return Figure("episodes", _("Épisodes de signalements"), summary, [_("Indicateur"), _("Valeur")], rows)


def _first_of_month_label(day):
    return date_format(day, "N") if day.day == 1 else ""


def _tick_every(count, most):
    return max(1, -(-count // most))


BUILDERS = {
    "messages-par-mois": notices_by_month,
    "messages-par-categorie": notices_by_category,
    "messages-par-site": notices_by_site,
    "messages-par-adherent": notices_by_organization,
    "prevus-constates": planned_and_observed,
    "delais": timeliness,
    "adherents-sans-message": silent_organizations,
    "consultations-par-jour": page_views_per_day,
    "consultations-par-usage": page_views_by_kind,
    "appels-par-jour": calls_per_day,
    "abonnes-par-canal": subscribers_over_time,
    "abonnes-par-commune": subscribers_by_commune,
    "envois-par-canal": deliveries_by_channel,
    "signalements-par-semaine": reports_per_week,
    "episodes": episodes,
}


def build(territory, period):
    """Every figure available for this deployment (parts not installed are left out)."""
    return [figure for builder in BUILDERS.values() if (figure := builder(territory, period)) is not None]


def build_one(territory, period, slug):
    builder = BUILDERS.get(slug)
    return builder(territory, period) if builder else None


def key_figures(territory, period):
    """The handful of numbers the yearly report opens with, as (label, value)."""
    on_time, ended = figures.ended_on_time(territory, period)
    views = sum(sum(per.values()) for _d, per in figures.page_views_per_day(territory, period))
    rows = [
        (_("Messages publiés"), figures.notice_count(territory, period)),
        (_("Opérations annulées ou messages retirés"), figures.cancelled_count(territory, period)),
        (_("Délai d'annonce médian (opérations prévues)"), duration_label(figures.median_lead_time(territory, period))),
        (_("Délai de publication médian (événements constatés)"),
         duration_label(figures.median_publication_delay(territory, period))),
        (_("Messages terminés à l'heure annoncée"), percent_label(on_time, ended)),
        (_("Consultations et requêtes"), views),
    ]
    calls = figures.calls_per_day(territory, period)
    if calls is not None:
        rows.append((_("Appels au numéro vert"), sum(n for _d, n in calls)))
    explained = figures.reports_explained(territory, period)
    if explained is not None:
        rows.append((_("Signalements de riverains"), explained[1]))
    return rows
