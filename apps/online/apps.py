from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "apps.online"
    label = "online"
    verbose_name = "Online training data (learning records, face captures, exams)"
