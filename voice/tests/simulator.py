"""A phone provider, simulated: it calls the entry webhook as Twilio would, signs every request,
reads the TwiML, plays (fetches) every audio file, says every <Say>, sends keys to <Gather>,
follows <Redirect>, and hangs up on <Hangup>. Each audio file is checked with sox."""
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from twilio.request_validator import RequestValidator

from .conftest import TOKEN

TIMEOUT = None  # a key the caller does not press
MAX_STEPS = 40
SILENCE_RMS = 0.01


@dataclass
class Audio:
    url: str
    sample_rate: int
    channels: int
    encoding: str
    rms: float
    duration: float


@dataclass
class Conversation:
    documents: list = field(default_factory=list)
    said: list = field(default_factory=list)
    said_in_english: list = field(default_factory=list)
    played: list = field(default_factory=list)
    hung_up: bool = False

    @property
    def heard(self):
        return " ".join(self.said)


def audio_info(path):
    """What sox says of a file: rate, channels, encoding, RMS amplitude, duration."""
    def soxi(flag):
        return subprocess.run(["sox", "--i", flag, path], check=True, capture_output=True, text=True).stdout.strip()

    stat = subprocess.run(["sox", path, "-n", "stat"], check=True, capture_output=True, text=True).stderr
    rms = float(re.search(r"RMS\s+amplitude:\s+([\d.]+)", stat).group(1))
    return int(soxi("-r")), int(soxi("-c")), soxi("-e"), rms, float(soxi("-D"))


class Provider:
    def __init__(self, client, token=TOKEN, base=None):
        # The provider is given, and signs, the public address (SITE_URL): see riverains.provider_signature.
        self.client, self.token, self.base = client, token, base or settings.SITE_URL

    def post(self, url, params, signature=None):
        path = url[len(self.base):] if url.startswith(self.base) else url
        full = self.base + path
        sig = RequestValidator(self.token).compute_signature(full, params) if signature is None else signature
        return self.client.post(path, params, HTTP_X_TWILIO_SIGNATURE=sig)

    def fetch_audio(self, url):
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.base, f"audio not on this server: {url}"
        response = self.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, f"{url} → {response.status_code}"
        data = b"".join(response.streaming_content)
        with tempfile.NamedTemporaryFile(suffix=os.path.splitext(parts.path)[1]) as f:
            f.write(data)
            f.flush()
            rate, channels, encoding, rms, duration = audio_info(f.name)
        return Audio(url, rate, channels, encoding, rms, duration)

    def call(self, to, keys=(), caller="+33612345678", sid="CA0001"):
        """Call `to`, press `keys` one per menu (TIMEOUT to let the menu time out)."""
        keys = list(keys)
        params = {"CallSid": sid, "AccountSid": "AC0001", "From": caller, "To": to, "Direction": "inbound",
                  "CallStatus": "in-progress"}
        conversation = Conversation()
        response = self.post("/voix/appel", params)
        for _step in range(MAX_STEPS):
            assert response.status_code == 200, response.content
            assert response["Content-Type"].startswith("text/xml")
            root = ET.fromstring(response.content)
            assert root.tag == "Response"
            conversation.documents.append(response.content)
            assert root.find("Say") is not None or root.find("Play") is not None or root.find("Gather/Play") is not None \
                or root.find("Gather/Say") is not None, "the caller would hear nothing"
            next_request = self._run(root, keys, params, conversation)
            if next_request is None:
                return conversation
            response = self.post(*next_request)
        raise AssertionError("the call never ended")

    def _run(self, root, keys, params, conversation):
        for verb in root:
            if verb.tag in ("Say", "Play"):
                self._speak(verb, conversation)
            elif verb.tag == "Gather":
                for inner in verb:
                    self._speak(inner, conversation)
                key = keys.pop(0) if keys else TIMEOUT
                if key is not TIMEOUT:
                    return verb.get("action"), {**params, "Digits": key}
            elif verb.tag == "Redirect":
                return verb.text, params
            elif verb.tag == "Hangup":
                conversation.hung_up = True
                return None
            else:
                raise AssertionError(f"unexpected verb {verb.tag}")
        raise AssertionError("the document ends without a menu, a redirect or a goodbye: the caller is stuck")

    def _speak(self, verb, conversation):
        if verb.tag == "Say":
            assert verb.get("language") in ("fr-FR", "en-GB")  # en-GB: the English key's prompt (issue 16)
            assert (verb.text or "").strip(), "empty <Say>"
            (conversation.said if verb.get("language") == "fr-FR" else conversation.said_in_english).append(verb.text)
        elif verb.tag == "Play":
            audio = self.fetch_audio(verb.text)
            conversation.played.append(audio)
