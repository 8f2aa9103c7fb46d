"""Shared base pieces only: abstract models every domain app builds on.

This app owns no tables of its own and imports from no other City Tools app.
"""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
