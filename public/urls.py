from django.urls import path

from . import app, communes, views, widget

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("comprendre/", views.explainer_list, name="explainers"),
    path("comprendre/<slug:slug>/", views.explainer_detail, name="explainer"),
    path("<slug:territory>/", views.territory, name="territory"),
    path("<slug:territory>/etat.json", views.live_state, name="live_state"),
    path("<slug:territory>/manifest.webmanifest", app.territory_manifest, name="manifest"),
    path("<slug:territory>/historique/", views.history, name="history"),
    path("<slug:territory>/messages/<int:pk>/", views.notice_detail, name="notice"),
    path("<slug:territory>/sites/<int:pk>-<slug:slug>/", views.site_detail, name="site"),
    path("<slug:territory>/communes/<str:commune>/", communes.commune_page, name="commune"),  # the town-hall poster's QR
    path("<slug:territory>/widget/", widget.builder, name="widget_builder"),
]
