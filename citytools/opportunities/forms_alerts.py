"""The alerts form. It parses what a person typed; the rules live in
citytools.opportunities.alert_rules and .alerts, whose DomainError the view shows against the
field it names."""

from django import forms

from citytools.core.forms import EditForm
from citytools.inventory.models import ServiceArea
from citytools.opportunities.alert_rules import MAX_HORIZON_DAYS, MIN_HORIZON_DAYS
from citytools.opportunities.models import Frequency


class SubscriptionForm(EditForm):
    frequency = forms.ChoiceField(
        label="How often should we e-mail you?", choices=Frequency.choices, widget=forms.RadioSelect,
        initial=Frequency.WEEKLY, help_text="Only when there is something new: no news, no e-mail.",
        error_messages={"required": "Choose daily or weekly."},
    )
    own_contracts = forms.BooleanField(
        required=False, initial=True, label="When my organisations’ contracts are about to end",
    )
    opportunities = forms.BooleanField(
        required=False, initial=True, label="New opportunities to buy together that include my organisations",
    )
    horizon_days = forms.IntegerField(
        label="How far ahead should a contract’s end count, in days?", initial=180,
        min_value=MIN_HORIZON_DAYS, max_value=MAX_HORIZON_DAYS,
        help_text=f"For example 180 for about six months, 365 for a year (at most {MAX_HORIZON_DAYS}).",
        error_messages={
            "required": "Enter how many days ahead to look.",
            "invalid": "Enter a whole number of days, like 180.",
            "min_value": f"Enter at least {MIN_HORIZON_DAYS} day.",
            "max_value": f"Enter at most {MAX_HORIZON_DAYS} days.",
        },
    )
    peer_areas = forms.MultipleChoiceField(
        required=False, label="Other organisations’ contracts ending in these service areas",
        help_text="We tell you when a contract you may see ends in an area you choose. Choose none to hear only about your own.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grouped = ServiceArea.objects.choices_by_group()
        self.area_group_names = {slug: group for group, areas in grouped for slug, _ in areas}
        self.fields["peer_areas"].choices = [choice for _, areas in grouped for choice in areas]

    def area_groups(self):
        """The service-area checkboxes, grouped for one fieldset per group."""
        groups: dict[str, list] = {}
        for checkbox in self["peer_areas"].subwidgets:
            groups.setdefault(self.area_group_names[checkbox.data["value"]], []).append(checkbox)
        return list(groups.items())

    @staticmethod
    def initial_from(subscription) -> dict:
        if subscription is None:
            return {}
        return {
            "frequency": subscription.frequency, "own_contracts": subscription.own_contracts,
            "opportunities": subscription.opportunities, "horizon_days": subscription.horizon_days,
            "peer_areas": [area.slug for area in subscription.peer_areas.all()],
        }
