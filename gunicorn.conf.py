"""gunicorn's settings for the portal (read from the working directory; the Procfile's
command line adds the address and the number of processes)."""

import gc


def post_worker_init(worker):
    """Move what the application loaded at start out of the garbage collector's sight: a
    full collection then walks only what requests made, and stays short (otherwise it
    stalls one request in a few thousand for tens of milliseconds)."""
    gc.freeze()
