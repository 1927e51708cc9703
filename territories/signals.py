from django.dispatch import Signal

# Sent after commit when something public about a territory changed (its settings, a site, a
# member, its communes); kwargs: territory_id. Caches listen to it.
territory_changed = Signal()
