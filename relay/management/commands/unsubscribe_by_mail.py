"""List-Unsubscribe's mailto: alternative: the mail server hands each message sent to
RELAY_UNSUBSCRIBE_EMAIL to this command on its standard input (a Postfix or Exim pipe alias,
see README); the manage token in the subject says which subscription leaves."""
import sys
from email import message_from_binary_file, policy

from django.core.management.base import BaseCommand

from relay import services, tokens
from relay.messages import UNSUBSCRIBE_SUBJECT


def token_in(subject):
    """The token after "unsubscribe" (a client may add "Re:" or "Fwd:" before it), or None."""
    words = (subject or "").split()
    lowered = [w.lower() for w in words]
    if UNSUBSCRIBE_SUBJECT not in lowered:
        return None
    after = words[lowered.index(UNSUBSCRIBE_SUBJECT) + 1:]
    return after[0] if after else None


def unsubscribe_by_mail(message):
    """Unsubscribe what the message's subject names; True when a subscription left."""
    subscription = tokens.subscription_for_manage_token(token_in(str(message["Subject"] or "")) or "")
    if subscription is None:
        return False
    services.unsubscribe(subscription)
    return True


class Command(BaseCommand):
    help = "Read one e-mail on standard input and unsubscribe the subscription its subject names."

    def handle(self, *args, **options):
        message = message_from_binary_file(sys.stdin.buffer, policy=policy.default)
        # Exit 0 either way: a bounce to an unknown sender would only make noise.
        self.stdout.write("unsubscribed" if unsubscribe_by_mail(message) else "no valid unsubscribe token")
