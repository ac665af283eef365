"""BuyerDemand moves from fairs to marketplace and keeps its table, fairs_buyerdemand.

State only: the table, born in fairs 0001, is not touched. fairs 0007 then drops the model from fairs'
state and points its foreign keys here. The dependency on fairs is historical (the table is made
there); marketplace's code never imports fairs.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_carts_orders_payments"),
        ("catalog", "0006_vat_rate_and_terms"),
        ("fairs", "0006_fair_demand"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='BuyerDemand',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(help_text='e.g. Gạo ST25, nước mắm cốt nhĩ', max_length=200, verbose_name='what')),
                    ('details', models.TextField(blank=True, verbose_name='details')),
                    ('quantity', models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1)], verbose_name='quantity')),
                    ('unit', models.CharField(help_text='e.g. kg, tấn, chai', max_length=30, verbose_name='unit')),
                    ('per_month', models.BooleanField(default=True, verbose_name='every month')),
                    ('target_price_vnd', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='target price per unit (đồng)')),
                    ('required_certifications', models.JSONField(blank=True, default=list, help_text='Schemes such as vietgap, organic, haccp.', verbose_name='required certifications')),
                    ('min_ocop_stars', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(3), django.core.validators.MaxValueValidator(5)], verbose_name='OCOP stars, at least')),
                    ('needed_from', models.DateField(blank=True, null=True, verbose_name='needed from')),
                    ('needed_until', models.DateField(blank=True, null=True, verbose_name='needed until')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('buyer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='demands', to=settings.AUTH_USER_MODEL, verbose_name='buyer')),
                    ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='demands', to='catalog.category', verbose_name='category')),
                    ('delivery_province', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.province', verbose_name='deliver to')),
                    ('product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='demands', to='catalog.productpage', verbose_name='a listed product')),
                ],
                options={
                    'verbose_name': 'buyer demand',
                    'verbose_name_plural': 'buyer demands',
                    'ordering': ['-created_at', '-pk'],
                    'db_table': 'fairs_buyerdemand',
                },
            ),
            ],
        ),
    ]
