from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(template_name="console/login.html"), name="login"),
    path("", TemplateView.as_view(template_name="console/base.html"), name="home"),
]
