"""Password resets through the relay's outbox: Django's PasswordResetForm decides who gets a
message (an active account with a usable password, never saying whether one exists); its e-mail
is queued rather than sent from the request, and built when it leaves, with a token made then
(Django's tokens are stateless: the outbox keeps no working link)."""
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from relay import transactional
from relay.channels.base import PermanentError
from relay.models import ChannelKind, MessageKind

# What the form's context holds besides the user, the uid and the token (made again at send time).
KEPT = ("domain", "site_name", "protocol", "site_url")


class OutboxPasswordResetForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        transactional.queue(
            MessageKind.PASSWORD_RESET, ChannelKind.EMAIL, address=to_email, reference=context["user"].pk,
            payload={
                "templates": [subject_template_name, email_template_name, html_email_template_name],
                "context": {key: context[key] for key in KEPT if key in context},
                "language": translation.get_language(),
            },
        )


@transactional.builds(MessageKind.PASSWORD_RESET)
def build_email(delivery):
    user = get_user_model().objects.filter(pk=delivery.reference, is_active=True).first()
    if user is None or not user.has_usable_password():
        raise PermanentError("compte supprimé ou désactivé depuis la demande : rien à envoyer")
    subject_template, body_template, html_template = delivery.payload["templates"]
    context = {
        **delivery.payload["context"], "email": delivery.recipient, "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user),
    }
    with translation.override(delivery.payload.get("language")):
        subject = "".join(render_to_string(subject_template, context).splitlines())
        body = render_to_string(body_template, context)
        html = render_to_string(html_template, context) if html_template else None
    return transactional.email(delivery, subject, body, html)
