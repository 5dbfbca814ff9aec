from django.urls import path

from . import views

app_name = "teamwork"

urlpatterns = [
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_new, name="goal_new"),
    path("goals/<int:pk>/", views.goal_detail, name="goal"),
    path("handoffs/", views.handoffs, name="handoffs"),
    path("meetings/", views.meeting_now, name="meeting_now"),
    path("meetings/<str:month>/", views.meeting, name="meeting"),
]
