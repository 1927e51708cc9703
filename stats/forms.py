"""The period chooser: two calendar days, both included, as a person says it ("du 1er mars au
31 mars"); figures use [du, au + 1 day) in Europe/Paris."""
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .figures import Period

MAX_DAYS = 5 * 366


def months_before(day, months):
    index = day.year * 12 + day.month - 1 - months
    return day.replace(year=index // 12, month=index % 12 + 1, day=1)


def default_period(today=None):
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    return Period(months_before(today, 11), today + timedelta(days=1))


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        start, last = data.get("du"), data.get("au")
        if start and last:
            if last < start:
                raise forms.ValidationError(_("La date de fin doit être le même jour que la date de début ou après."))
            if (last - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choisissez une période de cinq ans au plus."))
        return data

    @property
    def period(self):
        """The chosen period, or the default one when nothing (valid) was chosen."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["du"], self.cleaned_data["au"] + timedelta(days=1))
        return default_period()


def period_form(request):
    default = default_period()
    initial = {"du": default.start, "au": default.last_day}
    return PeriodForm(request.GET if ("du" in request.GET or "au" in request.GET) else None, initial=initial)
