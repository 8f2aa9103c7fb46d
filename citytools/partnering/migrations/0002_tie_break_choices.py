"""Tie-break rules become a choice among the orders the ranking applies (scoring.TIE_BREAKS),
so that the published text and the ranking can never disagree. Free texts written before are
replaced by the default order, which is what the ranking applied to them."""

from django.db import migrations, models


def to_default(apps, schema_editor):
    Challenge = apps.get_model("partnering", "Challenge")
    Challenge.objects.update(tie_break="criteria-price-time")
    HistoricalChallenge = apps.get_model("partnering", "HistoricalChallenge")
    HistoricalChallenge.objects.update(tie_break="criteria-price-time")


class Migration(migrations.Migration):
    dependencies = [("partnering", "0001_initial")]

    operations = [
        migrations.RunPython(to_default, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="challenge",
            name="tie_break",
            field=models.CharField(choices=[("criteria-price-time", "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then the next largest, then by the lower price, then by the earlier submission."), ("price-criteria-time", "Equal totals are separated by the lower price, then by the higher consensus score on the criterion with the largest weight, then the next largest, then by the earlier submission."), ("criteria-time", "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then the next largest, then by the earlier submission. Price is not used.")], default="criteria-price-time", help_text="How equal totals are separated; published with the challenge and applied by the ranking.", max_length=30),
        ),
        migrations.AlterField(
            model_name="historicalchallenge",
            name="tie_break",
            field=models.CharField(choices=[("criteria-price-time", "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then the next largest, then by the lower price, then by the earlier submission."), ("price-criteria-time", "Equal totals are separated by the lower price, then by the higher consensus score on the criterion with the largest weight, then the next largest, then by the earlier submission."), ("criteria-time", "Equal totals are separated by the higher consensus score on the criterion with the largest weight, then the next largest, then by the earlier submission. Price is not used.")], default="criteria-price-time", help_text="How equal totals are separated; published with the challenge and applied by the ranking.", max_length=30),
        ),
    ]
