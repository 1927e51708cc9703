"""One function per action on a notice: publish, update, end, cancel, withdraw, start_due.

Console views, the API and the scheduler all call these, so the rules live here once. Each runs
in one transaction that writes the notice and its Revision (and, through `revision_created`,
whatever must be written with them, such as the relay's outbox); `notice_changed` is sent after
commit. Errors: PermissionDenied when the actor may not touch the notice or site,
ValidationError (French messages, keyed by field) when the data is wrong. Nothing is changed
in either case."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territories.models import Role
from territories.scoping import acts_for_organization

from .catalog import WHAT_TO_DO_LIMIT, translatable_what_to_do, what_to_do_for
from .models import Category, Kind, Notice, Perception, Revision, RevisionAction, Status
from .permissions import is_coordinator_of, notices_for, sites_for, user_for
from .signals import notice_changed, revision_created
from .validators import validate_plain_text

logger = logging.getLogger(__name__)

# Fields an operator sets; territory and status are derived, never given.
FIELDS = [
    "site", "category", "kind", "perceptions", "starts_at", "expected_end_at",
    "title", "body", "impact", "communes", "explainer", "immediate", "what_to_do",
]
TEXT_LIMITS = {"title": 120, "body": 2000, "impact": 600}
# An observed event may be published a little ahead of its start (clock drift, typing time).
OBSERVED_START_TOLERANCE_MINUTES = 15
# Times a notice may give: anything outside is a typing slip (year 0160), which feeds and the API
# could not even write in ISO 8601 (Paris was then 9 min 21 s ahead of Greenwich).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def publish(actor, fields, notice=None, source="console"):
    """Publish a new notice (or a draft): scheduled if it starts later, ongoing otherwise."""
    with transaction.atomic():
        if notice is not None:
            notice = _lock(actor, notice)
            if notice.status != Status.DRAFT:
                raise ValidationError(_("Ce message est déjà publié : modifiez-le plutôt."))
        data = _clean(actor, fields)
        notice = notice or Notice(created_by=user_for(actor))
        now = timezone.now()
        _apply(notice, data)
        notice.status = Status.SCHEDULED if notice.starts_at > now else Status.ONGOING
        notice.published_at = now
        notice.save()
        notice.communes.set(data["communes"])
        return _revise(actor, notice, RevisionAction.PUBLISHED, "", source=source)


def save_draft(actor, fields, notice=None):
    """Keep an unpublished notice to finish later: validated like a publish, never shown."""
    with transaction.atomic():
        if notice is not None:
            notice = _lock(actor, notice)
            if notice.status != Status.DRAFT:
                raise ValidationError(_("Ce message est déjà publié : modifiez-le plutôt."))
        data = _clean(actor, fields)
        notice = notice or Notice(created_by=user_for(actor))
        _apply(notice, data)
        notice.status = Status.DRAFT
        notice.save()
        notice.communes.set(data["communes"])
        return notice


def update(actor, notice, fields, change_note, notify=True, source="console"):
    """Change a published notice: a new public revision saying what changed.

    A coordinator may correct any notice of the territory, even ended ones; the change note is
    then the public reason of the correction."""
    with transaction.atomic():
        notice = _lock(actor, notice)
        correcting = notice.status in (Status.ENDED, Status.CANCELLED) or not _is_own(actor, notice)
        if notice.status == Status.DRAFT:
            raise ValidationError(_("Ce message n'est pas encore publié."))
        if correcting and not is_coordinator_of(actor, notice.territory):
            raise ValidationError(_("Un message terminé ou annulé ne peut plus être modifié."))
        note = _required_note(change_note, _("Dites en quelques mots ce qui a changé."))
        data = _clean(actor, {**_current_fields(notice), **fields})
        _apply(notice, data)
        if notice.status == Status.SCHEDULED and notice.starts_at <= timezone.now():
            notice.status = Status.ONGOING
        notice.save()
        notice.communes.set(data["communes"])
        action = RevisionAction.CORRECTED if correcting else RevisionAction.UPDATED
        return _revise(actor, notice, action, note, notify=notify, source=source)


def end(actor, notice, ended_at=None, change_note="", source="console"):
    """Mark an ongoing notice as over, at `ended_at` (now by default)."""
    with transaction.atomic():
        notice = _lock(actor, notice)
        if not notice.is_active:
            raise ValidationError(_("Seul un message en cours peut être terminé."))
        ended_at = ended_at or timezone.now()
        if ended_at < notice.starts_at:
            raise ValidationError({"ended_at": _("La fin ne peut pas précéder le début.")})
        if ended_at > timezone.now():
            raise ValidationError({"ended_at": _("La fin effective ne peut pas être dans le futur.")})
        _check_text("change_note", change_note, 300)
        notice.status = Status.ENDED
        notice.ended_at = ended_at
        notice.save()
        return _revise(actor, notice, RevisionAction.ENDED, change_note.strip(), source=source)


def cancel(actor, notice, reason="", source="console"):
    """Cancel a scheduled notice that has not started (the operation will not happen)."""
    with transaction.atomic():
        notice = _lock(actor, notice)
        if notice.status != Status.SCHEDULED or notice.starts_at <= timezone.now():
            raise ValidationError(_("Seule une opération programmée qui n'a pas commencé peut être annulée."))
        _check_text("reason", reason, 300)
        notice.status = Status.CANCELLED
        notice.public_reason = reason.strip()
        notice.save()
        return _revise(actor, notice, RevisionAction.CANCELLED, reason.strip(), source=source)


def withdraw(actor, notice, reason, source="console"):
    """A coordinator takes a published notice off the air, with a public reason."""
    with transaction.atomic():
        notice = _lock(actor, notice)
        if not is_coordinator_of(actor, notice.territory):
            raise PermissionDenied(_("Seul le coordinateur du territoire peut retirer un message."))
        if notice.status not in (Status.SCHEDULED, Status.ONGOING, Status.ENDED):
            raise ValidationError(_("Ce message ne peut pas être retiré."))
        reason = _required_note(reason, _("Indiquez le motif du retrait : il sera public."))
        notice.status = Status.CANCELLED
        notice.public_reason = reason
        notice.save()
        return _revise(actor, notice, RevisionAction.WITHDRAWN, reason, source=source)


def start_due(now=None):
    """Turn scheduled notices whose start has come into ongoing ones (run by the worker)."""
    now = now or timezone.now()
    started = []
    due = Notice.objects.filter(status=Status.SCHEDULED, starts_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().filter(pk=pk, status=Status.SCHEDULED).first()
            if notice is None:  # another worker got there first
                continue
            notice.status = Status.ONGOING
            notice.save(update_fields=["status", "updated_at"])
            # Subscribers were told when it was announced; its start is no news to them.
            _revise(None, notice, RevisionAction.STARTED, "", notify=False, source="scheduler")
            started.append(notice)
    return started


# --- helpers -------------------------------------------------------------------------------


def _lock(actor, notice):
    """Re-read the notice under a row lock, once the actor's scope allows it."""
    # Scope first, lock second: PostgreSQL refuses FOR UPDATE on the DISTINCT scoping query.
    if not notices_for(actor).filter(pk=notice.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas modifier ce message."))
    return Notice.objects.select_for_update().get(pk=notice.pk)


def _is_own(actor, notice):
    """Whether the actor publishes for the notice's site, as opposed to correcting it."""
    if acts_for_organization(actor):  # an API token acts for its own organization only
        return True
    return actor.memberships.filter(role=Role.OPERATOR, organization_id=notice.site.organization_id).exists()


def _current_fields(notice):
    data = {name: getattr(notice, name) for name in FIELDS if name != "communes"}
    data["communes"] = list(notice.communes.all())
    return data


def _apply(notice, data):
    for name, value in data.items():
        if name != "communes":
            setattr(notice, name, value)
    notice.territory = data["site"].organization.territory


def _required_note(value, message):
    value = (value or "").strip()
    if not value:
        raise ValidationError({"change_note": message})
    _check_text("change_note", value, 300)
    return value


def _check_text(name, value, limit):
    errors = []
    if len(value or "") > limit:
        errors.append(_("%(limit)d caractères au plus (vous en avez saisi %(count)d).") % {"limit": limit, "count": len(value)})
    try:
        validate_plain_text(value)
    except ValidationError as e:
        errors.extend(e.messages)
    if errors:
        raise ValidationError({name: errors})


def _clean(actor, fields):
    """Validate every field at once so the form can show all problems together."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Champs inconnus : %(names)s.") % {"names": ", ".join(sorted(unknown))})
    data = {name: fields.get(name) for name in FIELDS}
    errors = {}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    site = data["site"]
    if site is None:
        err("site", _("Choisissez le site concerné."))
    elif not sites_for(actor).filter(pk=site.pk).exists():
        raise PermissionDenied(_("Vous ne pouvez pas publier pour ce site."))

    if data["category"] not in Category.values:
        err("category", _("Choisissez une catégorie dans la liste."))
    data["kind"] = data["kind"] or Kind.PLANNED
    if data["kind"] not in Kind.values:
        err("kind", _("Indiquez si l'opération est prévue ou constatée."))
    perceptions = list(dict.fromkeys(data["perceptions"] or []))
    if not perceptions:
        err("perceptions", _("Indiquez comment cela se perçoit de l'extérieur : visible, audible ou odeur."))
    elif not set(perceptions) <= set(Perception.values):
        err("perceptions", _("Perception inconnue : choisissez visible, audible ou odeur perceptible."))
    data["perceptions"] = [p for p in Perception.values if p in perceptions]

    starts_at, expected_end_at = data["starts_at"], data["expected_end_at"]
    for name in ("starts_at", "expected_end_at"):
        if data[name] is not None and not FIRST_YEAR <= data[name].year <= LAST_YEAR:
            err(name, _("Indiquez une date entre %(first)d et %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
            starts_at = expected_end_at = None  # nothing more to say about them
    if data["starts_at"] is None:
        err("starts_at", _("Indiquez la date et l'heure de début."))
    elif expected_end_at is not None and expected_end_at <= starts_at:
        err("expected_end_at", _("La fin prévue doit être après le début."))
    if starts_at and data["kind"] == Kind.OBSERVED:
        if (starts_at - timezone.now()).total_seconds() > OBSERVED_START_TOLERANCE_MINUTES * 60:
            err("starts_at", _("Un événement constaté a déjà commencé : son début ne peut pas être dans le futur."))

    for name, limit in TEXT_LIMITS.items():
        value = (data[name] or "").strip()
        data[name] = value
        if name == "title" and ("\n" in value or "\r" in value):
            # A title is one line everywhere: page headings, e-mail subjects, SMS, feeds.
            err(name, _("Le titre tient sur une seule ligne : retirez les retours à la ligne."))
        if not value and name != "impact":
            err(name, _("Ce champ est obligatoire.") if name == "title" else _("Écrivez le texte du message."))
        try:
            _check_text(name, value, limit)
        except ValidationError as e:
            for message in e.message_dict[name]:
                err(name, message)

    data["what_to_do"] = _what_to_do(data, err)

    communes = list(data["communes"] or [])
    if not communes:
        err("communes", _("Choisissez au moins une commune concernée."))
    elif site is not None:
        covered = set(site.organization.territory.communes.values_list("code", flat=True))
        outside = [c.name for c in communes if c.code not in covered]
        if outside:
            err("communes", _("Communes hors du territoire : %(names)s.") % {"names": ", ".join(outside)})
    data["communes"] = communes
    data["immediate"] = bool(data["immediate"])

    if errors:
        raise ValidationError(errors)
    return data


def _what_to_do(data, err):
    """The "Que dois-je faire ?" line: the operator's own, or the category's default when left
    empty or still the default of another category (the category changed)."""
    value = " ".join(str(data.get("what_to_do") or "").split())  # one line, whatever was pasted
    if not value or translatable_what_to_do(value) is not None:
        return what_to_do_for(data["category"]) if data["category"] in Category.values else value
    if len(value) > WHAT_TO_DO_LIMIT:
        err("what_to_do", _("%(limit)d caractères au plus (vous en avez saisi %(count)d).")
            % {"limit": WHAT_TO_DO_LIMIT, "count": len(value)})
    try:
        validate_plain_text(value)
    except ValidationError as e:
        for message in e.messages:
            err("what_to_do", message)
    return value


def snapshot(notice):
    """The public state of a notice, frozen into its revision (times in ISO 8601 with offset)."""
    local = timezone.localtime

    def iso(value):
        return local(value).isoformat() if value else None

    return {
        "title": notice.title,
        "body": notice.body,
        "impact": notice.impact,
        "what_to_do": notice.what_to_do_line,
        "category": notice.category,
        "kind": notice.kind,
        "perceptions": list(notice.perceptions),
        "status": notice.status,
        "starts_at": iso(notice.starts_at),
        "expected_end_at": iso(notice.expected_end_at),
        "ended_at": iso(notice.ended_at),
        "site": {"id": notice.site_id, "name": notice.site.name, "commune": notice.site.commune.name},
        "communes": [{"code": c.code, "name": c.name} for c in notice.communes.order_by("name")],
        "explainer": notice.explainer.slug if notice.explainer_id else None,
        "immediate": notice.immediate,
        "public_reason": notice.public_reason,
    }


def _revise(actor, notice, action, change_note, notify=True, source="console"):
    number = (notice.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = Revision.objects.create(
        notice=notice,
        number=number,
        action=action,
        change_note=change_note,
        status=notice.status,
        snapshot=snapshot(notice),
        notify=notify,
        author=user_for(actor) if actor is not None else None,
        source=source,
    )
    revision_created.send(sender=Notice, notice=notice, revision=revision)
    transaction.on_commit(lambda: _announce(notice, revision), robust=True)
    return notice


def _announce(notice, revision):
    """Tell caches, the voice bulletin and reports, after commit. The change is stored by then:
    a receiver that fails (the database gone again, a full queue) is logged, and must neither
    stop the others nor turn the stored write into an error answer, which would have the
    client send it again (issue 12)."""
    for receiver, result in notice_changed.send_robust(sender=Notice, notice=notice, revision=revision):
        if isinstance(result, Exception):
            logger.error("notice %s: after-commit receiver %r failed", notice.pk, receiver, exc_info=result)
