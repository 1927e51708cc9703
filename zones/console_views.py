"""The coordinator tunes the territory's zones: ranges per kind of perception, and which kinds
tell the subscribers of a commune the zone reaches. Mounted at /console/zones/ in the console
namespace (console.middleware's one access rule); only the territory's coordinators (and
superusers) may open it."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy

from territories.models import Territory

from .models import ZoneSettings

RANGE = dict(min_value=0.2, max_value=50.0, help_text=gettext_lazy("En kilomètres, de 0,2 à 50."))


class ZoneSettingsForm(forms.ModelForm):
    odour_km = forms.FloatField(label=gettext_lazy("Portée d'une odeur (km)"), **RANGE)
    smoke_km = forms.FloatField(label=gettext_lazy("Portée d'une fumée ou vapeur (km)"), **RANGE)
    noise_km = forms.FloatField(label=gettext_lazy("Portée d'un bruit (km)"), **RANGE)
    light_day_km = forms.FloatField(label=gettext_lazy("Portée de la lueur d'une torche, le jour (km)"), **RANGE)
    light_night_km = forms.FloatField(label=gettext_lazy("Portée de la lueur d'une torche, la nuit (km)"), **RANGE)

    class Meta:
        model = ZoneSettings
        fields = ["odour_km", "smoke_km", "noise_km", "light_day_km", "light_night_km",
                  "tell_odour", "tell_smoke", "tell_noise", "tell_light"]


def zone_settings(request, slug):
    territory = get_object_or_404(Territory.objects.for_user(request.user), slug=slug)
    current = ZoneSettings.for_territory(territory.pk)
    form = ZoneSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Réglages des zones enregistrés : ils servent dès le prochain calcul (au plus tard dans l'heure)."))
        return redirect("console:zones_settings", slug=territory.slug)
    return render(request, "zones/console_settings.html", {"territory": territory, "form": form},
                  status=400 if form.errors else 200)
