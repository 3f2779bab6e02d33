from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.AddField(model_name="book", name="isbn", field=models.CharField(default="", max_length=13)),
        migrations.AddField(
            model_name="book", name="author",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to="library.author"),
        ),
        migrations.AlterField(model_name="book", name="title", field=models.CharField(max_length=200)),
        migrations.AlterField(model_name="book", name="pages", field=models.IntegerField(default=0)),
        migrations.RemoveField(model_name="book", name="legacy"),
    ]
