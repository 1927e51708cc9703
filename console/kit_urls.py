"""The town-hall kit, under /console/kit/: a poster, addresses and texts per commune."""
from django.urls import path

from .views import kit

urlpatterns = [
    path("", kit.kit_index, name="kit_index"),
    path("<slug:territory>/", kit.kit_territory, name="kit_territory"),
    path("<slug:territory>/<str:commune>/", kit.kit_commune, name="kit_commune"),
    path("<slug:territory>/<str:commune>/affiche.pdf", kit.kit_poster, name="kit_poster"),
]
