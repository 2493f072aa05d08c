"""Case-status identity checks counted per case reference, across conversations (#15)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 13:00:00

A guesser who starts a new conversation per guess got round the per-conversation limit; the
reference each failed check was against is now kept, so failures are counted per case.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_lookup_attempts') as batch:
        batch.add_column(sa.Column('reference', sa.String(length=20), nullable=True))
        batch.create_index('ix_case_lookup_attempts_reference', ['reference'])


def downgrade() -> None:
    with op.batch_alter_table('case_lookup_attempts') as batch:
        batch.drop_index('ix_case_lookup_attempts_reference')
        batch.drop_column('reference')
