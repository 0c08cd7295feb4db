"""The view mixins of the review engine, for any reviewed document.

An app's views give the document (`document`, fetched through its visibility selector,
so that another city's is a 404) and the part a thread may be about (`anchor_for`);
these mixins do the rest: one service call, a whole sentence to say what happened, and
back to the document."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from . import services
from .enums import ReviewAction, ReviewState
from .forms import CommentForm, TransitionForm
from .models import Thread

#: Each action: the verb of the document's permission and the service that does it.
ACTIONS = {
    ReviewAction.SUBMIT: (
        "submit",
        lambda document, user, comment: services.submit(
            user=user, document=document, comment=comment
        ),
    ),
    ReviewAction.WITHDRAW: (
        "withdraw",
        lambda document, user, comment: services.withdraw(
            user=user, document=document, reason=comment
        ),
    ),
    ReviewAction.END_PEER_REVIEW: (
        "end_peer_review",
        lambda document, user, comment: services.end_peer_review(user=user, document=document),
    ),
    ReviewAction.REQUEST_CHANGES: (
        "decide",
        lambda document, user, comment: services.request_changes(
            user=user, document=document, comment=comment
        ),
    ),
    ReviewAction.APPROVE: (
        "decide",
        lambda document, user, comment: services.approve(
            user=user, document=document, comment=comment
        ),
    ),
    ReviewAction.REOPEN: (
        "reopen",
        lambda document, user, comment: services.reopen(
            user=user, document=document, reason=comment
        ),
    ),
}


def done_message(action: str, document) -> str:
    """What happened, in one whole sentence."""
    name = document._meta.verbose_name
    if action == ReviewAction.SUBMIT and document.state == ReviewState.PEER_REVIEW:
        return _(
            "Your %(document)s has been sent to your paired cities for their comments until "
            "%(date)s; the lead expert will review it after that."
        ) % {"document": name, "date": date_format(document.peer_review_until, "j F Y")}
    return {
        ReviewAction.SUBMIT: _("Your %(document)s has been submitted to the lead expert."),
        ReviewAction.WITHDRAW: _(
            "Your submission has been withdrawn: you can change the %(document)s again."
        ),
        ReviewAction.END_PEER_REVIEW: _(
            "The paired cities' comments on the %(document)s have gone to the lead expert."
        ),
        ReviewAction.REQUEST_CHANGES: _(
            "You have requested changes to the %(document)s; the city has been told."
        ),
        ReviewAction.APPROVE: _("You have approved the %(document)s; the city has been told."),
        ReviewAction.REOPEN: _("You have reopened the %(document)s; the city has been told."),
    }[action] % {"document": name}


class TransitionViewMixin:
    """POST: one action of the review engine on `self.document`. The rule is the one of
    the action asked for; an unknown action is a 404."""

    http_method_names = ["post"]

    @cached_property
    def form(self):
        form = TransitionForm(self.request.POST)
        if not form.is_valid():
            raise Http404
        return form

    def get_permission_required(self):
        verb, _do = ACTIONS[self.form.cleaned_data["action"]]
        return [self.document.perm(verb)]

    def post(self, request, *args, **kwargs):
        action = self.form.cleaned_data["action"]
        _verb, do = ACTIONS[action]
        try:
            document = do(self.document, request.user, self.form.cleaned_data["comment"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done_message(action, document))
        return HttpResponseRedirect(self.document.get_absolute_url())


class ThreadOpenViewMixin:
    """POST: a new thread on the document, or on one of its parts (`part` in the form:
    "<kind>-<id>", resolved by `anchor_for`)."""

    http_method_names = ["post"]

    def get_permission_required(self):
        return [self.document.perm("comment")]

    def anchor_for(self, part: str):
        """The part `part` names, of this document; None for the whole document."""
        return None

    def post(self, request, *args, **kwargs):
        part = request.POST.get("part", "")
        anchor = self.anchor_for(part) if part else None
        form = CommentForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return HttpResponseRedirect(self.document.get_absolute_url())
        try:
            thread = services.thread_open(
                user=request.user,
                document=self.document,
                body=form.cleaned_data["body"],
                anchor=anchor,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.document.get_absolute_url())
        messages.success(request, _("Your comment has been added."))
        return HttpResponseRedirect(f"{self.document.get_absolute_url()}#thread-{thread.pk}")


class ThreadActionViewMixin:
    """POST on one thread of the document: reply, answered, resolved."""

    http_method_names = ["post"]
    thread_action = ""  # "reply", "answered" or "resolve"

    @cached_property
    def thread(self):
        return get_object_or_404(
            Thread.objects.select_related("partner__network", "peer"),
            pk=self.kwargs["thread"],
            document_type__app_label=self.document._meta.app_label,
            document_type__model=self.document._meta.model_name,
            document_id=self.document.pk,
        )

    def get_permission_object(self):
        return self.thread

    def get_permission_required(self):
        return [
            {"reply": "reviews.reply", "answered": "reviews.mark_answered"}.get(
                self.thread_action, "reviews.resolve"
            )
        ]

    def post(self, request, *args, **kwargs):
        back = f"{self.document.get_absolute_url()}#thread-{self.thread.pk}"
        try:
            if self.thread_action == "reply":
                form = CommentForm(request.POST)
                if not form.is_valid():
                    for errors in form.errors.values():
                        for message in errors:
                            messages.error(request, message)
                    return HttpResponseRedirect(back)
                services.thread_reply(
                    user=request.user, thread=self.thread, body=form.cleaned_data["body"]
                )
                messages.success(request, _("Your reply has been added."))
            elif self.thread_action == "answered":
                services.thread_mark_answered(user=request.user, thread=self.thread)
                messages.success(
                    request, _("The comment is marked answered; the reviewer has been told.")
                )
            else:
                services.thread_resolve(user=request.user, thread=self.thread)
                messages.success(request, _("The comment is resolved."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(back)
