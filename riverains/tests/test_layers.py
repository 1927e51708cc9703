"""The apps import downward only (docs/layers.md): import-linter checks the contracts of
.importlinter, here so that bin/test and CI run it with the rest of the suite."""
import configparser
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def _config():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def test_every_import_between_apps_goes_down_the_layers():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(ROOT / ".importlinter")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_app_of_the_project_has_its_place_in_the_layers():
    """A new app left out of .importlinter would escape every contract."""
    packages = {config.name.split(".")[0] for config in apps.get_app_configs()}
    ours = {name for name in packages if (ROOT / name / "__init__.py").exists()}
    config = _config()
    root_packages = set(config["importlinter"]["root_packages"].split())
    layered = set(config["importlinter:contract:layers"]["layers"].replace("|", " ").replace(":", " ").split())
    assert ours <= root_packages, ours - root_packages
    assert ours <= layered, ours - layered
