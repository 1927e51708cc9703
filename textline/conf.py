"""Textline settings: Django settings first (tests override them there), then the environment."""
from django.conf import settings

from riverains.env import env_int


def answers_per_hour():
    """SMS a number may send to the keywords in an hour; past it, one "trop de SMS" answer, then
    silence until the hour ends (STOP still unsubscribes). Keeps a looping robot or a prankster
    from making the territory pay for hundreds of answers."""
    if hasattr(settings, "TEXTLINE_ANSWERS_PER_HOUR"):
        return settings.TEXTLINE_ANSWERS_PER_HOUR
    return env_int("TEXTLINE_ANSWERS_PER_HOUR", 10)
