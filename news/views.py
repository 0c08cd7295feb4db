"""News pages: public ones under /news/ (`public = True`), editors' ones in the network's space.

Editor pages name their permission; those about one article fetch it through
`selectors.visible_article`, so another network's article id is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from partners.mixins import NetworkPermissionMixin, PublicPageCacheMixin, keep_private
from portal.views import VersionedFormViewMixin

from . import selectors, services
from .enums import ArticleStatus, PublishAction
from .forms import ArticleForm, PublishForm
from .models import Tag

PAGE_SIZE = 10


# Public pages: anyone may read published news ---------------------------------------------


class ArticleListView(PublicPageCacheMixin, ListView):
    """All networks' published news, newest first."""

    public = True
    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.published_articles()


class NetworkArticleListView(ArticleListView):
    public = True

    @cached_property
    def network(self):
        return selectors.public_network(slug=self.kwargs["network_slug"])

    def get_queryset(self):
        return selectors.published_articles(network=self.network)

    def get_context_data(self, **kwargs):
        # `news_network`, not `network`: the public page shows no member navigation.
        return super().get_context_data(news_network=self.network, **kwargs)


class TagArticleListView(NetworkArticleListView):
    public = True

    @cached_property
    def tag(self):
        return get_object_or_404(Tag, slug=self.kwargs["tag"])

    def get_queryset(self):
        return selectors.published_articles(network=self.network, tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(PublicPageCacheMixin, DetailView):
    """A published article; editors read drafts on the preview page.

    At its own address the reader gets the translation into their language if there is
    one, else the original; at `<address>/<language>/` the text in that language (404 if
    the article has none)."""

    public = True
    template_name = "news/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        network = selectors.public_network(slug=self.kwargs["network_slug"])
        return selectors.public_article(network=network, slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        article, language = self.object, self.kwargs.get("language")
        if language is None:
            text = selectors.article_text_for_reader(article, get_language())
        else:
            text = selectors.article_text_in(article, language)
            if text is None:
                raise Http404
        return super().get_context_data(text=text, texts=selectors.article_texts(article), **kwargs)


class ArticleCoverView(View):
    """The cover image, served by the portal so that a draft's image stays private."""

    public = True

    def get(self, request, network_slug, slug):
        network = selectors.public_network(slug=network_slug)
        article = selectors.article_with_cover(user=request.user, network=network, slug=slug)
        try:
            handle = article.cover_image.open("rb")
        except FileNotFoundError as exc:  # the row outlived its file (a restore, a bucket)
            raise Http404 from exc
        response = FileResponse(handle)
        if not selectors.is_published(article=article):
            keep_private(response)  # a draft's cover, seen by its editors only
        return response


# Editor pages (the network's news editors) ----------------------------------------------


class ManageArticlesView(NetworkPermissionMixin, ListView):
    permission_required = "news.change_article"
    template_name = "news/manage_list.html"
    context_object_name = "articles"
    paginate_by = 25

    def get_permission_object(self):
        return self.network

    def get_queryset(self):
        return selectors.articles_to_manage(user=self.request.user, network=self.network)


class OneArticleMixin:
    """An editor page about one article of the network, 404 if the person may not see it."""

    @cached_property
    def article(self):
        return selectors.visible_article(
            user=self.request.user, network=self.network, pk=self.kwargs["pk"]
        )

    def preview_url(self):
        return reverse(
            "news:preview", kwargs={"network_slug": self.network.slug, "pk": self.article.pk}
        )


class ArticleFormMixin:
    form_class = ArticleForm
    template_name = "news/article_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_invalid_from(self, form, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return self.form_invalid(form)


class ArticleCreateView(NetworkPermissionMixin, ArticleFormMixin, FormView):
    permission_required = "news.add_article"

    def get_permission_object(self):
        return self.network

    def get_initial(self):
        return {"byline_role": self.request.user.job_title}

    def form_valid(self, form):
        try:
            article = services.article_create(
                user=self.request.user, network=self.network, data=form.data_fields()
            )
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, _("Draft saved. This is how it will look."))
        return HttpResponseRedirect(
            reverse("news:preview", kwargs={"network_slug": self.network.slug, "pk": article.pk})
        )


class ArticleUpdateView(
    NetworkPermissionMixin, OneArticleMixin, ArticleFormMixin, VersionedFormViewMixin, FormView
):
    """Two editors on one article: the second save is refused with what is saved now."""

    permission_required = "news.change_article"

    def get_permission_object(self):
        return self.article

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.article}

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
        try:
            conflict = self.save_or_conflict(
                form,
                lambda: services.article_update(
                    user=self.request.user,
                    article=self.article,
                    data=form.data_fields(),
                    version=form.cleaned_data["version"],
                ),
            )
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        if conflict:
            return conflict
        messages.success(self.request, _("Changes saved."))
        return HttpResponseRedirect(self.preview_url())


class ArticlePreviewView(NetworkPermissionMixin, OneArticleMixin, TemplateView):
    permission_required = "news.change_article"
    template_name = "news/article_detail.html"

    def get_permission_object(self):
        return self.article

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            article=self.article,
            text=selectors.original_text(self.article),
            texts=selectors.article_texts(self.article),
            stale_translations=[t for t in self.article.translations.all() if t.is_stale],
            preview=True,
            is_published=selectors.is_published(article=self.article),
            actions=PublishAction,
            statuses=ArticleStatus,
            **kwargs,
        )


class ArticlePublishView(NetworkPermissionMixin, OneArticleMixin, FormView):
    """Publish now, schedule, or take back to draft (POST only)."""

    permission_required = "news.publish_article"
    form_class = PublishForm
    http_method_names = ["post"]

    def get_permission_object(self):
        return self.article

    def form_valid(self, form):
        user, article = self.request.user, self.article
        try:
            match form.cleaned_data["action"]:
                case PublishAction.PUBLISH:
                    services.article_publish(user=user, article=article)
                    messages.success(self.request, _("The article is published."))
                case PublishAction.SCHEDULE:
                    services.article_schedule(
                        user=user, article=article, publish_at=form.cleaned_data["publish_at"]
                    )
                    messages.success(self.request, _("The article is scheduled."))
                case PublishAction.UNPUBLISH:
                    services.article_unpublish(user=user, article=article)
                    messages.success(self.request, _("The article is a draft again."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
        return HttpResponseRedirect(self.preview_url())

    def form_invalid(self, form):
        for errors in form.errors.values():
            for message in errors:
                messages.error(self.request, message)
        return HttpResponseRedirect(self.preview_url())
