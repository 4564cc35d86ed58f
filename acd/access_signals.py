"""Open WebSockets follow their user's access within seconds: logging out closes that session's sockets,
deactivating a user closes all of theirs, a role change makes each check again (acd.consumers)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from acd import notifier

User = get_user_model()


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        notifier.tell_sockets(notifier.session_group(key), "access.revoked", "You logged out.")


@receiver(pre_save, sender=User)
def _remember_access(sender: Any, instance: Any, **kwargs: Any) -> None:
    stored = User.objects.filter(pk=instance.pk).values("is_active", "is_staff", "is_superuser").first()
    instance._access_before = stored


@receiver(post_save, sender=User)
def _saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_access_before", None)
    if created or before is None:
        return
    if before["is_active"] and not instance.is_active:
        notifier.tell_sockets(notifier.user_group(instance.pk), "access.revoked", "Your account was deactivated.")
    elif before["is_staff"] != instance.is_staff or before["is_superuser"] != instance.is_superuser:
        notifier.tell_sockets(notifier.user_group(instance.pk), "access.changed", "Your role changed.")


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    user_ids = list(pk_set or ()) if reverse else [instance.pk]  # reverse: a group gained or lost users
    for user_id in user_ids:
        notifier.tell_sockets(notifier.user_group(user_id), "access.changed", "Your role changed.")
