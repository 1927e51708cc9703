"""Print the environment that points the demo's processes at its catcher (bin/demo evaluates it):
the SMTP server, Kannel's sendsms URL, the VAPID keys of web push, the inbox's directory."""
import shlex
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.catcher import KANNEL_PASSWORD, KANNEL_USER, DemoKeys


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Command(BaseCommand):
    help = "Print `export` lines pointing e-mail, SMS and web push at the demo's catcher (development only)."

    def handle(self, *args, **options):
        if not settings.DEV or not settings.DEMO_INBOX_DIR:
            raise CommandError("The demo's catcher exists only in development (RIVERAINS_DEV=1).")
        keys = DemoKeys(settings.DEMO_INBOX_DIR)
        http_port = free_port()
        variables = {
            "DEMO_INBOX_DIR": settings.DEMO_INBOX_DIR,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": free_port(),
            "EMAIL_USE_TLS": "0",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "SMS_BACKEND": "kannel",
            "KANNEL_URL": f"http://127.0.0.1:{http_port}/cgi-bin/sendsms",
            "KANNEL_USER": KANNEL_USER,
            "KANNEL_PASSWORD": KANNEL_PASSWORD,
            "VAPID_PRIVATE_KEY": keys.vapid_private,
            "VAPID_PUBLIC_KEY": keys.vapid_public,
            "VAPID_SUBJECT": "mailto:demo@riverains.localhost",
        }
        for name, value in variables.items():
            self.stdout.write(f"export {name}={shlex.quote(str(value))}")
