from suzhi.campaigns.views import campaigns, dashboard

app_name = "campaigns"

urlpatterns = [*campaigns.urlpatterns, *dashboard.urlpatterns]
