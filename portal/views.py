"""View pieces every app uses."""

from django.utils.translation import gettext_lazy as _

from .versioning import ConflictError, in_words, save_versioned

CONFLICT = _(
    "Someone else saved this in the meantime. What is saved now is shown above; your "
    "input is kept in the form. Compare, then save again."
)


class VersionedFormViewMixin:
    """A form view that saves through `save_versioned` (or a service built on it).

    A stale save is refused: the person's input stays in the form, and what is saved
    now is shown above it in words."""

    def save_or_conflict(self, form, save):
        """Call `save()`; on a conflict, return the page showing it, else None."""
        try:
            self.saved = save()
        except ConflictError as conflict:
            return self.render_conflict(form, conflict.current)
        return None

    def render_conflict(self, form, current):
        form.data = form.data.copy()  # the next save is made against what is saved now
        form.data[form.add_prefix("version")] = current.version
        form.add_error(None, CONFLICT)
        names = [name for name in form._meta.fields if name in form.fields]
        return self.render_to_response(
            self.get_context_data(form=form, conflict_current=in_words(current, names))
        )


__all__ = ["VersionedFormViewMixin", "save_versioned"]
