from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("library", "0002_book_isbn_author")]

    operations = [
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stars", models.SmallIntegerField()),
                ("book", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="library.book")),
            ],
        ),
        migrations.AddIndex(model_name="book", index=models.Index(fields=["title"], name="library_book_title_idx")),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(check=models.Q(pages__gte=0), name="library_book_pages_gte_0"),
        ),
    ]
