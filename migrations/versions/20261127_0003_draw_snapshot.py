"""Inspection plans keep a snapshot of the draw inputs (re-runnable 双随机 draws).

``inspection_plans.draw_snapshot`` (JSON, nullable) holds what the pure draw was given at
draw time: seed, ratios per grade (incl. the rule set's [new_agency] supervised_as), the
eligible agencies with their grades then, the pseudonymous inspector pool and the
conflicts. Replaying the draw uses it instead of re-reading today's data, which changes
with every regrade. Plans drawn before this migration have no snapshot (NULL).

Revision ID: 0003_draw_snapshot
Revises: 0002_search_indexes
Create Date: 2026-11-27 09:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_draw_snapshot"
down_revision = "0002_search_indexes"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy) on both SQLite and PostgreSQL.
    op.add_column("inspection_plans", sa.Column("draw_snapshot", sa.JSON(), nullable=True))


def downgrade():
    # SQLite >= 3.35 drops a column in place; no table copy, so no constraint is lost.
    op.drop_column("inspection_plans", "draw_snapshot")
