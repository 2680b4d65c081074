"""Attachments go to an S3-compatible bucket through django-storages when S3_BUCKET is set."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW = (
    "import json, django; django.setup(); "
    'from django.core.files.storage import storages; s = storages["default"]; '
    "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url, s.location]))"
)


def test_s3_settings_select_the_s3_storage():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="quillium_site.settings",
        S3_BUCKET="notes",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )

    result = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=60, cwd=settings.BASE_DIR
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["S3Storage", "notes", "http://127.0.0.1:9000", "quillium"]
