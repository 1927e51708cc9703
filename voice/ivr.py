"""The interactive voice menu, as TwiML webhooks (Twilio, Telnyx TeXML and SignalWire all speak
it). The provider POSTs here when someone calls the territory's toll-free number and each time
they press a key; we answer with what to play and what to wait for.

The caller is never left in silence: every answer speaks (<Play> of the pre-generated audio, or
<Say> when there is none yet) and then waits for a key (<Gather>) or moves on (<Redirect>), until
a polite goodbye. Requests must carry the provider's signature (riverains.provider_signature,
twilio's RequestValidator); the TwiML is built with the twilio library (VoiceResponse), which
escapes the text of operators and coordinators."""
import logging
from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseForbidden
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.twiml.voice_response import VoiceResponse

from riverains.provider_signature import is_signed, public_url
from riverains.text import xml_text
from territories.models import Territory

from . import conf, english
from .models import Call
from .phone import caller_hash, territory_for_number
from .services import latest_bulletin, notice_part, territory_dir
from .wording import commune_report, script_for

logger = logging.getLogger(__name__)
LANGUAGE = "fr-FR"
# Key → what it plays; "*" repeats the last one. 1 asks which current notice to hear in full,
# 3 asks for a postcode (see ASKS).
CHOICES = {"2": "planned", "4": "current", "9": "info"}
ONE_NOTICE_KEY, COMMUNE_KEY = "1", "3"
REPEAT_KEYS = {"*"}
MENU_KEY = "0"
ENGLISH_KEY = "8"  # issue 16: the notices' structured summary in English (voice.english)
POSTCODE_DIGITS = 5
# Unanswered menus (timeouts) before saying goodbye; wrong keys get one more chance.
MAX_SILENCES = 1
MAX_MISTAKES = 2


