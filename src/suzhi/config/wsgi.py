import gc
import os

from django.core.wsgi import get_wsgi_application

from suzhi.config.guard import serving_guard

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
application = get_wsgi_application()
serving_guard()

# Import every view and API module now, as the worker starts, rather than in the first request it serves: a worker
# started into a busy contest window would otherwise answer its first requests a second late.
from django.urls import get_resolver  # noqa: E402 - after the app is set up

get_resolver().url_patterns  # noqa: B018 - the import is the point

# With the in-process thread pool, this process runs the background tasks: it sweeps up the recomputations asked
# for and left undone (by a process that died) now and every so often. With RQ the workers do.
from suzhi.core.tasks import sweeper_start  # noqa: E402

sweeper_start()

# What the worker has loaded lives as long as it does: moved out of the garbage collector's generations, it is not
# walked again by every collection of the oldest one (a targets refresh allocating a few hundred thousand objects
# set off such collections, each walking the whole app: 50 ms of a 0.3 s refresh).
gc.collect()
gc.freeze()
