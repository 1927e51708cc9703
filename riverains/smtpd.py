"""Importing aiosmtpd (the loopback SMTP server of the tests and the demo's catcher) next to this
project's `public` app.

aiosmtpd depends on atpublic, whose top-level package is also called `public`: importing it
normally would pick our app. We load atpublic under that name just long enough for aiosmtpd
to import, then put our app back."""
import importlib.util
import sys
from importlib.metadata import distribution


def _is_public(name):
    return name == "public" or name.startswith("public.")


def import_aiosmtpd():
    """aiosmtpd's Controller class and its `handlers` module."""
    saved = {name: module for name, module in sys.modules.items() if _is_public(name)}
    for name in saved:
        del sys.modules[name]
    package = distribution("atpublic").locate_file("public")
    spec = importlib.util.spec_from_file_location(
        "public", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["public"] = module
    try:
        spec.loader.exec_module(module)
        from aiosmtpd import handlers
        from aiosmtpd.controller import Controller
    finally:
        for name in [name for name in sys.modules if _is_public(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
    return Controller, handlers


def import_controller():
    return import_aiosmtpd()[0]
