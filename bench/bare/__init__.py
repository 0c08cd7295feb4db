"""The reference: a project as `django-admin startproject` makes it, with two views."""