def provider_webhook(view):
    """POST only, no CSRF token (the provider has none), and a valid signature or 403."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = conf.auth_token()
        if not token:
            logger.error("VOICE_AUTH_TOKEN is not set: phone webhooks are refused")
            return HttpResponseForbidden("Signature invalide.")
        if not is_signed(request, token):
            logger.warning("Refused a phone webhook with a bad signature for %s", request.get_full_path())
            return HttpResponseForbidden("Signature invalide.")
        with override("fr"):
            return view(request, *args, **kwargs)

    return wrapper


class Reply:
    """A TwiML document under construction."""

    def __init__(self, request, territory):
        self.request, self.territory = request, territory
        self.root = VoiceResponse()
        self._bulletin = latest_bulletin(territory) if territory else None
        self._script = None

    def say(self, text, parent=None):
        # The library escapes markup but writes control characters as they are, which no XML
        # parser reads: a row stored before the forms refused them must not break the call.
        (self.root if parent is None else parent).say(xml_text(text), language=LANGUAGE)

    def play_section(self, name, parent=None):
        """The pre-generated audio of a part of the bulletin, or its text spoken by the provider."""
        entry = (self._bulletin.files if self._bulletin else {}).get(f"{name}.wav")
        if entry and (territory_dir(self.territory) / f"{name}.wav").exists():
            url = reverse("voice:section", args=[self.territory.slug, name]) + "?v=" + entry["sha256"][:12]
            (self.root if parent is None else parent).play(public_url(url))
        else:
            self.say(self.section_text(name), parent)

    def section_text(self, name):
        if self._bulletin and self._bulletin.sections.get(name):
            return self._bulletin.sections[name]
        script = self.script()
        if name.startswith("notice-"):
            return next((s.text for s in script.segments if s.section == "current" and notice_part(s.notice_id) == name), "")
        return script.section(name)

    def script(self):
        if self._script is None:
            self._script = script_for(self.territory)
        return self._script

    def current_ids(self):
        """The current notices in the order the intro named them (what the caller heard)."""
        if self._bulletin and "current_order" in self._bulletin.sections:
            return [int(pk) for pk in self._bulletin.sections["current_order"].split()]
        return list(self.script().current_ids)

    def ask(self, prompt, digits, **state):
        """Say `prompt` and wait for `digits` keys (# ends early); without them, back to the menu."""
        gather = self.root.gather(input="dtmf", num_digits=digits, finish_on_key="#", timeout=conf.gather_timeout(),
                                  action=self.menu_url(**state), method="POST")
        self.say(prompt, gather)
        self.root.redirect(self.menu_url(dernier=state.get("dernier", "")), method="POST")

    def menu(self, **state):
        """Play the menu and wait for one key; without one, come back to say so."""
        action = self.menu_url(**state)
        gather = self.root.gather(input="dtmf", num_digits=1, timeout=conf.gather_timeout(), action=action, method="POST")
        self.play_section("menu", gather)
        gather.say(english.prompt_text(), language="en-GB")  # "For a summary in English, press 8."
        self.root.redirect(action, method="POST")

    def play_english(self):
        """Key 8: the summaries read by eSpeak NG's English voice (made on the first call after a
        change); said by the provider in English if the recording cannot be made."""
        try:
            path = english.ensure_english(self.territory)
        except Exception:  # a missing espeak-ng or sox must not leave the caller in silence
            logger.exception("English summary of %s: no recording", self.territory.slug)
            self.root.say(xml_text(english.english_text(self.territory)), language="en-GB")
            return
        url = reverse("voice:english", args=[self.territory.slug, "resume"]) + "?v=" + path.stem.rsplit("-", 1)[-1]
        self.root.play(public_url(url))

    def menu_url(self, **state):
        query = urlencode({"t": self.territory.slug, **{k: v for k, v in state.items() if v not in (None, "")}})
        return public_url(reverse("voice:menu") + "?" + query)

    def goodbye(self):
        self.say(_("Merci de votre appel. Les informations sont aussi sur le site internet du territoire. Au revoir."))
        self.root.hangup()

    def response(self):
        response = HttpResponse(self.root.to_xml(xml_declaration=True), content_type="text/xml; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response


def _unknown_number(request):
    reply = Reply(request, None)
    reply.say(_("Ce numéro n'est associé à aucun territoire du service d'information des riverains. "
                "Vérifiez le numéro composé. Au revoir."))
    reply.root.hangup()
    return reply.response()


def _territory(request):
    slug = request.GET.get("t")
    if slug:
        return Territory.objects.published().filter(slug=slug).first()
    return territory_for_number(request.POST.get("To", ""))


def _record(request, territory, choice=None):
    sid = request.POST.get("CallSid", "")[:64]
    if not sid:
        return
    call, _created = Call.objects.get_or_create(
        call_sid=sid,
        defaults={"territory": territory, "started_at": timezone.now(), "caller_hash": caller_hash(request.POST.get("From"))},
    )
    if choice:
        call.choices.append(choice)
        call.save(update_fields=["choices"])


@provider_webhook
def incoming_call(request):
    territory = territory_for_number(request.POST.get("To", ""))
    if territory is None:
        logger.warning("Call to a number of no territory")
        return _unknown_number(request)
    _record(request, territory)
    reply = Reply(request, territory)
    reply.play_section("intro")
    reply.menu()
    return reply.response()


@provider_webhook
def menu(request):
    territory = _territory(request)
    if territory is None:
        return _unknown_number(request)
    reply = Reply(request, territory)
    digits = request.POST.get("Digits", "").strip()
    key = digits[:1]
    last = request.GET.get("dernier", "")
    step = request.GET.get("etape", "")
    silences, mistakes = _int(request.GET.get("silences")), _int(request.GET.get("erreurs"))

    if step == "numero" and digits:
        _record(request, territory, "1:numéro")
        _one_notice(reply, digits)
        reply.menu(dernier=ONE_NOTICE_KEY)
    elif step == "commune" and digits:
        _record(request, territory, "3:code")
        _commune(reply, digits)
        reply.menu(dernier=COMMUNE_KEY)
    elif key == ONE_NOTICE_KEY or (key in REPEAT_KEYS and last == ONE_NOTICE_KEY):
        _record(request, territory, key)
        _ask_for_a_notice(reply)
    elif key == COMMUNE_KEY or (key in REPEAT_KEYS and last == COMMUNE_KEY):
        _record(request, territory, key)
        reply.ask(_("Tapez les %(n)d chiffres du code postal de votre commune.") % {"n": POSTCODE_DIGITS},
                  POSTCODE_DIGITS, etape="commune", dernier=COMMUNE_KEY)
    elif key == ENGLISH_KEY or (key in REPEAT_KEYS and last == ENGLISH_KEY):
        _record(request, territory, key)
        reply.play_english()
        reply.menu(dernier=ENGLISH_KEY)
    elif key in CHOICES or key in REPEAT_KEYS:
        section = CHOICES.get(key) or CHOICES.get(last) or "intro"
        _record(request, territory, key)
        reply.play_section(section)
        reply.menu(dernier=key if key in CHOICES else last)
    elif key == MENU_KEY:
        _record(request, territory, key)
        reply.menu(dernier=last)
    elif not key:
        _record(request, territory, "timeout")
        if silences >= MAX_SILENCES:
            reply.goodbye()
        else:
            reply.say(_("Je n'ai pas entendu votre choix."))
            reply.menu(dernier=last, silences=silences + 1, erreurs=mistakes)
    else:
        _record(request, territory, "invalid")
        if mistakes >= MAX_MISTAKES:
            reply.goodbye()
        else:
            reply.say(_("Cette touche ne correspond à aucun choix."))
            reply.menu(dernier=last, silences=silences, erreurs=mistakes + 1)
    return reply.response()


def _ask_for_a_notice(reply):
    """Menu 1: the number of the activity, as the intro counted them; with only one, it at once."""
    ids = reply.current_ids()
    if not ids:
        reply.say(_("Aucune activité n'est en cours en ce moment."))
        reply.menu(dernier=ONE_NOTICE_KEY)
    elif len(ids) == 1:
        reply.play_section(notice_part(ids[0]))
        reply.menu(dernier=ONE_NOTICE_KEY)
    else:
        reply.ask(_("Tapez le numéro de l'activité, de 1 à %(n)d, puis dièse.") % {"n": len(ids)},
                  len(str(len(ids))), etape="numero", dernier=ONE_NOTICE_KEY)


def _one_notice(reply, digits):
    ids = reply.current_ids()
    number = _int(digits.rstrip("#"))
    if 1 <= number <= len(ids):
        reply.play_section(notice_part(ids[number - 1]))
    else:
        reply.say(_("Ce numéro ne correspond à aucune activité en cours."))


def _commune(reply, digits):
    """Menu 3: the notices of the territory's communes that have this postcode, said by the provider
    (the answer depends on what was typed, so there is no recording of it)."""
    from notices.models import Notice

    code = digits.rstrip("#")
    communes = [c for c in reply.territory.communes.all() if code in c.postcode_list] if code.isdigit() else []
    if not communes:
        reply.say(_("Aucune commune du territoire n'a le code postal %(code)s.") % {"code": " ".join(code)})
        return
    now = timezone.now()
    base = Notice.objects.filter(territory=reply.territory).select_related("site__commune").prefetch_related("communes")
    current = list(base.active(now).order_by("starts_at", "pk"))
    planned = list(base.upcoming(now).order_by("starts_at", "pk"))
    reply.say(commune_report(reply.territory, communes, current, planned, now))


def _int(value):
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


@provider_webhook
def call_status(request):
    """The provider's status callback at the end of a call: its duration."""
    sid = request.POST.get("CallSid", "")[:64]
    call = Call.objects.filter(call_sid=sid).first()
    if call is not None:
        call.duration = _int(request.POST.get("CallDuration"))
        call.status = request.POST.get("CallStatus", "")[:20]
        call.save(update_fields=["duration", "status"])
    return Reply(request, None).response()
