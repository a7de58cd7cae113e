"""WSGI entry point (gunicorn remixsite.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remixsite.settings")
application = get_wsgi_application()
