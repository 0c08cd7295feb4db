"""The network's document library: meeting documents and other shared files.

Every file of a network is a `Document`: a meeting's slides, minutes and photos, a city's
presentation, a shared study. Members read the library; the network's staff add files for
any city or for none, a city's team for their own city only (`rules.may_upload_for`). A
photo gets a thumbnail for the galleries when it is saved (`portal.thumbnails`); a photo
that cannot be read simply has none. A file is removed by whoever uploaded it or by the
coordinator; the uploader is told when someone else removed it.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.rules import is_network_member
from partners.services import notify
from portal.i18n import phrase
from portal.thumbnails import make_thumbnail

from .models import Document
from .rules import may_upload_for

log = logging.getLogger(__name__)

#: What the upload form gives the service, besides the file.
DOCUMENT_FIELDS = ("title", "kind", "tag", "meeting", "partner")


# Reads -----------------------------------------------------------------------------------


def documents_visible_to(*, user, network) -> QuerySet[Document]:
    """Every file of the network, for its members; nothing for anyone else. Newest first,
    each with its meeting, its city and who uploaded it."""
    if not is_network_member(user, network):
        return Document.objects.none()
    return (
        Document.objects.filter(network=network)
        .select_related("meeting__network", "partner", "uploaded_by")
        .order_by("-uploaded_at", "-pk")
    )


def documents_filtered(
    documents: QuerySet[Document], *, kind="", tag="", meeting=None, city=""
) -> QuerySet[Document]:
    """The documents of one type, tag, meeting (its number) and city (its slug); an empty
    filter keeps them all."""
    if kind:
        documents = documents.filter(kind=kind)
    if tag:
        documents = documents.filter(tag=tag)
    if meeting:
        documents = documents.filter(meeting__number=meeting)
    if city:
        documents = documents.filter(partner__slug=city)
    return documents


def tags_of(*, network) -> list[str]:
    """The tags the network's files carry, in alphabetical order."""
    return list(
        Document.objects.filter(network=network)
        .exclude(tag="")
        .order_by("tag")
        .values_list("tag", flat=True)
        .distinct()
    )


# Writes ----------------------------------------------------------------------------------


def clean_tag(tag: str) -> str:
    """A tag as it is kept: its words separated by single spaces."""
    return " ".join((tag or "").split())


@transaction.atomic
def document_add(*, user, network, data: dict, file) -> Document:
    """A new file of the network's library, from `data` (`DOCUMENT_FIELDS`: title, kind,
    tag, meeting or None, partner or None); a photo gets its thumbnail."""
    if not user.has_perm("meetings.upload_document", network):
        raise PermissionDenied
    meeting, partner = data.get("meeting"), data.get("partner")
    if meeting is not None and meeting.network_id != network.pk:
        raise ValidationError(_("This meeting belongs to another network."))
    if not may_upload_for(user, network, partner):
        raise PermissionDenied
    document = Document(
        network=network,
        meeting=meeting,
        partner=partner,
        title=data["title"],
        kind=data["kind"],
        tag=clean_tag(data.get("tag", "")),
        file=file,
        uploaded_by=user,
    )
    document.full_clean()
    thumbnail = make_thumbnail(file)
    if thumbnail is not None:
        document.thumbnail.save(thumbnail.name, thumbnail, save=False)
    document.save()
    return document


@transaction.atomic
def document_remove(*, user, document: Document) -> None:
    """Remove the file from the library and from storage (once the removal is committed).
    The uploader is told when someone else removed it."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("network", "uploaded_by")
        .filter(pk=document.pk)
        .first()
    )
    if document is None:
        raise Http404  # removed a moment ago by someone else
    if not user.has_perm("meetings.remove_document", document):
        raise PermissionDenied
    files = [f for f in (document.file, document.thumbnail) if f and f.name]
    storage_names = [(f.storage, f.name) for f in files]
    uploader, title, network = document.uploaded_by, document.title, document.network
    document.delete()
    transaction.on_commit(lambda: _delete_stored(storage_names))
    if uploader is not None and uploader.pk != user.pk:
        notify(
            recipients=[uploader],
            title=phrase(
                gettext_lazy("%(person)s removed your file “%(title)s” from the library"),
                person=user.get_full_name(),
                title=title,
            ),
            url=reverse("meetings:library", kwargs={"network_slug": network.slug}),
            network=network,
        )


def _delete_stored(storage_names) -> None:
    for storage, name in storage_names:
        try:
            storage.delete(name)
        except OSError:
            log.warning("Could not delete %s from storage", name, exc_info=True)
