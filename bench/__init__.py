"""`make bench`: the portal under gunicorn beside a bare Django project, in one run."""
