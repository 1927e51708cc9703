"""The demo's catcher (demo.catcher): listens where demo_inbox_env pointed e-mail and SMS,
subscribes the demo browser and partner, and keeps everything for the console's demo inbox until
SIGTERM or Ctrl-C."""
import logging
import signal
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.catcher import Catcher, ensure_demo_recipients
from relay import conf


class Command(BaseCommand):
    help = "Catch every e-mail, SMS, web push and webhook call of the demo for its inbox (development only)."

    def handle(self, *args, **options):
        if not settings.DEV or not settings.DEMO_INBOX_DIR:
            raise CommandError("The demo's catcher exists only in development (RIVERAINS_DEV=1).")
        http_port = urlsplit(conf.kannel_url()).port
        if not http_port:
            raise CommandError("KANNEL_URL must point at the catcher: run `eval \"$(manage.py demo_inbox_env)\"` first.")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's line per SMTP command
        catcher = Catcher(settings.DEMO_INBOX_DIR, settings.EMAIL_PORT, http_port)
        catcher.start()
        try:
            ensure_demo_recipients(catcher.http_url, catcher.keys)
            self.stdout.write(f"demo catcher: SMTP 127.0.0.1:{settings.EMAIL_PORT}, HTTP {catcher.http_url}")
            while not stop.wait(0.5):  # wakes up for the signal handler, whatever the platform
                pass
        finally:
            catcher.stop()
