import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from kb.stack_room import StackRoom

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
# Each request on a frame-stack chunk of its own, with room (see kb/stack_room.py).
application = StackRoom(get_wsgi_application())

# Import every view now (the URL patterns name them), then take what is loaded
# out of the garbage collector's passes: the objects a worker starts with (about
# 120,000) live as long as it does, yet each full pass walked them all, about
# 90 ms, now and then in the middle of a request.
get_resolver().url_patterns  # noqa: B018 -- imported for its side effect
gc.freeze()
