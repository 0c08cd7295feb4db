"""The network's document library, its files and thumbnails, and the meeting pack.

Files are served by the portal to the network's members only, never from a public URL:
a photo shown in the page (inline), any other file as a download.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from partners.mixins import NetworkPermissionMixin
from portal.confirmations import ConfirmPageMixin, confirmation
from portal.dates import localtime_or_utc
from portal.thumbnails import is_image

from . import documents, exports, selectors
from .document_forms import DocumentUploadForm, LibraryFilter
from .timespan import moment_text
from .views import MeetingMixin


def library_url(network, **filters) -> str:
    url = reverse("meetings:library", kwargs={"network_slug": network.slug})
    return f"{url}?{urlencode(filters)}" if filters else url


class LibraryView(NetworkPermissionMixin, ListView):
    """Every file of the network, newest first, filtered by type, tag, meeting and city."""

    permission_required = "meetings.view_library"
    template_name = "meetings/library.html"
    context_object_name = "documents"
    paginate_by = 24

    @cached_property
    def filters(self):
        return LibraryFilter(
            self.request.GET,
            tags=documents.tags_of(network=self.network),
            meetings=selectors.meetings_visible_to(
                user=self.request.user, network=self.network
            ).order_by("-number"),
            cities=self.network.partners.order_by("city"),
        )

    def get_queryset(self):
        return documents.documents_filtered(
            documents.documents_visible_to(user=self.request.user, network=self.network),
            **self.filters.chosen(),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters, filtered=bool(self.filters.chosen()), **kwargs
        )


class LibraryUploadView(NetworkPermissionMixin, FormView):
    """Add a file to the library; from a meeting's page (`number` in the address), to
    that meeting."""

    permission_required = "meetings.upload_document"
    form_class = DocumentUploadForm
    template_name = "meetings/library_upload.html"

    @cached_property
    def meeting(self):
        if "number" not in self.kwargs:
            return None
        return get_object_or_404(
            selectors.meetings_visible_to(user=self.request.user, network=self.network),
            number=self.kwargs["number"],
        )

    def get_permission_object(self):
        return self.meeting or self.network

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "network": self.network,
            "user": self.request.user,
            "meeting": self.meeting,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meeting=self.meeting, tags=documents.tags_of(network=self.network), **kwargs
        )

    def form_valid(self, form):
        try:
            document = documents.document_add(
                user=self.request.user,
                network=self.network,
                data=form.data_fields() | ({"meeting": self.meeting} if self.meeting else {}),
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” has been added to the library.") % {"title": document.title},
        )
        if self.meeting is not None:
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        return HttpResponseRedirect(library_url(self.network))


class DocumentMixin(NetworkPermissionMixin):
    """One file of the library, fetched through `documents_visible_to`: invisible is 404.
    Under a meeting's address, only that meeting's files."""

    permission_required = "meetings.view_library"

    @cached_property
    def document(self):
        visible = documents.documents_visible_to(user=self.request.user, network=self.network)
        if "number" in self.kwargs:
            visible = visible.filter(meeting__number=self.kwargs["number"])
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.document


class DocumentDownloadView(DocumentMixin, View):
    def get(self, request, *args, **kwargs):
        document = self.document
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        photo = is_image(document.file.name)
        return FileResponse(handle, as_attachment=not photo, filename=document.filename)


class DocumentThumbnailView(DocumentMixin, View):
    def get(self, request, *args, **kwargs):
        thumbnail = self.document.thumbnail
        if not thumbnail:
            raise Http404
        try:
            handle = thumbnail.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, content_type="image/jpeg", filename="thumbnail.jpg")


class DocumentRemoveView(DocumentMixin, ConfirmPageMixin, TemplateView):
    """GET: what will go and who is told; POST: it goes."""

    permission_required = "meetings.remove_document"

    def back_to_meeting(self) -> bool:
        wanted = self.request.POST.get("back") or self.request.GET.get("back")
        return wanted == "meeting" and self.document.meeting is not None

    def back_url(self) -> str:
        if self.back_to_meeting():
            return self.document.meeting.get_absolute_url()
        return library_url(self.network)

    def confirmation(self) -> dict:
        document, user = self.document, self.request.user
        uploader = document.uploaded_by
        added = date_format(localtime_or_utc(document.uploaded_at), "j M Y")
        details = [f"{document.filename} ({document.get_kind_display()})"]
        if document.meeting is not None:
            details.append(str(document.meeting))
        if document.partner is not None:
            details.append(document.partner.city)
        if uploader is not None:
            details.append(_("Added by %(person)s on %(day)s") % {"person": uploader, "day": added})
        if uploader is None:
            told = _("Nobody is told.")
        elif uploader.pk == user.pk:
            told = _("Nobody else is told: you added it.")
        else:
            told = _("%(person)s, who added it, is told in their notifications.") % {
                "person": uploader
            }
        what = _(
            "The file and its thumbnail are deleted for every member of the network; this "
            "cannot be undone."
        )
        if document.meeting is not None:
            what = _("%(what)s It is no longer listed on the meeting's page or in its pack.") % {
                "what": what
            }
        return confirmation(
            heading=_("Remove “%(title)s” from the library?") % {"title": document.title},
            details=details,
            what=what,
            told=told,
            button=_("Remove the file"),
            back_url=self.back_url(),
            back_label=_("Keep the file"),
            fields={"back": "meeting"} if self.back_to_meeting() else None,
        )

    def post(self, request, *args, **kwargs):
        back, title = self.back_url(), self.document.title
        documents.document_remove(user=request.user, document=self.document)
        messages.success(
            request, _("“%(title)s” has been removed from the library.") % {"title": title}
        )
        return HttpResponseRedirect(back)


class MeetingPackView(MeetingMixin, View):
    """The meeting pack (PDF), once the meeting has ended; before, a page says when."""

    permission_required = "meetings.download_pack"

    def handle_no_permission(self):
        meeting = self.meeting
        return render(
            self.request,
            "meetings/pack_not_yet.html",
            {
                "network": self.network,
                "meeting": meeting,
                "ends": moment_text(meeting.ends_at),
            },
            status=403,
        )

    def get(self, request, *args, **kwargs):
        return exports.meeting_pack_pdf(request, self.meeting)
