from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from partners.mixins import NetworkPermissionMixin

from . import selectors, services
from .forms import ArticleForm, PublishForm
from .models import Tag

PAGE_SIZE = 10


# Public pages ----------------------------------------------------------------------------


class ArticleListView(ListView):
    """All networks' published news, newest first."""

    template_name = "news/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.published_articles()


class NetworkArticleListView(ArticleListView):
    @cached_property
    def network(self):
        return selectors.public_network(slug=self.kwargs["network_slug"])

    def get_queryset(self):
        return selectors.published_articles(network=self.network)

    def get_context_data(self, **kwargs):
        # `news_network`, not `network`: the public page shows no member navigation.
        return super().get_context_data(news_network=self.network, **kwargs)


class TagArticleListView(NetworkArticleListView):
    @cached_property
    def tag(self):
        return get_object_or_404(Tag, slug=self.kwargs["tag"])

    def get_queryset(self):
        return selectors.published_articles(network=self.network, tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "news/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        network = selectors.public_network(slug=self.kwargs["network_slug"])
        return selectors.public_article(network=network, slug=self.kwargs["slug"])


def article_cover(request, network_slug, slug):
    """The cover image, served by the portal so that a draft's image stays private."""
    network = selectors.public_network(slug=network_slug)
    article = selectors.article_with_cover(user=request.user, network=network, slug=slug)
    return FileResponse(article.cover_image.open("rb"))


# Editor pages (coordinators and communication people of the network) ---------------------


class EditorMixin(NetworkPermissionMixin):
    permission_required = "news.change_article"

    def get_permission_object(self):
        return self.network


class ManageArticlesView(EditorMixin, ListView):
    template_name = "news/manage_list.html"
    context_object_name = "articles"
    paginate_by = 25

    def get_queryset(self):
        return selectors.articles_for_editor(network=self.network)


class ArticleFormMixin(EditorMixin):
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

    def get_success_url(self):
        return reverse(
            "news:preview", kwargs={"network_slug": self.network.slug, "pk": self.article.pk}
        )


class ArticleCreateView(ArticleFormMixin, FormView):
    permission_required = "news.add_article"

    def get_initial(self):
        return {"byline_role": self.request.user.job_title}

    def form_valid(self, form):
        try:
            self.article = services.article_create(
                network=self.network, author=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, _("Draft saved. This is how it will look."))
        return super().form_valid(form)


class ArticleUpdateView(ArticleFormMixin, FormView):
    @cached_property
    def article(self):
        return selectors.article_for_editor(network=self.network, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.article}

    def get_context_data(self, **kwargs):
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
        try:
            services.article_update(article=self.article, **form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, _("Changes saved."))
        return super().form_valid(form)


class ArticlePreviewView(EditorMixin, TemplateView):
    template_name = "news/article_detail.html"

    def get_context_data(self, **kwargs):
        article = selectors.article_for_editor(network=self.network, pk=self.kwargs["pk"])
        return super().get_context_data(
            article=article, preview=True, publish_form=PublishForm(), **kwargs
        )


class ArticlePublishView(EditorMixin, FormView):
    """Publish now, schedule, or take back to draft (POST only)."""

    form_class = PublishForm
    http_method_names = ["post"]

    @cached_property
    def article(self):
        return selectors.article_for_editor(network=self.network, pk=self.kwargs["pk"])

    def form_valid(self, form):
        action = form.cleaned_data["action"]
        try:
            if action == "publish":
                services.article_publish(article=self.article)
                messages.success(self.request, _("The article is published."))
            elif action == "schedule":
                services.article_schedule(
                    article=self.article, publish_at=form.cleaned_data["publish_at"]
                )
                messages.success(self.request, _("The article is scheduled."))
            else:
                services.article_unpublish(article=self.article)
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

    def preview_url(self):
        return reverse(
            "news:preview", kwargs={"network_slug": self.network.slug, "pk": self.article.pk}
        )
