"""Public website: what is happening now on a territory, what is planned, the history, the sites,
the explainers and the accessibility statement.

Pages of a territory are served through `cached_territory_view` (ETag, Cache-Control, shared
cache keyed by the territory's fingerprint), so they must not depend on the visitor: no session,
no cookie, nothing but the URL. Only the accessibility page, which holds a form, sets the CSRF
cookie."""
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect

from notices import summary
from notices.explainers import attach_explainers
from notices.models import Explainer, Notice, RevisionAction, Status
from riverains import ratelimit
from riverains.env import env_int, setting
from territories.models import AccessibilityStatus, Commune, Site, Territory

from .cache import cached_territory_view
from .forms import AccessibilityFeedbackForm, HistoryFilterForm
from .models import SITE_ACCESSIBILITY_STATUS

HISTORY_PAGE_SIZE = 20
# A site's page lists what ended recently, not its whole past (that is the history's job).
RECENT_WINDOW = timedelta(days=30)
RECENT_LIMIT = 10

# Pages that are the same for everyone and change rarely.
public_page = cache_control(public=True, max_age=300)


def notices_for_display(queryset):
    """Everything a notice card shows, in a fixed number of queries."""
    return queryset.select_related("site__commune", "site__organization__territory", "explainer", "territory").prefetch_related(
        Prefetch("communes", queryset=Commune.objects.order_by("name"))
    )


def territory_sites(territory):
    return Site.objects.public().filter(organization__territory=territory).select_related("commune", "organization")


@public_page
def home(request):
    territories = Territory.objects.published().order_by("name")
    return render(request, "public/home.html", {"territories": territories})


@cached_territory_view
def territory(request, territory):
    active = attach_explainers(notices_for_display(Notice.objects.filter(territory=territory).active()).order_by("-starts_at", "-pk"))
    upcoming = attach_explainers(notices_for_display(Notice.objects.filter(territory=territory).upcoming()).order_by("starts_at", "pk"))
    busy = {n.site_id for n in active}
    sites = list(territory_sites(territory))
    for site in sites:
        site.is_busy = site.pk in busy
    return render(
        request,
        "public/territory.html",
        {
            "territory": territory,
            "active": active,
            "upcoming": upcoming,
            "sites": sites,
            "live_etag": getattr(request, "territory_etag", ""),
            "live_refresh_seconds": settings.PUBLIC_LIVE_REFRESH_SECONDS,
        },
    )


@cached_territory_view
def live_state(request, territory):
    """What the open territory page polls (public-live.js): a few bytes under the same ETag as
    the page, so an unchanged territory costs a 304 with no body and no rendering."""
    return JsonResponse({"etag": getattr(request, "territory_etag", "")})


@cached_territory_view
def history(request, territory):
    form = HistoryFilterForm(territory, request.GET or None)
    notices = notices_for_display(Notice.objects.filter(territory=territory).published())
    if form.is_bound and not form.is_valid():
        # Say what is wrong rather than show a list that ignores part of the request.
        return render(request, "public/history.html", {"territory": territory, "form": form, "page": None}, status=400)
    if form.is_bound:
        notices = form.filter(notices)
    page = Paginator(notices.order_by("-starts_at", "-pk"), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = attach_explainers(page.object_list)
    return render(request, "public/history.html", {"territory": territory, "form": form, "page": page})


@cached_territory_view
def notice_detail(request, territory, pk):
    notice = get_object_or_404(notices_for_display(Notice.objects.published().filter(territory=territory)), pk=pk)
    attach_explainers([notice])
    revisions = list(notice.revisions.order_by("-number"))
    withdrawn = notice.status == Status.CANCELLED and any(r.action == RevisionAction.WITHDRAWN for r in revisions)
    context = {"territory": territory, "notice": notice, "revisions": revisions, "withdrawn": withdrawn,
               "summary_languages": summary.languages()}
    # ?lang=ar: the structured summary in that language, beside the French text (issue 16);
    # an unknown value shows the page as usual.
    language = request.GET.get("lang", "")
    if summary.is_summary_language(language):
        context["summary"] = summary.summarize_notice(notice, language)
        context["summary_html"] = context["summary"].html()
    return render(request, "public/notice.html", context)


@cached_territory_view
def site_detail(request, territory, pk, slug):
    site = get_object_or_404(territory_sites(territory), pk=pk)
    if slug != site.slug:
        return redirect(site, permanent=True)
    notices = Notice.objects.filter(site=site)
    now = timezone.now()
    recent = notices.ended().filter(starts_at__gte=now - RECENT_WINDOW).order_by("-starts_at", "-pk")[:RECENT_LIMIT]
    context = {
        "territory": territory,
        "site": site,
        "active": attach_explainers(notices_for_display(notices.active(now)).order_by("-starts_at", "-pk")),
        "upcoming": attach_explainers(notices_for_display(notices.upcoming(now)).order_by("starts_at", "pk")),
        "recent": attach_explainers(notices_for_display(recent)),
    }
    return render(request, "public/site.html", context)


@public_page
def explainer_list(request):
    return render(request, "public/explainers.html", {"explainers": Explainer.objects.all()})


@public_page
def explainer_detail(request, slug):
    explainer = get_object_or_404(Explainer, slug=slug)
    others = Explainer.objects.exclude(pk=explainer.pk)
    return render(request, "public/explainer.html", {"explainer": explainer, "others": others})


@csrf_protect
def accessibility(request):
    """The accessibility statement, and the form to report a problem (stored for the team)."""
    status = 200
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            if _too_much_feedback(request):
                form.add_error(None, _("Plusieurs signalements ont déjà été envoyés depuis votre connexion dans l'heure : "
                                       "merci, ils ont bien été reçus. Réessayez dans une heure."))
                status = 429
            else:
                form.save()
                return redirect(request.path + "?recu=1#signaler")
    else:
        form = AccessibilityFeedbackForm(initial={"page": request.GET.get("page", "")[:300]})
    context = {
        "form": form,
        "received": request.GET.get("recu") == "1",
        "status": SITE_ACCESSIBILITY_STATUS,
        "status_label": AccessibilityStatus(SITE_ACCESSIBILITY_STATUS).label,
        "territories": Territory.objects.published().order_by("name"),
    }
    return render(request, "public/accessibility.html", context, status=400 if status == 200 and form.errors else status)


def _too_much_feedback(request):
    """A few accessibility reports per network address and hour: enough for anyone, and the
    table cannot be filled by a script (counted across every process, see riverains.ratelimit)."""
    limit = setting("ACCESSIBILITY_FEEDBACK_PER_HOUR", env_int, 5)
    return not ratelimit.hit("public.accessibility", request.META.get("REMOTE_ADDR", ""), limit, 3600).allowed
