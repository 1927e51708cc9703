"""{% town_hall_text notice as text %}: the notice's « texte pour l'application de la mairie »
(notices.town_hall), for the console's notice page and the town-hall kit."""
from django import template

from notices.town_hall import town_hall_text as build

register = template.Library()


@register.simple_tag
def town_hall_text(notice):
    return build(notice)
