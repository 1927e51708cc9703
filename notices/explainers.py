"""Which explainer a notice links to, wherever a notice is shown (public pages, the console's
preview): low in notices so that the console does not reach into the public site for it."""
from .models import Explainer


def attach_explainers(notices):
    """Give each notice the explainer to link to: its own, or the first one of its category."""
    by_category = {}
    for explainer in Explainer.objects.all():
        for category in explainer.categories:
            by_category.setdefault(category, explainer)
    notices = list(notices)
    for notice in notices:
        notice.explainer_link = notice.explainer or by_category.get(notice.category)
    return notices
