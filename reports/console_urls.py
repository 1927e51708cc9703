"""Episodes in the console, mounted at /console/episodes/ inside the "console" namespace."""
from django.urls import path

from . import console_views as views

urlpatterns = [
    path("", views.episode_list, name="reports_episodes"),
    path("<int:pk>/", views.episode_detail, name="reports_episode"),
    path("<int:pk>/carte.json", views.episode_map_data, name="reports_episode_map"),
    path("<int:pk>/clore/", views.close, name="reports_close"),
]
