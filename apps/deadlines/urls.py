from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.deadline_mine, name="mine"),
    path("<int:pk>/", views.deadline_detail, name="detail"),
    path("holidays/", views.holiday_schedule_list, name="holidays"),
    path("holidays/<int:year>/", views.holiday_schedule_edit, name="holiday_edit"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
]
