from django.urls import path

from .views import manage

urlpatterns = [
    path("", manage.index, name="manage"),
    path("communes", manage.commune_search, name="commune_search"),
    path("territoires/nouveau/", manage.territory_create, name="territory_create"),
    path("territoires/<slug:slug>/", manage.territory_edit, name="territory_edit"),
    path("territoires/<slug:slug>/accessibilite/", manage.territory_accessibility, name="territory_accessibility"),
    path("territoires/<slug:slug>/publier/", manage.territory_publish, name="territory_publish"),
    path("territoires/<slug:slug>/sms/", manage.territory_sms, name="territory_sms"),
    path("territoires/<slug:slug>/communes/", manage.territory_communes, name="territory_communes"),
    path("territoires/<slug:slug>/partenaires/", manage.partner_add, name="partner_add"),
    path("territoires/<slug:slug>/partenaires/<int:pk>/retirer/", manage.partner_remove, name="partner_remove"),
    path("territoires/<slug:slug>/adherents/nouveau/", manage.organization_create, name="organization_create"),
    path("territoires/<slug:slug>/utilisateurs/", manage.territory_users, name="territory_users"),
    path("territoires/<slug:slug>/inviter/", manage.invite, name="invite"),
    path("adherents/<int:pk>/", manage.organization_detail, name="organization_detail"),
    path("adherents/<int:pk>/modifier/", manage.organization_edit, name="organization_edit"),
    path("adherents/<int:pk>/activation/", manage.organization_set_active, name="organization_set_active"),
    path("adherents/<int:pk>/sites/nouveau/", manage.site_create, name="site_create"),
    path("sites/<int:pk>/", manage.site_detail, name="site_detail"),
    path("sites/<int:pk>/modifier/", manage.site_edit, name="site_edit"),
    path("roles/<int:pk>/retirer/", manage.membership_revoke, name="membership_revoke"),
    path("invitations/<int:pk>/renvoyer/", manage.invitation_resend, name="invitation_resend"),
    path("invitations/<int:pk>/annuler/", manage.invitation_cancel, name="invitation_cancel"),
]
