"""Production settings pass Django's deployment checklist."""

import os
import subprocess
import sys

from django.conf import settings


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is a test-only escape hatch; production never has it.
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x7$Kq9!vT2#pL8@wZ4^nR6&mB1*cF5(hJ3)dG0-sY_uE+aQ=iO{oP}",
        HTTPS="true",
        ALLOWED_HOSTS="quillium.example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check", DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_bad_boolean_settings_are_refused_with_a_message():
    result = manage("check", DEBUG="perhaps")

    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_debug_pages_are_on_by_default_only_while_the_site_listens_on_loopback(tmp_path):
    """`HOST=0.0.0.0 make run` showed Django's debug pages (every URL pattern, settings on a 500) to the network."""
    base = {n: v for n, v in os.environ.items() if n not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    shown = {}
    for host in ("127.0.0.1", "::1", "0.0.0.0", "192.168.1.5"):
        result = subprocess.run(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "-c",
             "from django.conf import settings; print(settings.DEBUG)"],
            env={**base, "HOST": host, "DATA_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr  # no SECRET_KEY needed: make run keeps a generated one
        shown[host] = result.stdout.split()[-1]

    assert shown == {"127.0.0.1": "True", "::1": "True", "0.0.0.0": "False", "192.168.1.5": "False"}


def test_serve_says_whether_debug_pages_are_on_and_why(settings):
    from quillium_site.management.commands.serve import debug_notice

    settings.DEBUG, settings.DEBUG_SET = False, False
    assert "off because HOST=0.0.0.0 is reachable from the network" in debug_notice("0.0.0.0")
    settings.DEBUG, settings.DEBUG_SET = True, True
    assert "Anyone who can reach this address sees them" in debug_notice("0.0.0.0")
    settings.DEBUG, settings.DEBUG_SET = True, False
    assert debug_notice("127.0.0.1") == (
        "Debug pages are on (the site listens on loopback only); set DEBUG=false to turn them off."
    )
