"""Every URL pattern of the console: namespace, found by walking Django's URL resolver (so a page
added in any app is found without being listed), and an address for each."""
from dataclasses import dataclass, field

from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

# Values for the parts of an address that are not object ids.
NAMED_SAMPLES = {"kind": "mastodon", "figure": "messages-par-mois", "token": "jeton-inconnu", "uidb64": "MQ"}


@dataclass(frozen=True)
class ConsolePattern:
    name: str
    route: str
    converters: dict = field(hash=False)

    def reverse(self, **kwargs):
        return reverse(f"console:{self.name}", kwargs=kwargs)


def console_url_patterns():
    return list(_walk(get_resolver().url_patterns, [], "", {}))


def _walk(patterns, namespaces, route, converters):
    for entry in patterns:
        here = route + str(entry.pattern)
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, namespaces + ([entry.namespace] if entry.namespace else []), here, found)
        elif namespaces[:1] == ["console"]:
            assert entry.name, f"console URL {here} has no name"
            yield ConsolePattern(entry.name, here, found)


def sample_kwargs(pattern, world, pk=1):
    """Arguments that make the pattern's address: `pk` for ids, territory X's slug for slugs."""
    kwargs = {}
    for name, converter in pattern.converters.items():
        kind = type(converter).__name__
        if name in NAMED_SAMPLES:
            kwargs[name] = NAMED_SAMPLES[name]
        elif name == "year":
            kwargs[name] = timezone.localdate().year
        elif kind == "IntConverter":
            kwargs[name] = pk
        elif kind == "SlugConverter":
            kwargs[name] = world.x.slug
        else:
            kwargs[name] = "x"
    return kwargs


def sample_url(pattern, world):
    return pattern.reverse(**sample_kwargs(pattern, world))
