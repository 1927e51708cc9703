"""The text of a post on the territory's social accounts (Mastodon, Bluesky): what happens, where,
when, and the link to the notice, fitted to the network's length limit.

Plain text only: both networks show it as text (Mastodon escapes it, Bluesky has no markup), so
operators' "<", "&" and quotes are posted as typed, never as HTML."""
from dataclasses import dataclass

ELLIPSIS = "…"
MIN_TITLE = 20


@dataclass
class Post:
    text: str
    url: str


def _cut(value, size):
    if len(value) <= size:
        return value
    return value[: max(size - 1, 0)].rstrip() + ELLIPSIS


def _when(message):
    if message.ends:
        return f"Début : {message.starts}\nFin : {message.ends}"
    return f"Début : {message.starts}"


def social_post(message, limit):
    """A Post of at most `limit` characters (code points: never fewer than graphemes, so a
    300-character text is within Bluesky's 300-grapheme limit). The link is never cut; the
    place, then the title, then the end time, then what to do give way first."""
    head = f"{message.territory_name} — {message.headline} : "
    title = " ".join(message.title.split())
    place = " · ".join(p for p in [message.site, f"communes : {message.communes}" if message.communes else ""] if p)
    when = _when(message)
    # What to do comes right after the title, as on every channel (« Rien : ce n'est pas une alerte »).
    todo = f"Que faire ? {' '.join(message.what_to_do.split())}" if getattr(message, "what_to_do", "") else ""

    def build():
        return "\n".join(line for line in [head + title, todo, place, when, message.url] if line)

    def over():
        return len(build()) - limit

    if over() > 0 and place:
        place = _cut(place, len(place) - over()) if len(place) - over() >= MIN_TITLE else ""
    if over() > 0:
        title = _cut(title, max(len(title) - over(), MIN_TITLE))
    if over() > 0:
        when = when.split("\n")[0]
    if over() > 0 and todo:
        todo = _cut(todo, len(todo) - over()) if len(todo) - over() >= MIN_TITLE else ""
    if over() > 0:
        head, title = "", _cut(title, max(len(title) - over(), 0))
    return Post(text=build(), url=message.url)
