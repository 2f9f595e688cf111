import pytest


@pytest.fixture
def create_agency_committed(committed_app):
    import datetime as dt

    from credit_service.agencies.models import Agency
    from credit_service.extensions import db
    from tests.fixtures.agencies import make_uscc

    def _create(**overrides):
        values = dict(uscc=make_uscc(777001), name="备份机构", legal_rep_name="王五",
                      address="济源市", established_on=dt.date(2015, 1, 1), is_job_agency=True)
        values.update(overrides)
        agency = Agency(**values)
        db.session.add(agency)
        db.session.commit()
        return agency

    return _create
