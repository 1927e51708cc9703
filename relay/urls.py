from django.urls import path

from . import views

app_name = "relay"
urlpatterns = [
    path("<slug:territory>/abonnement/", views.subscribe, name="subscribe"),
    path("<slug:territory>/abonnement/envoye/", views.sent, name="sent"),
    path("<slug:territory>/abonnement/code/<str:token>/", views.code, name="code"),
    path("<slug:territory>/abonnement/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("<slug:territory>/abonnement/gerer/<str:token>/", views.manage, name="manage"),
    path("<slug:territory>/abonnement/desabonne/", views.left, name="left"),
]
