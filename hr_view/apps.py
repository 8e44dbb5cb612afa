from django.apps import AppConfig


class HrViewConfig(AppConfig):
    name = "hr_view"
    verbose_name = "HR view"
