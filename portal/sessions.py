"""Sessions read from the cache and written through to the database, that keep working
when the cache does not answer (Django's own `cached_db` already does so for reads and
saves; this adds the copy into the cache after a read from the database, the check for
a free key and the deletion)."""

import logging

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:
            logger.exception("Error copying the session into the cache (%s)", self._cache)
            row = self._get_session_from_db()
            return self.decode(row.session_data) if row else {}

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            logger.exception("Error reading the cache (%s)", self._cache)
            return db.SessionStore.exists(self, session_key)

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception:
            # The row is gone, so a later read that misses the cache finds nothing; the
            # cached copy expires with the session's own age.
            logger.exception("Error deleting from the cache (%s)", self._cache)
