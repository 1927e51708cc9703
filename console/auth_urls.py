from django.urls import path

from .views import auth

urlpatterns = [
    path("", auth.home, name="home"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("connexion/code/", auth.two_factor_verify, name="two_factor_verify"),
    path("compte/double-authentification/", auth.two_factor_setup, name="two_factor_setup"),
    path("compte/mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("compte/mot-de-passe/modifie/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mot-de-passe-oublie/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe-oublie/termine/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("invitation/<str:token>/", auth.invitation_accept, name="invitation_accept"),
]
