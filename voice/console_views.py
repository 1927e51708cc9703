"""Phone-line statistics for coordinators: how many calls, what callers chose, how long they
stayed. Only for the territories the user coordinates; anything else is a 404. Signing in and the
second factor are the console's one rule (console.middleware), as for every console URL."""
from collections import Counter
from datetime import timedelta

from django import forms
from django.db.models import Avg, Count
from django.db.models.functions import TruncDate
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territories.models import Territory

from .models import Call

# The menu since issue 13 (calls recorded before it meant by 1 "every current notice" and by 3
# "listen again").
CHOICE_LABELS = {
    "1": _("1 — une activité en détail"),
    "1:numéro": _("numéro d'activité tapé"),
    "2": _("2 — opérations prévues"),
    "3": _("3 — une commune"),
    "3:code": _("code postal tapé"),
    "4": _("4 — toutes les activités en détail"),
    "8": _("8 — résumé en anglais"),
    "*": _("étoile — réécouter"),
    "9": _("9 — à propos du service"),
    "0": _("0 — retour au menu"),
    "timeout": _("aucune touche"),
    "invalid": _("touche sans objet"),
}
DEFAULT_DAYS = 30
MAX_DAYS = 366


def _date_input():
    # A type="date" input takes only YYYY-MM-DD: the French format (02/11/2026) would be dropped.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("Du"), widget=_date_input())
    au = forms.DateField(label=_("Au"), widget=_date_input())

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("La date de fin doit être après la date de début."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choisissez une période d'un an au plus."))
        return data


def _default_period():
    today = timezone.localdate()
    return {"du": today - timedelta(days=DEFAULT_DAYS - 1), "au": today}


def stats_index(request):
    territories = Territory.objects.for_user(request.user)
    if not territories.exists():
        raise Http404
    if territories.count() == 1:
        return redirect("console:voice_territory_stats", territory=territories.get().slug)
    return render(request, "voice/console_index.html", {"territories": territories})


def territory_stats(request, territory):
    territory = get_object_or_404(Territory.objects.for_user(request.user), slug=territory)
    form = PeriodForm(request.GET or None, initial=_default_period())
    period = form.cleaned_data if form.is_bound and form.is_valid() else _default_period()
    context = {"territory": territory, "form": form, "period": period}
    if not form.is_bound or form.is_valid():
        context.update(_statistics(territory, period["du"], period["au"]))
    return render(request, "voice/console_stats.html", context)


def _statistics(territory, start, end):
    tz = timezone.get_current_timezone()
    calls = Call.objects.filter(territory=territory, started_at__date__gte=start, started_at__date__lte=end)
    per_day = calls.annotate(day=TruncDate("started_at", tzinfo=tz)).values("day").annotate(count=Count("pk")).order_by("day")
    choices = Counter(choice for row in calls.values_list("choices", flat=True) for choice in row)
    average = calls.filter(duration__isnull=False).aggregate(avg=Avg("duration"))["avg"]
    return {
        "total": calls.count(),
        "callers": calls.exclude(caller_hash="").values("caller_hash").distinct().count(),
        "per_day": list(per_day),
        "choices": [(CHOICE_LABELS.get(key, key), count) for key, count in choices.most_common()],
        "average_duration": round(average) if average is not None else None,
    }
