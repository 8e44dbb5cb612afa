from django.apps import AppConfig


class ManagerViewConfig(AppConfig):
    name = "manager_view"
    verbose_name = "Manager view"
