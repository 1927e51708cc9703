"""One function per action on reports: submit (a resident), explain_with (a notice was
published), close_episode (a coordinator), purge_emails (housekeeping).

Errors are ValidationError with French messages keyed by field; nothing is saved then."""
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from notices.models import Status
from notices.permissions import is_coordinator_of
from riverains import ratelimit
from riverains.text import CONTROL, validate_multiline
from territories.geo import distance_km, in_france

from . import cells, conf, episodes, matching, snapshot, tasks
from .models import Episode, EpisodeStatus, OdourDescriptor, Report, ReportKind, ReportMatch, ReportSettings

COMMENT_LIMIT = 500
EXPLANATION_LIMIT = 1000
# Phones' clocks drift: a report a few minutes "in the future" is a report of now.
CLOCK_TOLERANCE = timedelta(minutes=5)


class RateLimited(ValidationError):
    pass


def submit(territory, data, client_ip, device_id="", known=None):
    """Store a resident's report and answer at once: (report, matches best first). `known` is
    the territory's reports.snapshot when the caller already has it (the form's view)."""
    rules = ReportSettings.for_territory(territory)
    if (data.get("website") or "").strip():
        # The honeypot field is hidden from people; only robots fill it in.
        raise ValidationError(_("Votre signalement n'a pas pu être enregistré."), code="honeypot")
    # The sites, communes and notices of the day, from this process's memory while the
    # territory's state holds (one small query says so): reports.snapshot.
    known = known or snapshot.for_territory(territory.pk)
    cleaned = _clean(territory, rules, data, known)
    network_hash = pseudonym("network", client_ip or "")
    device_hash = pseudonym("device", device_id) if device_id else ""
    with transaction.atomic():
        # Counted in the report's own transaction: one commit (one WAL flush) per report instead
        # of three; a refused attempt, which stores nothing, is not counted (riverains.ratelimit).
        _check_rate(network_hash, device_hash)
        report = Report(territory=territory, network_hash=network_hash, device_hash=device_hash, **cleaned)
        if report.has_position:
            report.h3_cell = cells.cell_of(report.latitude, report.longitude)
        # A report of another day (not from the form nor the SMS, which take only today's) is
        # matched against the database directly.
        today = report.observed_at >= known.since + matching.margins()[1]
        matches = matching.match(report, known.candidates(report.observed_at) if today else None)
        report.explained = bool(matches)
        if matches:
            report.save()
            ReportMatch.objects.bulk_create(
                [ReportMatch(report=report, notice=m.notice, score=m.score, why=m.why) for m in matches]
            )
        else:
            # Stored by detection, with its episode (one INSERT, no UPDATE after).
            episode, opened = episodes.detect(report, rules)
            if opened:
                # The coordinators and the sites most likely concerned, once the report is stored.
                transaction.on_commit(lambda: tasks.notify_episode.enqueue(episode.pk))
    return report, matches


def pseudonym(purpose, value):
    """Salted HMAC, with the day in it: enough to tell people apart for an hour, useless to
    follow anyone from one day to the next; the address itself is never stored."""
    day = timezone.localdate().isoformat()
    return salted_hmac(f"riverains.reports.{purpose}", f"{day}|{value}", algorithm="sha256").hexdigest()


def _check_rate(network_hash, device_hash):
    limit, seconds = conf.get("REPORTS_RATE_LIMIT")
    keys = [f"net:{network_hash}"] + ([f"dev:{device_hash}"] if device_hash else [])
    # Both counts in one statement (one round trip); a refusal rolls both back with the report.
    if not all(outcome.allowed for outcome in ratelimit.hit_many("reports.rate", keys, limit, seconds)):
        raise RateLimited(
            _("Vous avez déjà envoyé plusieurs signalements il y a quelques minutes : merci, ils ont bien été "
              "reçus. Réessayez dans quelques minutes si la situation change."),
            code="rate_limited",
        )


