"""Hooks other apps attach to, so that notices knows nothing of relay, voice or caches.

revision_created is sent inside the publishing transaction: a receiver that writes rows
(the relay's outbox) commits or rolls back with the notice. notice_changed is sent after
commit: caches, the voice bulletin and anything that must see the committed state."""
from django.dispatch import Signal

revision_created = Signal()  # kwargs: notice, revision
notice_changed = Signal()  # kwargs: notice, revision
