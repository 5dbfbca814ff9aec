"""Every write of the integrations: digest emails and webhooks."""

from .digests import (
    DigestRun,
    digests_send,
    email_preference_save,
    email_unsubscribe,
    unsubscribe_token,
    unsubscribe_user,
)
from .webhooks import (
    WebhookAddressError,
    check_address,
    webhook_create,
    webhook_event_requeue,
    webhook_secret,
    webhooks_deliver,
)

__all__ = [
    "DigestRun",
    "digests_send",
    "email_preference_save",
    "email_unsubscribe",
    "unsubscribe_token",
    "unsubscribe_user",
    "WebhookAddressError",
    "check_address",
    "webhook_create",
    "webhook_event_requeue",
    "webhook_secret",
    "webhooks_deliver",
]
