from suzhi.campaigns.views import campaigns, dashboard, editor

app_name = "campaigns"

urlpatterns = [*campaigns.urlpatterns, *editor.urlpatterns, *dashboard.urlpatterns]
