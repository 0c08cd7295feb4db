from django.urls import path

from . import lesson_views, review_views, rubric_views, step_views, version_views, views

app_name = "iap"

C = "<slug:city>/"

urlpatterns = [
    path("", views.ReviewQueueView.as_view(), name="review_queue"),
    # Across cities (a city named "overview" keeps its own addresses: none is the same).
    path("overview/roadmaps/", views.RoadmapOverviewView.as_view(), name="overview_roadmaps"),
    path(
        "overview/roadmaps.<str:format>",
        views.RoadmapOverviewExportView.as_view(),
        name="overview_roadmaps_export",
    ),
    path("overview/actions/", views.ActionOverviewView.as_view(), name="overview_actions"),
    path(
        "overview/actions.<str:format>",
        views.ActionOverviewExportView.as_view(),
        name="overview_actions_export",
    ),
    path("overview/ssas/", views.SsaOverviewView.as_view(), name="overview_ssas"),
    path(
        "overview/ssas.<str:format>",
        views.SsaOverviewExportView.as_view(),
        name="overview_ssas_export",
    ),
    # The network's rubric for the IAPs (a city named "rubric" keeps its own addresses).
    path("rubric/", rubric_views.RubricView.as_view(), name="rubric"),
    path("rubric/new/", rubric_views.CriterionFormView.as_view(), name="rubric_create"),
    path("rubric/<int:pk>/", rubric_views.CriterionFormView.as_view(), name="rubric_edit"),
    path(
        "rubric/<int:pk>/remove/",
        rubric_views.CriterionRemoveView.as_view(),
        name="rubric_remove",
    ),
    path("rubric/<int:pk>/move/", rubric_views.CriterionMoveView.as_view(), name="rubric_move"),
    path(C + "roadmap/", views.RoadmapView.as_view(), name="roadmap"),
    path(
        C + "roadmap/transition/",
        review_views.RoadmapTransitionView.as_view(),
        name="roadmap_transition",
    ),
    path(
        C + "roadmap/threads/new/",
        review_views.RoadmapThreadOpenView.as_view(),
        name="roadmap_thread_open",
    ),
    path(
        C + "roadmap/threads/<int:thread>/<slug:what>/",
        review_views.RoadmapThreadActionView.as_view(),
        name="roadmap_thread",
    ),
    path(C + "roadmap/steps/new/", views.StepFormView.as_view(), name="step_create"),
    path(C + "roadmap/steps/<int:pk>/", views.StepFormView.as_view(), name="step_edit"),
    path(C + "roadmap/steps/<int:pk>/remove/", views.StepDeleteView.as_view(), name="step_delete"),
    path(C + "roadmap/steps/<int:pk>/move/", step_views.StepMoveView.as_view(), name="step_move"),
    path(
        C + "roadmap/versions/<int:number>/",
        version_views.RoadmapVersionView.as_view(),
        name="version",
    ),
    path(
        C + "roadmap/versions/compare/",
        version_views.RoadmapCompareView.as_view(),
        name="version_compare",
    ),
    path(
        C + "roadmap/versions/<int:older>/to/<int:newer>/",
        version_views.RoadmapChangesView.as_view(),
        name="version_diff",
    ),
    path(C + "roadmap.<str:format>", views.RoadmapExportView.as_view(), name="roadmap_export"),
    path(C + "plan/", views.PlanView.as_view(), name="plan"),
    path(C + "plan/score/", rubric_views.PlanScoreView.as_view(), name="plan_score"),
    path(C + "plan/transition/", review_views.PlanTransitionView.as_view(), name="plan_transition"),
    path(
        C + "plan/threads/new/", review_views.PlanThreadOpenView.as_view(), name="plan_thread_open"
    ),
    path(
        C + "plan/threads/<int:thread>/<slug:what>/",
        review_views.PlanThreadActionView.as_view(),
        name="plan_thread",
    ),
    path(C + "plan/sections/<slug:kind>/", views.SectionEditView.as_view(), name="section_edit"),
    path(C + "plan/actions/new/", views.ActionFormView.as_view(), name="action_create"),
    path(C + "plan/actions/<int:pk>/", views.ActionFormView.as_view(), name="action_edit"),
    path(
        C + "plan/versions/<int:number>/",
        version_views.PlanVersionView.as_view(),
        name="plan_version",
    ),
    path(
        C + "plan/versions/compare/",
        version_views.PlanCompareView.as_view(),
        name="plan_version_compare",
    ),
    path(C + "plan.<str:format>", views.PlanExportView.as_view(), name="plan_export"),
    path(C + "ssa/", views.SsaListView.as_view(), name="ssa_list"),
    path(C + "ssa/new/", views.SsaFormView.as_view(), name="ssa_create"),
    path(C + "ssa/<int:pk>/", views.SsaDetailView.as_view(), name="ssa_detail"),
    path(C + "ssa/<int:pk>/edit/", views.SsaFormView.as_view(), name="ssa_edit"),
    path(C + "ssa/<int:pk>/files/new/", views.SsaFileUploadView.as_view(), name="ssa_file_upload"),
    path(
        C + "ssa/<int:pk>/files/<int:file>/",
        views.SsaFileDownloadView.as_view(),
        name="ssa_file_download",
    ),
    path(
        C + "ssa/<int:pk>/files/<int:file>/thumbnail.jpg",
        views.SsaFileThumbnailView.as_view(),
        name="ssa_file_thumbnail",
    ),
    path(
        C + "ssa/<int:pk>/files/<int:file>/remove/",
        views.SsaFileRemoveView.as_view(),
        name="ssa_file_remove",
    ),
    path(
        C + "ssa/<int:pk>/lessons/new/", lesson_views.LessonFormView.as_view(), name="lesson_create"
    ),
    path(
        C + "ssa/<int:pk>/lessons/<int:lesson>/",
        lesson_views.LessonFormView.as_view(),
        name="lesson_edit",
    ),
    path(
        C + "ssa/<int:pk>/lessons/<int:lesson>/remove/",
        lesson_views.LessonRemoveView.as_view(),
        name="lesson_remove",
    ),
    path(
        C + "ssa/<int:pk>/lessons/<int:lesson>/action/",
        lesson_views.LessonToActionView.as_view(),
        name="lesson_to_action",
    ),
]
