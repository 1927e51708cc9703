from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "console"

    def ready(self):
        # The builders of the console's e-mails (invitation, password reset), which the relay's
        # sender looks up by kind when it sends them.
        from . import invitations, password_reset  # noqa: F401
