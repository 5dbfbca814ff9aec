"""Who a person is at the company's identity provider."""

from django.conf import settings
from django.db import models


class ProviderIdentity(models.Model):
    """The provider's never-reused subject identifier (`sub`) for a person, stored
    at their first single sign-on. Later sign-ins find the person by it, so a
    changed email address at the provider still reaches the same person."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_identity",
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "provider identities"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="one_person_per_provider_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
