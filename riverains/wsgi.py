import os

from django.core.wsgi import get_wsgi_application

from riverains.replay import ReplayingApplication

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riverains.settings")
# The surge's hot path: cached public answers replayed without going through Django
# (riverains.replay); everything else, and everything without a shared cache, goes to Django.
application = ReplayingApplication(get_wsgi_application())
