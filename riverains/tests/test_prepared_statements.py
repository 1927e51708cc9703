"""PostgreSQL plans a statement once per connection instead of at every request
(DATABASE_PREPARED_STATEMENTS, on by default): planning was most of its work for a resident's
report. Behind a transaction-mode pooler that cannot keep them, the setting turns them off."""
import subprocess
import sys

import pytest
from django.db import connection

from territories.models import Territory
from riverains.tests.test_deploy import ROOT, production_env


@pytest.mark.django_db
def test_a_repeated_query_is_prepared_on_the_postgresql_connection():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(6):
        list(Territory.objects.filter(slug="seine-estuaire").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    table = Territory._meta.db_table
    assert any(table in statement and "slug" in statement for statement in prepared), prepared


def database_options(**env):
    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"
    environment = production_env(DJANGO_SETTINGS_MODULE="riverains.settings")
    environment.pop("DATABASE_PREPARED_STATEMENTS", None)  # the default, unless this test sets it
    environment.update(env)
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT,
                         env=environment, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_prepared_statements_are_on_for_postgresql_and_can_be_turned_off_for_a_pooler():
    url = "postgres://riverains:secret@127.0.0.1:5432/riverains"
    assert "'prepare_threshold': 5" in database_options(DATABASE_URL=url)
    assert "'server_side_binding': True" in database_options(DATABASE_URL=url)
    assert database_options(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="0") == "{}"
