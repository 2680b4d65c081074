"""ASGI entry point (uvicorn): streamed replies don't hold a worker thread."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quillium_site.settings")

application = get_asgi_application()
