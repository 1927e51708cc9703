from django.urls import path

from . import views

app_name = "zones"
urlpatterns = [
    path("comprendre/zones/modele/", views.model_doc, name="model"),
]
