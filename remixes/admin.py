from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiKey, Conversion, CreditEntry, RemixTask, Upload, User, WebhookDelivery

admin.site.register(User, UserAdmin)
admin.site.register([ApiKey, Conversion, CreditEntry, RemixTask, Upload, WebhookDelivery])