def _clean(territory, rules, data, known):
    """Validate every field at once, so the form can show all problems together."""
    errors = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    kind = data.get("kind")
    if kind not in ReportKind.values:
        err("kind", _("Choisissez ce que vous percevez : odeur, bruit, fumée, flamme…"))
    intensity = _int(data.get("intensity"))
    if intensity not in range(1, 6):
        err("intensity", _("Indiquez l'intensité, de très faible à extrêmement forte."))
    descriptors = list(dict.fromkeys(data.get("descriptors") or []))[: len(OdourDescriptor.values)]
    if not set(descriptors) <= set(OdourDescriptor.values):
        err("descriptors", _("Choisissez le type d'odeur dans la liste."))
    if kind != ReportKind.ODOUR:
        descriptors = []
    observed_at = _clean_time(data.get("observed_at"), err)
    latitude, longitude = _clean_position(territory, rules, data, err, known.sites)
    commune = _clean_commune(territory, data.get("commune"), err, known.communes)
    if latitude is None and commune is None and "position" not in errors and "commune" not in errors:
        err("position", _("Indiquez où vous êtes : autorisez la localisation, touchez la carte ou choisissez "
                          "votre commune."))
    comment = (data.get("comment") or "").strip()
    if CONTROL.search(comment):  # NUL and the like: PostgreSQL refuses them, screens hide them
        err("comment", _("Le commentaire contient des caractères invisibles non autorisés : retirez-les."))
    if len(comment) > COMMENT_LIMIT:
        err("comment", _("Le commentaire est limité à %(limit)s caractères (il en fait %(count)s).")
            % {"limit": COMMENT_LIMIT, "count": len(comment)})
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
            if len(email) > 254:
                raise ValidationError("too long")
        except ValidationError:
            err("email", _("Cette adresse e-mail n'est pas valide, par exemple : prenom.nom@exemple.fr."))
    if errors:
        raise ValidationError(errors)
    return dict(kind=kind, intensity=intensity, descriptors=[d for d in OdourDescriptor.values if d in descriptors],
                observed_at=observed_at, latitude=latitude, longitude=longitude, commune=commune,
                comment=comment, email=email)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_time(observed_at, err):
    now = timezone.now()
    if observed_at is None:
        err("observed_at", _("Indiquez quand vous l'avez perçu."))
    elif observed_at > now + CLOCK_TOLERANCE:
        err("observed_at", _("L'heure indiquée est dans le futur : indiquez quand vous l'avez perçu."))
    elif timezone.localtime(observed_at).date() < timezone.localdate():
        err("observed_at", _("On ne peut signaler ici que ce qui est perçu aujourd'hui. Pour un fait plus ancien, "
                             "contactez le coordinateur du territoire."))
    else:
        return min(observed_at, now)
    return None


def _clean_position(territory, rules, data, err, sites):
    raw_lat, raw_lon = data.get("latitude"), data.get("longitude")
    if raw_lat in (None, "") and raw_lon in (None, ""):
        return None, None
    try:
        latitude = Decimal(str(raw_lat)).quantize(Decimal("0.00001"))
        longitude = Decimal(str(raw_lon)).quantize(Decimal("0.00001"))
        if not (latitude.is_finite() and longitude.is_finite()):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        err("position", _("La position reçue n'est pas lisible : touchez la carte ou choisissez votre commune."))
        return None, None
    if not in_france(latitude, longitude):
        err("position", _("Cette position est hors de France : touchez la carte ou choisissez votre commune."))
        return None, None
    nearest = min((distance_km(latitude, longitude, la, lo) for la, lo in sites), default=None)
    if nearest is not None and nearest > rules.area_radius_km:
        err("position", _("Cette position est à %(km)s km du site industriel le plus proche de %(territory)s : ce "
                          "service ne couvre que les environs des sites (%(radius)s km).")
            % {"km": f"{nearest:.0f}", "territory": territory.name, "radius": f"{rules.area_radius_km:.0f}"})
        return None, None
    return latitude, longitude


def _clean_commune(territory, code, err, communes):
    from territories.models import Commune

    if isinstance(code, Commune):
        code = code.pk
    if not code:
        return None
    code = str(code)[:5]
    commune = communes.get(code) if code.isalnum() else None
    if commune is None:
        err("commune", _("Choisissez une commune du territoire %(territory)s dans la liste.")
            % {"territory": territory.name})
    return commune


