"""Job fixtures: the list fixtures (walking a listing through its steps with dates)."""

from tests.lists.conftest import (  # noqa: F401
    _documents_off_the_write_path,
    as_user,
    nominate_red,
    propose_black,
    published_black,
    red_agency,
    step,
    veto_record,
)
