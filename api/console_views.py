"""Console pages where operators (and their territory's coordinators) create and revoke the API
tokens of their organizations. The clear token is shown once, on the page that follows its
creation, and never stored: a lost token is revoked and replaced."""
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from riverains.text import validate_single_line
from territories.access import console_login_required
from territories.models import Organization

from .models import ApiToken


class TokenForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=gettext_lazy("Adhérent"),
        error_messages={"invalid_choice": gettext_lazy("Choisissez un de vos adhérents.")},
    )
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"), max_length=100, validators=[validate_single_line],
        help_text=gettext_lazy("Pour le reconnaître plus tard, par exemple « Supervision de l'unité 3 »."),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.for_user(user).filter(is_active=True).select_related("territory")
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]


def _list(request, form, status=200):
    organizations = Organization.objects.for_user(request.user)
    if not organizations.exists():
        raise Http404(_("Vous n'êtes rattaché à aucun adhérent."))
    tokens = ApiToken.objects.for_user(request.user).select_related("organization", "created_by")
    return render(request, "api/token_list.html", {"tokens": tokens, "form": form}, status=status)


@console_login_required
def token_list(request):
    return _list(request, TokenForm(request.user))


@never_cache  # the page shows the clear token: no cache may keep it
@console_login_required
def token_create(request):
    if request.method != "POST":
        return redirect("console:token_list")
    form = TokenForm(request.user, request.POST)
    if not form.is_valid():
        return _list(request, form, status=422)
    token, clear = ApiToken.issue(form.cleaned_data["organization"], form.cleaned_data["name"], request.user)
    return render(request, "api/token_created.html", {"token": token, "clear": clear})


@require_POST
@console_login_required
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)
    token.revoke()
    messages.success(request, _("Le jeton « %(name)s » est révoqué : il ne permet plus rien.") % {"name": token.name})
    return redirect("console:token_list")
