"""The models as of migration 0003 (the migrations are the source of truth for sqlmigrate)."""
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=200)
    pages = models.IntegerField(default=0)
    isbn = models.CharField(max_length=13, default="")
    author = models.ForeignKey(Author, null=True, on_delete=models.CASCADE)

    class Meta:
        indexes = [models.Index(fields=["title"], name="library_book_title_idx")]
        constraints = [models.CheckConstraint(check=models.Q(pages__gte=0), name="library_book_pages_gte_0")]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    stars = models.SmallIntegerField()
