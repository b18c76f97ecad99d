"""The certificates' pages: the public verification page, and the administrators' under certificates/."""

from django.urls import path

from suzhi.certificates.views import admin, public

app_name = "certificates"

urlpatterns = [
    path("verify/", public.verify_form, name="verify_form"),
    path("verify/<str:code>/", public.verify_page, name="verify"),
    path("certificates/", admin.certificate_list, name="certificate_list"),
    path("certificates/<int:certificate_id>/", admin.certificate_detail, name="certificate_detail"),
    path("certificates/<int:certificate_id>.pdf", admin.certificate_download, name="certificate_pdf"),
    path("certificates/batch.pdf", admin.certificates_download, name="certificates_pdf"),
    path("certificates/template/", admin.template_edit, name="template_edit"),
]
