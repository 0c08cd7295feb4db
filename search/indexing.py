"""Keeping the search entries as the objects are: on save, on delete, on a change of a
relation, and all at once (`rebuild`, the `search_reindex` command, the demo data).

A change only notes which rows to read again; they are read once the transaction
commits, each row once however often it changed, and in bulk: a few queries per model
touched. What is rolled back is never read. Bulk writes (`bulk_create`, `update`) send no
signal: what makes them rebuilds afterwards (the demo data does). An object's entry being
late or missing never shows anything to the wrong person: who sees what is asked of the
objects' selectors at each search, not of the entries.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from partners.models import User

from .indexes import (
    INDEXES,
    NEIGHBOURS,
    Index,
    Record,
    indexed_models,
    indexes_of,
    without_marks,
)
from .languages import ENGLISH, available
from .models import BODY_LENGTH, Entry

log = logging.getLogger(__name__)

BATCH = 2000
#: The relations whose change changes an entry: (model, many-to-many field).
RELATIONS = [("meetings.AgendaItem", "speakers"), ("meetings.Call", "cities")]
#: Saves of a person that change nothing the search shows.
_UNSEEN_USER_FIELDS = {"last_login", "password"}


# Writing entries -------------------------------------------------------------------------


def vector_of(config: str) -> SearchVector:
    """The words of an entry read in `config` and in English: title (A), where it belongs
    (C) and its text (B). See `search.languages`."""
    vector = None
    for name in dict.fromkeys([config, ENGLISH]):
        part = (
            SearchVector("title", config=name, weight="A")
            + SearchVector("detail", config=name, weight="C")
            + SearchVector("body", config=name, weight="B")
        )
        vector = part if vector is None else vector + part
    return vector


def _entry(index: Index, content_type: ContentType, pk: int, record: Record) -> Entry:
    return Entry(
        content_type=content_type,
        object_id=pk,
        kind=index.kind,
        network_id=record.network_id,
        partner_id=record.partner_id,
        title=without_marks(record.title)[:400],
        detail=without_marks(record.detail)[:300],
        body=without_marks(record.body)[:BODY_LENGTH],
        url=record.url[:500],
        config=record.config,
    )


def _entries(index: Index, rows) -> Iterator[Entry]:
    content_type = ContentType.objects.get_for_model(index.model)
    for obj in rows:
        record = index.record(obj)
        if record is not None:
            yield _entry(index, content_type, obj.pk, record)


def _vectorise(entries, configs=None) -> None:
    """Compute the vectors of the entries just written, one statement per language."""
    if configs is None:
        configs = set(entries.values_list("config", flat=True).order_by())
    for config in configs:
        entries.filter(config=config).update(vector=vector_of(config))


#: What a refresh writes over an entry that is there already.
_WRITTEN = ["network", "partner", "title", "detail", "body", "url", "config", "updated_at"]


def refresh(model, pks) -> None:
    """Read these rows of `model` again: their entries as the rows are now, none for the
    rows gone. Written over what is there (two transactions refreshing one row at once
    both succeed; the later one's reading stays)."""
    pks = sorted(set(pks))
    indexes = indexes_of(model)
    if not pks or not indexes:
        return
    content_type = ContentType.objects.get_for_model(model)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        written = []
        for index in indexes:
            rows = index.rows(model._default_manager.filter(pk__in=pks))
            written += Entry.objects.bulk_create(
                list(_entries(index, rows)),
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["content_type", "object_id", "kind"],
                update_fields=_WRITTEN,
            )
        kept = [entry.pk for entry in written]
        Entry.objects.filter(content_type=content_type, object_id__in=pks).exclude(
            pk__in=kept
        ).delete()
        _vectorise(Entry.objects.filter(pk__in=kept), {entry.config for entry in written})


def rebuild(*, networks=None) -> int:
    """Every entry (of these networks only) made anew; returns how many there are."""
    if not available():
        return 0
    entries = Entry.objects.all()
    if networks is not None:
        entries = entries.filter(network__in=[getattr(n, "pk", n) for n in networks])
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        entries.delete()
        for index in INDEXES:
            rows = index.model._default_manager.all()
            if networks is not None:
                rows = rows.filter(**{f"{index.network_path}__in": networks})
            batch = []
            for entry in _entries(index, index.rows(rows).iterator(chunk_size=BATCH)):
                batch.append(entry)
                if len(batch) >= BATCH:
                    Entry.objects.bulk_create(batch)
                    batch = []
            Entry.objects.bulk_create(batch)
        _vectorise(entries.filter(vector__isnull=True))
        with connection.cursor() as cursor:  # the planner learns the new rows at once
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Entry._meta.db_table)}")
        return entries.count()


