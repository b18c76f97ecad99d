import os

from django.core.asgi import get_asgi_application

from suzhi.config.guard import serving_guard

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
application = get_asgi_application()
serving_guard()
