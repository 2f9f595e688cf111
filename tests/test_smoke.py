def test_app_starts_and_migrated_schema_has_agencies(app, db, create_agency):
    from sqlalchemy import inspect

    tables = set(inspect(db.session.connection()).get_table_names())
    assert {"agencies", "records", "listings", "audit_events", "alembic_version"} <= tables
    agency = create_agency(name="烟雾测试机构")
    assert agency.id is not None
