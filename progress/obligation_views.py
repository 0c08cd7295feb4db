"""The coordinator sets the network's obligations; the staff read the reminders sent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from partners.enums import ObligationKind
from partners.mixins import NetworkPermissionMixin
from partners.models import Obligation

from . import services
from .enums import ReminderStage
from .forms import ObligationForm, ReminderLogFilter
from .models import ReminderSent

#: Reminders shown on one page of the audit log.
LOG_PAGE_SIZE = 50


class ObligationMixin(NetworkPermissionMixin):
    permission_required = "progress.change_obligations"

    def obligations(self):
        return Obligation.objects.filter(network=self.network)

    @cached_property
    def object(self) -> Obligation:
        """The obligation named in the address, of this network only (another's: 404)."""
        return get_object_or_404(self.obligations(), pk=self.kwargs["pk"])

    def list_url(self):
        return reverse("progress:obligations", args=[self.network.slug])


class ObligationListView(ObligationMixin, TemplateView):
    """Every obligation of the network, with its date, reminders and grace period."""

    template_name = "progress/obligation_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            obligations=list(self.obligations()), kinds=ObligationKind, **kwargs
        )


class ObligationFormView(ObligationMixin, FormView):
    """Add an obligation, or change one (the address names it)."""

    template_name = "progress/obligation_form.html"
    form_class = ObligationForm

    @cached_property
    def object(self) -> Obligation:
        if "pk" in self.kwargs:
            return super().object
        return Obligation(network=self.network)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.object}

    def get_context_data(self, **kwargs):
        saved = self.object if self.object.pk else None
        return super().get_context_data(object=saved, **kwargs)

    def form_valid(self, form):
        adding = self.object.pk is None
        try:
            obligation = services.obligation_save(
                user=self.request.user, network=self.network, obligation=form.instance
            )
        except ValidationError as error:
            self._show(form, error)
            return self.form_invalid(form)
        if adding:
            message = _("The obligation “%(title)s” has been added.")
        else:
            message = _("The obligation “%(title)s” has been saved.")
        messages.success(self.request, message % {"title": obligation.title})
        return HttpResponseRedirect(self.list_url())

    @staticmethod
    def _show(form, error: ValidationError) -> None:
        """What the service refused, on the field it is about (or above the form)."""
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)


class ObligationRemoveView(ObligationMixin, TemplateView):
    """GET: what will go (the obligation; its reminders stay in the log); POST: it goes."""

    template_name = "progress/obligation_remove.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            object=self.object,
            reminders_sent=ReminderSent.objects.filter(obligation=self.object).count(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        title = self.object.title
        services.obligation_remove(user=request.user, obligation=self.object)
        messages.success(
            request,
            _("The obligation “%(title)s” has been removed; its reminders stay in the log.")
            % {"title": title},
        )
        return HttpResponseRedirect(self.list_url())


class ReminderLogView(NetworkPermissionMixin, TemplateView):
    """The audit log: every reminder of the network's obligations, newest first, with
    whom it went to; by city and by obligation."""

    permission_required = "progress.view_reminder_log"
    template_name = "progress/reminder_log.html"

    def get_context_data(self, **kwargs):
        partners = list(self.network.partners.order_by("city"))
        obligations = list(Obligation.objects.filter(network=self.network))
        chosen = ReminderLogFilter(
            self.request.GET, partners=partners, obligations=obligations
        ).chosen()
        rows = ReminderSent.objects.filter(network=self.network).select_related(
            "obligation", "partner"
        )
        if "city" in chosen:
            rows = rows.filter(partner__slug=chosen["city"])
        if "obligation" in chosen:
            rows = rows.filter(obligation_id=int(chosen["obligation"]))
        page = Paginator(rows, LOG_PAGE_SIZE).get_page(self.request.GET.get("page"))
        # The form shows what is applied; a value that was not is not shown either.
        shown = ReminderLogFilter(initial=chosen, partners=partners, obligations=obligations)
        return super().get_context_data(
            filter_form=shown,
            filtered=bool(chosen),
            page_obj=page,
            reminders=page.object_list,
            stages=ReminderStage,
            **kwargs,
        )
