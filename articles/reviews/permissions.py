"""Who may do what in the review cycle: editors, and the reviewer profile of a signed-in user."""

from articles.models import Reviewer

EDITOR_GROUP = "Editor"

# --- Who may do what ---------------------------------------------------------------------------


def is_editor(user):
    """Editors are superusers and members of the "Editor" group."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # Asked many times while one page is drawn (the article form: eight); the answer is kept on
    # this copy of the user, as Django keeps its permission cache.
    if not hasattr(user, "_is_editor_cache"):
        user._is_editor_cache = user.groups.filter(name=EDITOR_GROUP).exists()
    return user._is_editor_cache


def reviewer_for(user):
    """The active reviewer profile of a staff account, or None."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return None
    return Reviewer.objects.filter(user=user, is_active=True).first()


