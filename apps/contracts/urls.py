from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("procurements/<int:pk>/agreement/", views.agreement_record, name="agreement"),
    path("procurements/<int:pk>/payments/", views.payment_record, name="payment"),
]
