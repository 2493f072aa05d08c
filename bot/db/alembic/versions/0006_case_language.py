"""cases.language: the language the resident writes in (ISO 639-1), for the console and callback

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch.create_index('ix_cases_language', ['language'])


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_index('ix_cases_language')
        batch.drop_column('language')
