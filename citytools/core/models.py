"""Shared base pieces only: abstract models every domain app builds on.

This app owns no tables of its own and imports from no other City Tools app.
"""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class EditableRecord(TimeStampedModel):
    """A record an organisation keeps up to date: systems and contracts.

    `version` grows by one with every saved change, so an edit based on an older version can
    be refused instead of overwriting someone else's work (optimistic concurrency; the API
    exposes it as the ETag). Retiring keeps the record and its history instead of deleting.
    """

    version = models.PositiveIntegerField(default=1)
    confidential = models.BooleanField(
        default=False,
        help_text="Seen only by the organisation's own staff, its networks' coordinators and admins.",
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
