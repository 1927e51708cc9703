"""Public website. (Skeleton: the public-site work fills these in.)"""
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from notices.models import Explainer, Notice
from territories.models import Site, Territory


def home(request):
    return render(request, "public/home.html", {"territories": Territory.objects.published()})


def accessibility(request):
    return HttpResponse("Déclaration d'accessibilité")


def explainer_list(request):
    return HttpResponse("Comprendre")


def explainer_detail(request, slug):
    explainer = get_object_or_404(Explainer, slug=slug)
    return HttpResponse(explainer.title)


def territory(request, territory):
    territory = get_object_or_404(Territory.objects.published(), slug=territory)
    notices = Notice.objects.filter(territory=territory).active()
    return render(request, "public/territory.html", {"territory": territory, "active": notices})


def history(request, territory):
    return HttpResponse("Historique")


def notice_detail(request, territory, pk):
    notice = get_object_or_404(Notice.objects.published(), territory__slug=territory, pk=pk)
    return HttpResponse(notice.title)


def site_detail(request, territory, pk, slug):
    site = get_object_or_404(Site.objects.public(), organization__territory__slug=territory, pk=pk)
    return HttpResponse(site.name)
