app_name = "qualifications"
urlpatterns = []
