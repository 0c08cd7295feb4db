"""The portal's Celery application: Redis as broker, tasks found in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cities4csr.settings")

app = Celery("cities4csr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
