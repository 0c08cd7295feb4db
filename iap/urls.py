app_name = "iap"

urlpatterns = []
