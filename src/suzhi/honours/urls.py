from django.urls import path

from suzhi.honours.views import pages

app_name = pages.app_name
urlpatterns = [
    path("", pages.campaigns, name="campaigns"),
    path("mine/", pages.mine, name="mine"),
    path("campaigns/<int:campaign_id>/rules/", pages.rules, name="rules"),
    path("campaigns/<int:campaign_id>/rules/<slug:rule_key>/", pages.proposal, name="proposal"),
    path("campaigns/<int:campaign_id>/rules/<slug:rule_key>/propose/", pages.propose, name="propose"),
    path("campaigns/<int:campaign_id>/rules/<slug:rule_key>/confirm/", pages.confirm, name="confirm"),
    path("campaigns/<int:campaign_id>/rules/<slug:rule_key>/certify/", pages.certify, name="certify"),
    path("campaigns/<int:campaign_id>/rules/<slug:rule_key>/certificates.pdf", pages.certificates_pdf,
         name="certificates_pdf"),
    path("campaigns/<int:campaign_id>/roll/", pages.roll, name="roll"),
    path("campaigns/<int:campaign_id>/roll.xlsx", pages.roll_xlsx, name="roll_xlsx"),
    path("<int:honour_id>/remove/", pages.remove, name="remove"),
]
