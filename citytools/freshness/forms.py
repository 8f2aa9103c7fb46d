"""Forms of the quality pages and campaigns. They parse input; the rules are in
citytools.freshness.rules and .services."""

import datetime

from django import forms

from citytools.core.forms import DateField, EditForm
from citytools.directory.models import Organisation
from citytools.freshness.models import Campaign
from citytools.freshness.rules import REVIEW_MONTHS_RANGE
from citytools.inventory.models import ServiceArea


class ReviewPeriodForm(EditForm):
    review_months = forms.IntegerField(
        label="Review period, in months", min_value=REVIEW_MONTHS_RANGE[0], max_value=REVIEW_MONTHS_RANGE[1],
        help_text="Records confirmed longer ago than this are stale and their seal breaks.",
        error_messages={"required": "Enter the review period in months.", "invalid": "Enter a whole number of months."},
    )


class ConfirmForm(forms.Form):
    records = forms.MultipleChoiceField(required=False)
    campaign = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any key is accepted here; the service parses and checks each one.
        self.fields["records"].valid_value = lambda value: True


class ResponsibleForm(forms.Form):
    record = forms.CharField()
    responsible = forms.CharField(required=False)


class CampaignForm(EditForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    message = forms.CharField(
        label="Message to editors", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown on each organisation's page and in the e-mails.",
    )
    deadline = DateField(
        label="Deadline", help_text="For example, 2027-03-31.",
        error_messages={"required": "Enter the deadline.", "invalid": "Enter a real date, like 2027-03-31."},
    )
    kinds = forms.ChoiceField(label="Records to confirm", choices=Campaign.Kinds.choices, initial=Campaign.Kinds.BOTH)
    service_areas = forms.MultipleChoiceField(
        label="Service areas", required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Leave empty for every service area.",
    )
    organisations = forms.MultipleChoiceField(
        label="Organisations", required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Leave empty to ask every organisation of the network.",
    )
    reminder_days = forms.CharField(
        label="Reminders, in days before the deadline", required=False, initial="7, 1",
        help_text="Separated by commas. Editors also get an e-mail when the campaign starts.",
    )

    def __init__(self, *args, network=None, **kwargs):
        super().__init__(*args, **kwargs)

        members = Organisation.objects.current().in_network(network) if network is not None else Organisation.objects.none()
        self.fields["organisations"].choices = list(members.order_by("short_name").values_list("slug", "short_name"))
        self.fields["organisations"].widget.attrs["class"] = "govuk-select"
        self.fields["service_areas"].choices = [
            (a.slug, f"{a.parent.name}: {a.name}")
            for a in ServiceArea.objects.leaves().select_related("parent").order_by("parent__position", "position")
        ]
        self.fields["service_areas"].widget.attrs["class"] = "govuk-select"
        if not self.is_bound:
            self.initial.setdefault("deadline", datetime.date.today() + datetime.timedelta(days=28))


class CampaignEditForm(CampaignForm):
    """A draft's form, opened at its version: a change based on an older one is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @staticmethod
    def initial_from(campaign) -> dict:
        return {
            "title": campaign.title, "message": campaign.message, "deadline": campaign.deadline, "kinds": campaign.kinds,
            "service_areas": [a.slug for a in campaign.service_areas.all()],
            "organisations": list(campaign.participants.values_list("organisation__slug", flat=True)),
            "reminder_days": ", ".join(str(day) for day in campaign.reminder_days), "version": campaign.version,
        }
