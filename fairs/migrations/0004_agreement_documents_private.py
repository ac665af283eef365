"""Signed agreement documents move to the private storage, under random names.

Documents uploaded before were in the public media storage at
agreements/<fair id>/<file name>, readable by anyone who knew the address. This moves each
one into the private storage under agreements/<random hex>.<extension>, keeps its file name
in `document_name`, and deletes the public copy. A name whose file is not in the public
storage (already moved, or lost) is left as it is.
"""

import django.core.validators
from django.core.files.storage import storages
from django.db import migrations, models

import catalog.storage
import fairs.models.meetings


def move_documents_to_private_storage(apps, schema_editor):
    Agreement = apps.get_model("fairs", "Agreement")
    public, private = storages["default"], catalog.storage.private_storage()
    for agreement in Agreement.objects.exclude(document="").only("pk", "document", "document_name"):
        old_name = agreement.document.name
        if not public.exists(old_name):
            continue
        with public.open(old_name, "rb") as source:
            new_name = private.save(catalog.storage.random_name("agreements", old_name), source)
        Agreement.objects.filter(pk=agreement.pk).update(
            document=new_name, document_name=agreement.document_name or old_name.rsplit("/", 1)[-1]
        )
        public.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [
        ("fairs", "0003_alliances_add_fairs"),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="document_name",
            field=models.CharField(
                blank=True,
                help_text="As it was uploaded.",
                max_length=255,
                verbose_name="document's file name",
            ),
        ),
        migrations.AlterField(
            model_name="agreement",
            name="document",
            field=models.FileField(
                blank=True,
                storage=catalog.storage.private_storage,
                upload_to=fairs.models.meetings.agreement_document_path,
                validators=[django.core.validators.FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
                verbose_name="signed document",
            ),
        ),
        migrations.RunPython(move_documents_to_private_storage, migrations.RunPython.noop),
    ]
