from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0004_provenance'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contract',
            index=models.Index(fields=['retired_at', 'end_date'], name='contract_current_by_end'),
        ),
    ]
