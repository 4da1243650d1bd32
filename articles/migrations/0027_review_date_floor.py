"""Reviews dated before 1 January 1990 are refused (articles/review_dates.py), also by the database.

A review already stored before the floor is a medical record with a mistyped year: the migration
stops and names each one for an editor to correct in the admin, rather than deleting or
re-dating it. Written with its own date, not the app's constant, so it means the same forever.
"""

import datetime

from django.db import migrations, models

import articles.content.review_dates

FLOOR = datetime.date(1990, 1, 1)


def refuse_reviews_before_the_floor(apps, schema_editor):
    MedicalReview = apps.get_model("articles", "MedicalReview")
    early = list(
        MedicalReview.objects.using(schema_editor.connection.alias)
        .filter(reviewed_on__lt=FLOOR)
        .values_list("pk", "article_id", "reviewed_on")[:20]
    )
    if early:
        listed = "; ".join(f"review {pk} of article {article} dated {day.isoformat()}" for pk, article, day in early)
        raise RuntimeError(
            f"Reviews dated before {FLOOR.isoformat()} exist and must be corrected first "
            f"(admin, Medical reviews): {listed}."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0026_accessibility_counts"),
    ]

    operations = [
        migrations.RunPython(refuse_reviews_before_the_floor, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="medicalreview",
            name="reviewed_on",
            field=models.DateField(
                help_text="The day of the review; not in the future, not before 1990.",
                validators=[articles.content.review_dates.validate_review_date],
            ),
        ),
        migrations.AddConstraint(
            model_name="medicalreview",
            constraint=models.CheckConstraint(
                condition=models.Q(("reviewed_on__gte", FLOOR)),
                name="review_date_floor",
                violation_error_message="A review date cannot be before 1 January 1990.",
            ),
        ),
    ]
