"""The JSON API under ``/api/v1`` (SPEC.md §7), bound by ``routes.init_app``.

One flask-smorest blueprint per resource (``agencies``, ``assessments``, ``lists``,
``disclosures``, ``changes``, ``verify``, ``cases``, ``records``/``honours``, ``listings``,
``imports``); ``schemas`` holds the input and per-audience output schemas, ``presenters`` the
read-side composition over the features' services, ``errors`` the uniform error payload,
``auth`` bearer-only authentication, ``cache`` the revalidated profile cache, ``fields`` the
Chinese-message marshmallow fields. The docs page is Swagger UI vendored in ``static/``.
"""
