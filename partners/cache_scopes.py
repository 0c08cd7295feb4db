"""Which stored pages a write makes out of date: the scopes of `portal.pagecache`.

Everything of a network (a meeting, a roadmap step, an article) belongs to that network's
scope, found through its foreign keys; what is one person's (their unread count, their
networks in the menu) to that person's; the networks' own names to the site's. Each app
calls `watch()` in its ready() for its models, so a save, a delete or a change of a
many-to-many relation through the ORM or the admin bumps the right versions once the
transaction commits. Bulk writes (`bulk_create`, `update`) send no signals: the services
that make them bump with `portal.pagecache.changed` themselves.
"""

from __future__ import annotations

import contextvars
from collections import deque
from contextlib import contextmanager
from functools import cache

from django.db.models.signals import m2m_changed, post_save, pre_delete

from portal import pagecache
from portal.outbox import OutboxItem

from .models import Membership, Network, Notification, User

_paused = contextvars.ContextVar("page_cache_watch_paused", default=False)


@contextmanager
def bulk_writes():
    """Many writes at once (demo data, imports): no bump per row, the whole site after."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)
        pagecache.changed([pagecache.SITE])


@cache
def _path_to_network(model) -> str | None:
    """The shortest chain of foreign keys from `model` to its network, e.g.
    "roadmap__partner__network"; people are not followed (they belong to several)."""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in current._meta.concrete_fields:
            if not field.many_to_one and not field.one_to_one:
                continue
            target = field.related_model
            step = f"{path}__{field.name}" if path else field.name
            if target is Network:
                return step
            if target is not User and target not in seen:
                seen.add(target)
                queue.append((target, step))
    return None


def scopes_of(instance, *, update_fields=None) -> list[str]:
    """The scopes whose pages show `instance`."""
    if isinstance(instance, OutboxItem):
        return []  # an e-mail's state is shown on no page the cache keeps
    if isinstance(instance, Network):
        return [pagecache.SITE, pagecache.network_scope(instance.slug)]
    if isinstance(instance, User):
        if update_fields is not None and set(update_fields) <= {"last_login", "language"}:
            return [pagecache.user_scope(instance.pk)]  # shown to nobody else
        return [pagecache.SITE, pagecache.user_scope(instance.pk)]  # names show everywhere
    if isinstance(instance, Notification):
        return [pagecache.user_scope(instance.recipient_id)]
    path = _path_to_network(type(instance))
    if path is None:
        return [pagecache.SITE]  # shared by every network (e.g. a news tag)
    scopes = [pagecache.network_scope(slug) for slug in _network_slugs(instance, path)]
    if isinstance(instance, Membership):
        scopes.append(pagecache.user_scope(instance.user_id))
    if getattr(instance, "public_page_cache", False):
        scopes.append(pagecache.PUBLIC)
    return scopes


def _network_slugs(instance, path: str) -> list[str]:
    first, _, rest = path.partition("__")
    field = type(instance)._meta.get_field(first)
    related_id = getattr(instance, field.attname)
    if related_id is None:
        return []
    if not rest:  # the network itself
        return list(Network.objects.filter(pk=related_id).values_list("slug", flat=True))
    lookup = f"{rest}__slug"
    return list(
        field.related_model._default_manager.filter(pk=related_id).values_list(lookup, flat=True)
    )


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and not _paused.get():
        pagecache.changed(scopes_of(instance, update_fields=update_fields))


def _deleting(sender, instance, **kwargs):
    if not _paused.get():
        pagecache.changed(scopes_of(instance))


def _relation_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and not _paused.get():
        pagecache.changed(scopes_of(instance))


def watch(models) -> None:
    """Bump the scopes of every write to these models (called from AppConfig.ready())."""
    for model in models:
        uid = f"page_cache_{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_deleting, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _relation_changed, sender=through, dispatch_uid=f"{uid}_{field.name}"
            )
