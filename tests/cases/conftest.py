"""Fixtures for cases: the list fixtures (a listable agency, steps with explicit dates)."""

from tests.lists.conftest import (  # noqa: F401
    _documents_off_the_write_path,
    as_user,
    clock,
    nominate_red,
    propose_black,
    published_black,
    red_agency,
    step,
    veto_record,
)