def explain_with(notice):
    """A notice was published or changed: the recent unexplained reports it explains become
    explained, their open episodes too, and the residents who asked are told (then forgotten)."""
    if notice.status not in matching.EXPLAINING_STATUSES:
        return []
    before, after = matching.margins()
    now = timezone.now()
    end = notice.ended_at if notice.status == Status.ENDED and notice.ended_at else now
    # Two days back at most: older reports were answered long ago, and the query stays small.
    since = max(notice.starts_at - before, now - timedelta(days=2))
    with transaction.atomic():
        reports = Report.objects.filter(
            territory_id=notice.territory_id, explained=False, observed_at__gte=since, observed_at__lte=end + after
        ).select_related("commune")
        found = [(r, m) for r in reports for m in [matching.explains(notice, r)] if m]
        if not found:
            return []
        ReportMatch.objects.bulk_create(
            [ReportMatch(report=r, notice=notice, score=m.score, why=m.why) for r, m in found], ignore_conflicts=True
        )
        ids = [r.pk for r, _m in found]
        Report.objects.filter(pk__in=ids).update(explained=True)
        Episode.objects.filter(reports__in=ids, status=EpisodeStatus.OPEN).update(
            status=EpisodeStatus.EXPLAINED, explaining_notice=notice, closed_at=now
        )
        to_tell = [r.pk for r, _m in found if r.email]
        if to_tell:
            transaction.on_commit(lambda: tasks.tell_reporters_explained.enqueue(notice.pk, to_tell))
    return ids


def close_episode(user, episode, explanation):
    """A coordinator closes an episode with a public explanation; reporters who asked are told."""
    if not is_coordinator_of(user, episode.territory):
        raise PermissionDenied(_("Seul le coordinateur du territoire peut clore un épisode."))
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": [_("Écrivez l'explication que les riverains liront.")]})
    if len(explanation) > EXPLANATION_LIMIT:
        raise ValidationError({"explanation": [_("L'explication est limitée à %(limit)s caractères.")
                                               % {"limit": EXPLANATION_LIMIT}]})
    try:
        validate_multiline(explanation)  # published on the territory's pages and e-mailed
    except ValidationError as e:
        raise ValidationError({"explanation": e.messages}) from None
    with transaction.atomic():
        episode = Episode.objects.select_for_update().get(pk=episode.pk)
        if episode.status != EpisodeStatus.OPEN:
            raise ValidationError(_("Cet épisode est déjà clos ou expliqué."))
        episode.status = EpisodeStatus.CLOSED
        episode.public_explanation = explanation
        episode.closed_at = timezone.now()
        episode.closed_by = user
        episode.save()
        transaction.on_commit(lambda: tasks.tell_reporters_closed.enqueue(episode.pk))
    return episode


def purge_emails(now=None):
    """Erase the addresses of residents who were never told anything after the retention delay."""
    now = now or timezone.now()
    limit = now - timedelta(days=conf.get("REPORTS_EMAIL_RETENTION_DAYS"))
    return Report.objects.filter(created_at__lt=limit).exclude(email="").update(email="")


# What identifies or could identify a resident: their words, address, network and device
# pseudonyms, and exact position (the ~5 km² H3 cell and the commune stay, for statistics).
PERSONAL_FIELDS = dict(comment="", email="", network_hash="", device_hash="", latitude=None, longitude=None)


def _with_personal_data():
    return Report.objects.filter(
        ~Q(comment="") | ~Q(email="") | ~Q(network_hash="") | ~Q(device_hash="") | Q(latitude__isnull=False)
    )


def anonymise_old_reports(now=None):
    """Erase the personal fields of reports older than REPORTS_ANONYMISE_AFTER_DAYS."""
    now = now or timezone.now()
    limit = now - timedelta(days=conf.get("REPORTS_ANONYMISE_AFTER_DAYS"))
    return _with_personal_data().filter(created_at__lt=limit).update(**PERSONAL_FIELDS)


def erase_personal_data(report):
    """The resident's own request, from their answer page: same erasure, at once."""
    Report.objects.filter(pk=report.pk).update(**PERSONAL_FIELDS)


def has_personal_data(report):
    return _with_personal_data().filter(pk=report.pk).exists()
