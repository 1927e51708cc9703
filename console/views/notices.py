"""The console's notices: list, new notice from a template, preview, and the actions on a
notice (update, end, cancel, correct, withdraw).

Scope comes only from Notice.objects.editable_by(user) and Site.objects.for_user(user): a
notice outside it is not found (404). Every write goes through notices.services; its
ValidationError is shown on the form, its PermissionDenied answers 403."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territories.access import console_login_required
from console.forms.notices import (
    CancelForm, ChooseTemplateForm, EndForm, NoticeForm, NoticeRevisionForm, WithdrawForm,
    initial_for_a_test, initial_from_notice, initial_from_template, now_initial,
)
from notices import services
from notices.explainers import attach_explainers
from notices.models import Notice, Status
from notices.permissions import is_coordinator_of
from territories.models import Role

ENDED_SHOWN = 30  # ended and cancelled notices listed; older ones are in the public history


def overdue_for(user):
    """Ongoing notices in the user's scope past their expected end: to end or extend."""
    notices = Notice.objects.editable_by(user).overdue().select_related("site").order_by("expected_end_at")
    return [_with_end_label(n) for n in notices]


def _with_end_label(notice):
    notice.expected_end_label = hour_label(notice.expected_end_at) if notice.expected_end_at else ""
    return notice


def hour_label(value):
    """"15 h", "15 h 30", or "le 3 mars à 15 h" when not today: as said in French."""
    local = timezone.localtime(value)
    if translation.get_language() == "fr":
        hour = f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    else:
        hour = formats.time_format(local)
    if local.date() == timezone.localdate():
        return _("à %(hour)s") % {"hour": hour}
    return _("le %(day)s à %(hour)s") % {"day": formats.date_format(local, "j F"), "hour": hour}


@console_login_required
def notice_list(request):
    notices = Notice.objects.editable_by(request.user).select_related("site")
    now = timezone.now()
    sections = [
        ("en-cours", _("En cours"), [_with_end_label(n) for n in notices.active(now).order_by("starts_at")]),
        ("programmes", _("Programmés"), notices.filter(status=Status.SCHEDULED, starts_at__gt=now).order_by("starts_at")),
        ("brouillons", _("Brouillons"), notices.filter(status=Status.DRAFT).order_by("-updated_at")),
        ("termines", _("Terminés ou annulés"), notices.ended().order_by("-starts_at")[:ENDED_SHOWN]),
    ]
    return render(request, "console/notices/list.html", {"sections": sections})


@console_login_required
def notice_create(request):
    if request.method == "POST":
        return _submit_notice(request, NoticeForm(request.user, request.POST))
    choice = ChooseTemplateForm(request.user, request.GET or None)
    if not choice.is_valid():
        return render(request, "console/notices/choose.html", {"form": choice})
    initial = initial_from_template(choice.cleaned_data["categorie"], choice.cleaned_data["site"])
    if request.GET.get("essai") == "1":  # from the go-live checklist (console/launch.py)
        initial = initial_for_a_test(initial)
    return _render_notice_form(request, NoticeForm(request.user, initial=initial))


@console_login_required
def draft_edit(request, pk):
    draft = get_object_or_404(Notice.objects.editable_by(request.user), pk=pk)
    if draft.status != Status.DRAFT:
        return redirect("console:notice_detail", pk=draft.pk)
    if request.method == "POST":
        return _submit_notice(request, NoticeForm(request.user, request.POST), draft)
    return _render_notice_form(request, NoticeForm(request.user, initial=initial_from_notice(draft)), draft)


def _submit_notice(request, form, draft=None):
    """Preview, publish (or schedule) or keep as a draft, as the button pressed says."""
    if form.has_error("site", "invalid_choice"):
        raise PermissionDenied  # a site outside the user's scope, as a notice outside it
    action = request.POST.get("action")
    if form.is_searching_communes:
        return _render_notice_form(request, form.without_errors(), draft)
    if not form.is_valid() or action == "edit":
        return _render_notice_form(request, form, draft)
    if action == "preview":
        return render(request, "console/notices/preview.html", {"form": form, "notice": _preview(form), "draft": draft})
    save = services.save_draft if action == "draft" else services.publish
    notice = _attempt(form, lambda: save(request.user, form.notice_fields(), notice=draft))
    if notice is None:
        return _render_notice_form(request, form, draft)
    messages.success(request, _published_message(notice))
    return redirect("console:notice_detail", pk=notice.pk)


def _attempt(form, action):
    """Run a service; if it refuses the data, put its French messages on the form."""
    try:
        return action()
    except ValidationError as error:
        form.add_service_errors(error)
        return None


def _published_message(notice):
    if notice.status == Status.DRAFT:
        return _("Brouillon enregistré. Il n'est pas visible des riverains.")
    if notice.status == Status.SCHEDULED:
        return _("Message programmé : il passera en cours %(when)s.") % {"when": hour_label(notice.starts_at)}
    return _("Message publié : il est visible des riverains.")


