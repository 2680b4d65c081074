"""WSGI entry point, for servers that don't speak ASGI."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quillium_site.settings")

application = get_wsgi_application()
