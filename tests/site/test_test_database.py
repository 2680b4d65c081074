"""The suite runs against its own database, never the one `make run` serves (which it would flush)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_queries_reach_the_test_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (name,) = cursor.fetchone()

    assert name == connection.settings_dict["NAME"]
    assert name.startswith("test_")
