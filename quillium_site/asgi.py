"""ASGI entry point (uvicorn): streamed replies don't hold a worker thread."""

import gc
import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quillium_site.settings")

application = get_asgi_application()

# Import every view now rather than on the first request, then keep the ~200,000 objects of a loaded site out of
# the garbage collector's passes: a full pass over them took ~50 ms, a stall for every request in flight.
get_resolver().url_patterns  # noqa: B018 - loads the URLconf
gc.freeze()

from quillium_site.heartbeats import start_web_heartbeat  # noqa: E402 - needs the apps loaded above

start_web_heartbeat()
