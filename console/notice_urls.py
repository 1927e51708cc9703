"""The console's notices, under /console/messages/."""
from django.urls import path

from .views import notices

urlpatterns = [
    path("", notices.notice_list, name="notice_list"),
    path("nouveau/", notices.notice_create, name="notice_create"),
    path("<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("<int:pk>/brouillon/", notices.draft_edit, name="notice_draft"),
    path("<int:pk>/modifier/", notices.notice_revise, name="notice_update"),
    path("<int:pk>/corriger/", notices.notice_revise, {"correcting": True}, name="notice_correct"),
    path("<int:pk>/terminer/", notices.notice_end, name="notice_end"),
    path("<int:pk>/annuler/", notices.notice_cancel, name="notice_cancel"),
    path("<int:pk>/retirer/", notices.notice_withdraw, name="notice_withdraw"),
]
