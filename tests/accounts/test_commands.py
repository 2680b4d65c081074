import stat

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_ensure_admin_generates_a_password_kept_for_the_owner_only(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    settings.DATA_DIR = tmp_path

    call_command("ensure_admin")

    password_file = tmp_path / "admin-password"
    password = password_file.read_text().strip()
    admin = User.objects.get(email="admin@localhost")
    assert admin.is_staff and admin.is_superuser
    assert admin.check_password(password)
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password in capsys.readouterr().out

    call_command("ensure_admin")  # again: nothing changes
    assert User.objects.filter(is_superuser=True).count() == 1
    assert password_file.read_text().strip() == password


def test_ensure_admin_honours_the_environment(settings, tmp_path, monkeypatch, capsys):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "from the environment")

    call_command("ensure_admin")

    admin = User.objects.get(email="root@example.com")
    assert admin.check_password("from the environment")
    assert not (tmp_path / "admin-password").exists()
    assert "from the environment" not in capsys.readouterr().out
