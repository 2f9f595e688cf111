"""Initial schema: the whole data model of SPEC.md §3.

Reviewed by hand. Enums are VARCHAR + named CHECK constraints (portable between
SQLite and PostgreSQL). On PostgreSQL the audit log is made append-only by a
trigger that refuses UPDATE and DELETE.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:19:16.537036

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_job_agency', sa.Boolean(), nullable=False),
    sa.Column('is_dispatch', sa.Boolean(), nullable=False),
    sa.Column('is_other_hr', sa.Boolean(), nullable=False),
    sa.Column('legal_rep_name', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('district', sa.String(length=64), nullable=False),
    sa.Column('registered_capital', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('operating', 'deregistered', name='agency_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('legal_rep_id_number', sa.String(length=32), nullable=True),
    sa.Column('current_grade', sa.Enum('A+', 'A', 'B', 'C', 'D', 'NEW', name='grade', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('current_score', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('is_job_agency OR is_dispatch OR is_other_hr', name=op.f('ck_agencies_at_least_one_kind')),
    sa.CheckConstraint('length(uscc) = 18', name=op.f('ck_agencies_uscc_length')),
    sa.CheckConstraint('registered_capital >= 0', name=op.f('ck_agencies_capital_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('uscc', name=op.f('uq_agencies_uscc'))
    )
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.create_index('ix_agencies_current_grade', ['current_grade'], unique=False)
        batch_op.create_index(batch_op.f('ix_agencies_name'), ['name'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('verification_code', sa.String(length=32), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('path', sa.String(length=300), nullable=True),
    sa.Column('content_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('data_as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['documents.id'], name=op.f('fk_documents_superseded_by_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_documents_verification_code'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_kind_key', ['kind', 'key', 'current'], unique=False)

    op.create_table('enforcement_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('agencies_checked', sa.Integer(), nullable=False),
    sa.Column('cases_found', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_actions'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'period', name=op.f('uq_job_runs_job_period'))
    )
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dismissed', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('subject', 'due_on', name=op.f('uq_reminders_subject_due_on'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('clerk', 'reviewer', 'admin', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('department', sa.Enum('employment_promotion', 'labour_inspection', 'petitions', 'employment_service', name='department', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('agency_former_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('used_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_agency_former_names_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_former_names'))
    )
    with op.batch_alter_table('agency_former_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_former_names_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_former_names_name'), ['name'], unique=False)

    op.create_table('annual_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('publicised', sa.Boolean(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year >= 2000 AND year <= 2100', name=op.f('ck_annual_reports_year_range')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_annual_reports_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_reports')),
    sa.UniqueConstraint('agency_id', 'year', name=op.f('uq_annual_reports_agency_id_year'))
    )
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_reports_agency_id'), ['agency_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('client_addr', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_object', ['object_type', 'object_id'], unique=False)

    op.create_table('campaign_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_campaign_phases_period_order')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_phases_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_phases'))
    )
    op.create_table('change_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('listed', 'removed', 'grade_changed', 'disclosure_published', name='change_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('agency_name', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_change_events_agency_id_agencies'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_events'))
    )
    with op.batch_alter_table('change_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_events_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'approved', 'published', name='disclosure_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_disclosures_approved_by_id_users')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_disclosures_drafted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures')),
    sa.UniqueConstraint('period', name=op.f('uq_disclosures_period'))
    )
    op.create_table('evaluation_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('ruleset_version', sa.String(length=32), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['run_by_id'], ['users.id'], name=op.f('fk_evaluation_rounds_run_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_rounds')),
    sa.UniqueConstraint('year', name=op.f('uq_evaluation_rounds_year'))
    )
    op.create_table('inspection_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('scope_kinds', sa.JSON(), nullable=False),
    sa.Column('scope_districts', sa.JSON(), nullable=False),
    sa.Column('ratios', sa.JSON(), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_inspection_plans_period_order')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_inspection_plans_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inspection_plans_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plans'))
    )
    op.create_table('licences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('hr_service', 'dispatch', 'filing', name='licence_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('valid', 'expired', 'revoked', 'suspended', name='licence_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= issued_on', name=op.f('ck_licences_valid_after_issue')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_licences_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licences')),
    sa.UniqueConstraint('issuer', 'number', name=op.f('uq_licences_issuer_number'))
    )
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licences_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_number'), ['number'], unique=False)

    op.create_table('records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('violation_code', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.Enum('minor', 'general', 'serious', name='severity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decision_number', sa.String(length=100), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('penalty_kind', sa.Enum('rectification_order', 'warning', 'criticism', 'fine', 'confiscation', 'licence_suspended', 'licence_revoked', 'closure', 'criminal', 'dispute_lost_partly', 'dispute_lost_fully', name='penalty_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('fine_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=True),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('refused_to_comply', sa.Boolean(), nullable=False),
    sa.Column('repaired_on', sa.Date(), nullable=True),
    sa.Column('major_case_kind', sa.Enum('wage_arrears', 'social_insurance', 'working_hours', 'special_protection', 'child_labour', 'serious_social_impact', 'other_major', name='major_case_kind', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('source', sa.Enum('inspection', 'complaint', 'referral', 'self_inspection', 'campaign', name='record_source', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'confirmed', 'revoked', 'overturned', name='record_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=True),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('internal_notes', sa.Text(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('corrected_on IS NULL OR corrected_on >= occurred_on', name=op.f('ck_records_corrected_after_occurred')),
    sa.CheckConstraint('decided_on >= occurred_on', name=op.f('ck_records_decided_after_occurred')),
    sa.CheckConstraint('fine_amount >= 0', name=op.f('ck_records_fine_non_negative')),
    sa.CheckConstraint('repaired_on IS NULL OR repaired_on >= decided_on', name=op.f('ck_records_repaired_after_decided')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_records_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_records_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_records_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records')),
    sa.UniqueConstraint('authority', 'decision_number', name=op.f('uq_records_authority_decision_number'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index('ix_records_agency_status', ['agency_id', 'status'], unique=False)
        batch_op.create_index('ix_records_decided_on', ['decided_on'], unique=False)

    op.create_table('self_inspections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('rebate_found', sa.Boolean(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('rectified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_self_inspections_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_self_inspections_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_inspections')),
    sa.UniqueConstraint('campaign_id', 'agency_id', name=op.f('uq_self_inspections_campaign_id_agency_id'))
    )
    op.create_table('statistics_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('row_code', sa.String(length=64), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('source_note', sa.Text(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_statistics_entries_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_entries')),
    sa.UniqueConstraint('row_code', 'period_from', 'period_to', name=op.f('uq_statistics_entries_row_code_period_from_period_to'))
    )
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('ruleset_version', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('A+', 'A', 'B', 'C', 'D', 'NEW', name='grade', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_assessments_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['evaluation_rounds.id'], name=op.f('fk_assessments_round_id_evaluation_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index('ix_assessments_agency_as_of', ['agency_id', 'as_of', 'id'], unique=False)

    op.create_table('disclosure_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('agency_name', sa.String(length=200), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('legal_rep_name', sa.String(length=64), nullable=False),
    sa.Column('major_case_kind', sa.Enum('wage_arrears', 'social_insurance', 'working_hours', 'special_protection', 'child_labour', 'serious_social_impact', 'other_major', name='major_case_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('main_facts', sa.Text(), nullable=False),
    sa.Column('handling', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosures.id'], name=op.f('fk_disclosure_entries_disclosure_id_disclosures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_disclosure_entries_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_entries')),
    sa.UniqueConstraint('disclosure_id', 'record_id', name=op.f('uq_disclosure_entries_disclosure_id_record_id'))
    )
    with op.batch_alter_table('disclosure_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_entries_disclosure_id'), ['disclosure_id'], unique=False)

    op.create_table('inspection_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('A+', 'A', 'B', 'C', 'D', 'NEW', name='grade', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Enum('pending', 'no_problem', 'problems_found', name='inspection_outcome', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=True),
    sa.Column('result_summary', sa.Text(), nullable=True),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_inspection_targets_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_inspection_targets_plan_id_inspection_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_targets')),
    sa.UniqueConstraint('plan_id', 'agency_id', name=op.f('uq_inspection_targets_plan_id_agency_id'))
    )
    with op.batch_alter_table('inspection_targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_targets_plan_id'), ['plan_id'], unique=False)

    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('list_kind', sa.Enum('red', 'black', name='list_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'notified', 'objection', 'decided', 'published', 'removed', 'not_listed', 'withdrawn', 'nominated', 'publicity', 'designated', 'expired', 'revoked', name='listing_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('basis_record_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('authority', sa.String(length=100), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('objection_deadline', sa.Date(), nullable=True),
    sa.Column('publicity_ends_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_number', sa.String(length=100), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('commitment_received_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expires_on IS NULL OR decided_on IS NULL OR expires_on >= decided_on', name=op.f('ck_listings_expires_after_decision')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_listings_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['basis_record_id'], ['records.id'], name=op.f('fk_listings_basis_record_id_records')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_listings_decided_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_listings_proposed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_agency', ['agency_id', 'list_kind'], unique=False)
        batch_op.create_index('ix_listings_kind_state', ['list_kind', 'state'], unique=False)

    op.create_table('plan_inspectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plans.id'], name=op.f('fk_plan_inspectors_plan_id_inspection_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_plan_inspectors_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_inspectors')),
    sa.UniqueConstraint('plan_id', 'user_id', name=op.f('uq_plan_inspectors_plan_id_user_id'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('objection', 'repair', name='case_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('subject', sa.Enum('record', 'listing', 'grade', 'early_removal', name='case_subject', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sa.String(length=64), nullable=False),
    sa.Column('applicant_contact', sa.String(length=100), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('corrected_on', sa.Date(), nullable=True),
    sa.Column('commitment', sa.Boolean(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'reviewing', 'accepted', 'rejected', name='case_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_cases_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_cases_decided_by_id_users')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_cases_listing_id_listings')),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_cases_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_agency_id'), ['agency_id'], unique=False)

    op.create_table('honours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('red_list', 'award', 'harmony_model', name='honour_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('level', sa.Enum('national', 'provincial', 'municipal', name='honour_level', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('revoked_on', sa.Date(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('revoked_on IS NULL OR revoked_on >= granted_on', name=op.f('ck_honours_revoked_after_grant')),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= granted_on', name=op.f('ck_honours_valid_after_grant')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_honours_agency_id_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_honours_entered_by_id_users')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_honours_listing_id_listings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_honours'))
    )
    with op.batch_alter_table('honours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_honours_agency_id'), ['agency_id'], unique=False)

    op.create_table('listing_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_state', sa.Enum('proposed', 'notified', 'objection', 'decided', 'published', 'removed', 'not_listed', 'withdrawn', 'nominated', 'publicity', 'designated', 'expired', 'revoked', name='from_state', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('to_state', sa.Enum('proposed', 'notified', 'objection', 'decided', 'published', 'removed', 'not_listed', 'withdrawn', 'nominated', 'publicity', 'designated', 'expired', 'revoked', name='to_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_listing_events_actor_id_users')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_events_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_events'))
    )
    with op.batch_alter_table('listing_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_events_listing_id'), ['listing_id'], unique=False)


    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '操作日志只能追加，不能修改或删除 (audit_events is append-only)';
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER audit_events_no_update_delete
                BEFORE UPDATE OR DELETE ON audit_events
                FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
            """
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table('listing_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_events_listing_id'))

    op.drop_table('listing_events')
    with op.batch_alter_table('honours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_honours_agency_id'))

    op.drop_table('honours')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_agency_id'))

    op.drop_table('cases')
    op.drop_table('plan_inspectors')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_kind_state')
        batch_op.drop_index('ix_listings_agency')

    op.drop_table('listings')
    with op.batch_alter_table('inspection_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_targets_plan_id'))

    op.drop_table('inspection_targets')
    with op.batch_alter_table('disclosure_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_entries_disclosure_id'))

    op.drop_table('disclosure_entries')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index('ix_assessments_agency_as_of')

    op.drop_table('assessments')
    op.drop_table('statistics_entries')
    op.drop_table('self_inspections')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index('ix_records_decided_on')
        batch_op.drop_index('ix_records_agency_status')

    op.drop_table('records')
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_licences_number'))
        batch_op.drop_index(batch_op.f('ix_licences_agency_id'))

    op.drop_table('licences')
    op.drop_table('inspection_plans')
    op.drop_table('evaluation_rounds')
    op.drop_table('disclosures')
    with op.batch_alter_table('change_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_events_occurred_at'))

    op.drop_table('change_events')
    op.drop_table('campaign_phases')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_object')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('annual_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_reports_agency_id'))

    op.drop_table('annual_reports')
    with op.batch_alter_table('agency_former_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_former_names_name'))
        batch_op.drop_index(batch_op.f('ix_agency_former_names_agency_id'))

    op.drop_table('agency_former_names')
    op.drop_table('users')
    op.drop_table('reminders')
    op.drop_table('job_runs')
    op.drop_table('enforcement_actions')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_kind_key')

    op.drop_table('documents')
    op.drop_table('campaigns')
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agencies_name'))
        batch_op.drop_index('ix_agencies_current_grade')

    op.drop_table('agencies')