# What a transaction changed --------------------------------------------------------------


class _Batch:
    """The rows one transaction changed, read again when it commits."""

    def __init__(self, hooks):
        self.hooks = hooks  # the connection's list of commit hooks it was registered in
        self.keys: set[tuple[type, int]] = set()
        self.neighbours: list = []

    def __call__(self):
        keys, neighbours = self.keys, self.neighbours
        self.keys, self.neighbours = set(), []
        flush(keys, neighbours)


_local = threading.local()


def _batch() -> _Batch | None:
    """The batch of the current transaction; None outside a transaction. A rolled back
    transaction (or savepoint) drops its commit hooks and gives the connection a new list
    of them: a new batch is begun then, and what the old one noted is forgotten."""
    if not connection.in_atomic_block:
        return None
    batch = getattr(_local, "batch", None)
    if batch is None or batch.hooks is not connection.run_on_commit:
        batch = _local.batch = _Batch(connection.run_on_commit)
    return batch


def mark(model, pks=(), neighbours=()) -> None:
    """Read these rows, and these (model, queryset) neighbours, again at commit.

    The batch is asked to run at each change: the first run reads everything noted, the
    others find nothing left to do (and a savepoint rolled back keeps the hook of an
    earlier change)."""
    batch = _batch()
    keys = {(model, pk) for pk in pks if pk is not None}
    if batch is None:
        flush(keys, list(neighbours))
        return
    batch.keys |= keys
    batch.neighbours += list(neighbours)
    if keys or neighbours:
        transaction.on_commit(batch, robust=True)


def flush(keys, neighbours) -> None:
    """Read the rows noted again, with the neighbours' rows."""
    todo = defaultdict(set)
    for model, pk in keys:
        todo[model].add(pk)
    for model, rows in neighbours:
        todo[model] |= set(rows.values_list("pk", flat=True))
    for model, pks in todo.items():
        refresh(model, pks)


def discard_pending() -> None:
    """Forget what the current transaction noted (it has just been rebuilt)."""
    batch = getattr(_local, "batch", None)
    if batch is not None:
        batch.keys, batch.neighbours = set(), []


# Signals ---------------------------------------------------------------------------------


def _neighbours(instance) -> list:
    find = NEIGHBOURS.get(type(instance))
    return find(instance) if find else []


def _saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if isinstance(instance, User) and update_fields and set(update_fields) <= _UNSEEN_USER_FIELDS:
        return
    own = [instance.pk] if indexes_of(sender) else []
    mark(sender, own, _neighbours(instance))


def _deleted(sender, instance, **kwargs):
    mark(sender, [instance.pk] if indexes_of(sender) else [], _neighbours(instance))


def _relation_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # e.g. person.agenda_items.add(item): the items changed
        owner = next(m for m, field in _relations() if field.remote_field.through is sender)
        mark(owner, pk_set or [])
    else:
        mark(type(instance), [instance.pk])


def _relations():
    from django.apps import apps

    for label, name in RELATIONS:
        model = apps.get_model(label)
        yield model, model._meta.get_field(name)


def connect() -> None:
    """Listen to every model the search reads (called from the app's ready())."""
    if not available():
        return
    for model in {*indexed_models(), *NEIGHBOURS}:
        uid = f"search_{model._meta.label_lower}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for model, field in _relations():
        m2m_changed.connect(
            _relation_changed,
            sender=field.remote_field.through,
            dispatch_uid=f"search_{model._meta.label_lower}_{field.name}",
        )
