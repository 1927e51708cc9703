"""Atom, CAP 1.2, iCalendar and CSV per territory. (Skeleton: the feeds work fills these in.)"""
from django.http import Http404


def atom(request, territory):
    raise Http404


def cap(request, territory):
    raise Http404


def ical(request, territory):
    raise Http404


def csv_export(request, territory):
    raise Http404
