import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wipp.settings")
application = get_wsgi_application()

# A WSGI server runs no system checks: refuse to load on development keys with DEBUG off.
from apps.core.checks import refuse_to_start_on_errors  # noqa: E402

refuse_to_start_on_errors()