class PreviewNotice:
    """An unsaved notice dressed for the public notice card: its communes are a plain list
    and it has no public page yet."""

    pk = "apercu"

    def __init__(self, notice, communes):
        self._notice = notice
        self.communes = _CommuneList(communes)

    def __getattr__(self, name):
        return getattr(self._notice, name)

    def get_absolute_url(self):
        return "#message-apercu"


class _CommuneList(list):
    def all(self):
        return sorted(self, key=lambda commune: commune.name)


def _preview(form):
    """The notice as residents would see it, never saved."""
    fields = form.notice_fields()
    communes = fields.pop("communes")
    notice = Notice(**fields, status=Status.SCHEDULED if form.starts_later() else Status.ONGOING)
    notice.territory = fields["site"].organization.territory
    return attach_explainers([PreviewNotice(notice, communes)])[0]


def _render_notice_form(request, form, draft=None):
    return render(request, "console/notices/form.html", {"form": form, "draft": draft})


@console_login_required
def notice_detail(request, pk):
    return _render_detail(request, _editable(request, pk))


def _render_detail(request, notice, failed=None):
    """The notice, its revisions and the forms of the actions its state allows."""
    forms = {"end": EndForm(initial=now_initial()), "cancel": CancelForm(), "withdraw": WithdrawForm()}
    if failed:
        forms[failed[0]] = failed[1]
    context = {
        "notice": attach_explainers([_with_end_label(notice)])[0],
        "revisions": notice.revisions.select_related("author").order_by("-number"),
        "actions": available_actions(request.user, notice),
        "forms": forms,
        "failed": failed[0] if failed else None,
    }
    return render(request, "console/notices/detail.html", context)


def _editable(request, pk):
    return get_object_or_404(Notice.objects.editable_by(request.user).select_related("site", "territory"), pk=pk)


def _publishes_for(user, notice):
    return user.memberships.filter(role=Role.OPERATOR, organization_id=notice.site.organization_id).exists()


def available_actions(user, notice):
    """What the user may do to the notice in its current state (names of the console's forms)."""
    coordinator = is_coordinator_of(user, notice.territory)
    own = _publishes_for(user, notice)
    published_live = notice.status in (Status.SCHEDULED, Status.ONGOING)
    return {
        "finish_draft": notice.status == Status.DRAFT,
        # Coordinators may update too (extend a notice its operator forgot, as the home asks them to).
        "update": published_live and (own or coordinator),
        "end": notice.is_active,
        "cancel": notice.status == Status.SCHEDULED and not notice.is_active,
        "correct": coordinator and notice.is_published and not (own and published_live),
        "withdraw": coordinator and notice.status in (Status.SCHEDULED, Status.ONGOING, Status.ENDED),
    }


@console_login_required
def notice_revise(request, pk, correcting=False):
    """Update a published notice (operator), or correct it (coordinator): same form."""
    notice = _editable(request, pk)
    if correcting and not is_coordinator_of(request.user, notice.territory):
        raise PermissionDenied
    if request.method != "POST":
        form = NoticeRevisionForm(request.user, initial=initial_from_notice(notice), correcting=correcting)
        return _render_revision_form(request, form, notice, correcting)
    form = NoticeRevisionForm(request.user, request.POST, correcting=correcting)
    if form.has_error("site", "invalid_choice"):
        raise PermissionDenied
    if form.is_searching_communes:
        return _render_revision_form(request, form.without_errors(), notice, correcting)
    if form.is_valid() and _attempt(form, lambda: services.update(
        request.user, notice, form.notice_fields(), form.cleaned_data["change_note"], notify=form.cleaned_data["notify"]
    )):
        messages.success(request, _("Message corrigé.") if correcting else _("Message mis à jour."))
        return redirect("console:notice_detail", pk=notice.pk)
    return _render_revision_form(request, form, notice, correcting)


def _render_revision_form(request, form, notice, correcting):
    return render(request, "console/notices/revise.html", {"form": form, "notice": notice, "correcting": correcting})


@require_POST
@console_login_required
def notice_end(request, pk):
    notice = _editable(request, pk)
    form = EndForm(request.POST)
    return _act(request, notice, form, "end", lambda: services.end(
        request.user, notice, form.cleaned_data["ended_at"], change_note=form.cleaned_data["note"]
    ), _("Message terminé."))


@require_POST
@console_login_required
def notice_cancel(request, pk):
    notice = _editable(request, pk)
    form = CancelForm(request.POST)
    return _act(request, notice, form, "cancel", lambda: services.cancel(
        request.user, notice, form.cleaned_data["reason"]
    ), _("Opération annulée."))


@require_POST
@console_login_required
def notice_withdraw(request, pk):
    notice = _editable(request, pk)
    if not is_coordinator_of(request.user, notice.territory):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    return _act(request, notice, form, "withdraw", lambda: services.withdraw(
        request.user, notice, form.cleaned_data["reason"]
    ), _("Message retiré."))


def _act(request, notice, form, name, action, success):
    """Run a one-form action of the detail page; on error, show the page again with the form."""
    if form.is_valid() and _attempt(form, action):
        messages.success(request, success)
        return redirect("console:notice_detail", pk=notice.pk)
    notice.refresh_from_db()
    return _render_detail(request, notice, failed=(name, form))
