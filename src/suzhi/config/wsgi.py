import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
application = get_wsgi_application()

# Import every view and API module now, as the worker starts, rather than in the first request it serves: a worker
# started into a busy contest window would otherwise answer its first requests a second late.
from django.urls import get_resolver  # noqa: E402 - after the app is set up

get_resolver().url_patterns  # noqa: B018 - the import is the point
