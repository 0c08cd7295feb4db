"""The library's filters and its upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from partners.roles import city_ids_in
from partners.rules import is_network_staff
from portal.thumbnails import is_image
from portal.uploads import validate_upload

from .documents import clean_tag
from .enums import DocumentKind
from .models import Document, Meeting

SELECT = {"class": "form-select"}


def meeting_label(meeting: Meeting) -> str:
    return _("TNM #%(n)d: %(title)s") % {"n": meeting.number, "title": meeting.title}


class LibraryFilter(forms.Form):
    """Type, tag, meeting and city, each chosen from a list. A value not on its list (an
    old link, a hand-typed address) is ignored: the library is shown without that filter."""

    kind = forms.ChoiceField(label=_("Type"), required=False, widget=forms.Select(attrs=SELECT))
    tag = forms.ChoiceField(label=_("Tag"), required=False, widget=forms.Select(attrs=SELECT))
    meeting = forms.ChoiceField(
        label=_("Meeting"), required=False, widget=forms.Select(attrs=SELECT)
    )
    city = forms.ChoiceField(label=_("City"), required=False, widget=forms.Select(attrs=SELECT))

    def __init__(self, data, *, tags, meetings, cities):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("All types")), *DocumentKind.choices]
        self.fields["tag"].choices = [("", _("All tags")), *((tag, tag) for tag in tags)]
        self.fields["meeting"].choices = [
            ("", _("All meetings")),
            *((str(m.number), meeting_label(m)) for m in meetings),
        ]
        self.fields["city"].choices = [
            ("", _("All cities")),
            *((city.slug, city.city) for city in cities),
        ]

    def chosen(self) -> dict:
        """The filters on the lists, for `library.documents_filtered`; the others dropped."""
        self.is_valid()
        chosen = {name: value for name, value in self.cleaned_data.items() if name in self.fields}
        if chosen.get("meeting"):
            chosen["meeting"] = int(chosen["meeting"])
        return {name: value for name, value in chosen.items() if value}


class DocumentUploadForm(forms.ModelForm):
    """A file for the library. The network's staff may file it under any city or none;
    a city's team under their own city. A meeting's page gives its meeting."""

    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        help_text=_("Left empty: a photo for an image, “other” for any other file."),
    )

    class Meta:
        model = Document
        fields = ["title", "kind", "tag", "meeting", "partner", "file"]
        help_texts = {
            "tag": _("One word or a few, to find it again (e.g. “good practice”)."),
        }

    def __init__(self, *args, network, user, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["kind"].choices = [("", "—"), *DocumentKind.choices]
        if meeting is not None:
            del self.fields["meeting"]
        else:
            self.fields["meeting"].queryset = Meeting.objects.filter(network=network).order_by(
                "-number"
            )
            self.fields["meeting"].label_from_instance = meeting_label
            self.fields["meeting"].empty_label = _("None")
        partner = self.fields["partner"]
        if is_network_staff(user, network):
            partner.queryset = Partner.objects.filter(network=network).order_by("city")
            partner.empty_label = _("None (the whole network)")
        else:
            mine = city_ids_in(user, network.pk)
            partner.queryset = Partner.objects.filter(network=network, pk__in=mine).order_by("city")
            partner.required = True
            partner.help_text = _("Your own city.")
            if len(mine) == 1:
                self.initial.setdefault("partner", next(iter(mine)))
        self.fields["tag"].widget.attrs["list"] = "library-tags"

    def clean_tag(self):
        return clean_tag(self.cleaned_data["tag"])

    def clean_file(self):
        return validate_upload(self.cleaned_data["file"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kind"):
            upload = cleaned.get("file")
            photo = upload is not None and is_image(getattr(upload, "name", ""))
            cleaned["kind"] = DocumentKind.PHOTO if photo else DocumentKind.OTHER
        return cleaned

    def data_fields(self) -> dict:
        """What the library's service takes, besides the file."""
        return {
            name: self.cleaned_data.get(name)
            for name in ("title", "kind", "tag", "meeting", "partner")
        }
