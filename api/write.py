"""Write API: an operator's own systems publish, update, end and cancel their notices.

Authentication: `Authorization: Bearer <token>`, a token of the organization (see api.models).
Every action goes through notices.services with the token as actor and source "api", so the
rules are exactly the console's. A notice the token may not touch answers 404, as if it did not
exist (other organizations' drafts stay invisible); a site it may not publish for answers 403.
Communes are INSEE codes; times without an offset are read as Paris time.

Every write runs in one transaction that builds its answer too, and takes an optional
`Idempotency-Key` header that makes it safe to send again when the answer was lost (see
api.idempotency)."""
from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Status as Reply
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.security import HttpBearer

from notices import services
from notices.models import Explainer, Status
from territories.models import Commune, Site

from . import idempotency, presenters
from .read import router
from .models import ApiToken
from .schemas import CancelIn, EndIn, NoticeDetail, NoticeIn, NoticePatch, Problem


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return ApiToken.authenticate(token)


AUTH = TokenAuth()
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem}


def write(method, path, **kwargs):
    """Register a write operation: token auth, one transaction that builds the answer too, the
    Idempotency-Key header (api.idempotency) handled and documented. Every write goes through it."""

    def register(view):
        view = decorate_view(lambda run: idempotency.idempotent(run, authenticate=AUTH))(view)
        return getattr(router, method)(path, auth=AUTH, tags=["écriture"], openapi_extra=idempotency.openapi(),
                                       **kwargs)(view)

    return register


def aware(value):
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def to_fields(data, defaults_from_site=False):
    """API values (ids, INSEE codes, slugs) → the model objects services expect."""
    fields, errors = dict(data), {}
    if "site" in fields:
        site = Site.objects.filter(pk=fields["site"]).first() if fields["site"] is not None else None
        if fields["site"] is not None and site is None:
            errors["site"] = [f"Site inconnu : {fields['site']}."]
        fields["site"] = site
    for name in ("starts_at", "expected_end_at"):
        if name in fields:
            fields[name] = aware(fields[name])
    if "communes" in fields:
        if fields["communes"] is None and defaults_from_site and fields.get("site"):
            fields["communes"] = list(fields["site"].neighbouring_communes.all())
        elif fields["communes"] is not None:
            codes = list(dict.fromkeys(fields["communes"]))
            found = {c.code: c for c in Commune.objects.filter(code__in=codes)}
            unknown = [code for code in codes if code not in found]
            if unknown:
                errors["communes"] = [f"Commune inconnue : {code}" for code in unknown]
            fields["communes"] = [found[code] for code in codes if code in found]
    if fields.get("explainer") is not None:
        explainer = Explainer.objects.filter(slug=fields["explainer"]).first()
        if explainer is None:
            errors["explainer"] = [f"Fiche « comprendre » inconnue : {fields['explainer']}."]
        fields["explainer"] = explainer
    if errors:
        raise ValidationError(errors)
    return fields


def current_fields(notice):
    data = {name: getattr(notice, name) for name in services.FIELDS if name != "communes"}
    data["communes"] = list(notice.communes.all())
    return data


def editable_notice(token, notice_id):
    notice = token.editable_notices().filter(pk=notice_id).first()
    if notice is None:
        raise HttpError(404, "Message introuvable.")
    return notice


def answer(notice, status=200):
    return Reply(status, presenters.notice_detail(presenters.notice_queryset().get(pk=notice.pk)))


@write("post", "/notices", response={201: NoticeDetail, **ERRORS}, url_name="notice_create", summary="Publier un message")
def create_notice(request, payload: NoticeIn):
    data = payload.model_dump()
    draft = data.pop("draft")
    fields = to_fields(data, defaults_from_site=True)
    if draft:
        notice = services.save_draft(request.auth, fields)
    else:
        notice = services.publish(request.auth, fields, source="api")
    return answer(notice, 201)


@write("post", "/notices/{notice_id}/publish", response={200: NoticeDetail, **ERRORS}, url_name="notice_publish",
       summary="Publier un brouillon")
def publish_draft(request, notice_id: int):
    notice = editable_notice(request.auth, notice_id)
    return answer(services.publish(request.auth, current_fields(notice), notice=notice, source="api"))


@write("patch", "/notices/{notice_id}", response={200: NoticeDetail, **ERRORS}, url_name="notice_update",
       summary="Modifier un message (nouvelle version publique)")
def update_notice(request, notice_id: int, payload: NoticePatch):
    notice = editable_notice(request.auth, notice_id)
    data = payload.model_dump(exclude_unset=True)
    change_note, notify = data.pop("change_note", ""), data.pop("notify", True)
    fields = to_fields(data)
    if notice.status == Status.DRAFT:
        notice = services.save_draft(request.auth, {**current_fields(notice), **fields}, notice=notice)
    else:
        notice = services.update(request.auth, notice, fields, change_note, notify=notify, source="api")
    return answer(notice)


@write("post", "/notices/{notice_id}/end", response={200: NoticeDetail, **ERRORS}, url_name="notice_end",
       summary="Terminer un message en cours")
def end_notice(request, notice_id: int, payload: EndIn = None):
    payload = payload or EndIn()
    notice = editable_notice(request.auth, notice_id)
    notice = services.end(request.auth, notice, ended_at=aware(payload.ended_at), change_note=payload.change_note, source="api")
    return answer(notice)


@write("post", "/notices/{notice_id}/cancel", response={200: NoticeDetail, **ERRORS}, url_name="notice_cancel",
       summary="Annuler une opération programmée")
def cancel_notice(request, notice_id: int, payload: CancelIn = None):
    payload = payload or CancelIn()
    notice = editable_notice(request.auth, notice_id)
    return answer(services.cancel(request.auth, notice, reason=payload.reason, source="api"))

