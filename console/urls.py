"""The console: operators' and coordinators' own interface. Each area has its own urls module.
Every URL here, in any app, is behind console.middleware's one access rule."""
from django.conf import settings
from django.urls import include, path

from .views import sites

app_name = "console"
urlpatterns = [
    path("", include("console.auth_urls")),  # login, logout, two-factor, invitations, home
    path("messages/", include("console.notice_urls")),  # operators' and coordinators' notices
    path("gestion/", include("console.manage_urls")),  # territory, organizations, sites, users
    path("sites/", sites.site_list, name="site_list"),  # every site the user may see
    path("jetons/", include("api.console_urls")),  # API tokens of an organization
    path("telephone/", include("voice.console_urls")),  # phone line statistics
    path("relais/", include("relay.console_urls")),  # deliveries, social accounts, webhooks
    path("episodes/", include("reports.console_urls")),  # unexplained reports
    path("statistiques/", include("stats.console_urls")),  # figures and the yearly report
    path("zones/", include("zones.console_urls")),  # a territory's perception-zone settings
    path("kit/", include("console.kit_urls")),  # the town-hall kit: poster, page, feed, texts
]

# The demo's inbox of what would have left (demo.inbox): development and the demo only; in
# production the address does not even exist.
if settings.DEMO_INBOX_DIR:
    urlpatterns.append(path("demo/", include("demo.inbox_urls")))
