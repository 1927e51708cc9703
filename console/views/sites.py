"""The sites a user may see, in one list: operators their organization's, coordinators their
territory's (the superuser all). Each site's page is in the management pages."""
from django.db.models import Count, Q
from django.shortcuts import render

from notices.models import Status
from territories.models import Site, Territory


def site_list(request):
    sites = (
        Site.objects.for_user(request.user)
        .select_related("organization__territory", "commune")
        .annotate(ongoing=Count("notices", filter=Q(notices__status=Status.ONGOING), distinct=True))
        .order_by("organization__territory__name", "organization__name", "name")
    )
    context = {"sites": sites, "coordinates": Territory.objects.for_user(request.user).exists()}
    return render(request, "console/sites.html", context)
