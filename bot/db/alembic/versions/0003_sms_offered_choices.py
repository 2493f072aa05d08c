"""sms offered choices: remember the numbered options last texted to each SMS conversation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:35:01.778213
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sms_conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offered_choices', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sms_conversations', schema=None) as batch_op:
        batch_op.drop_column('offered_choices')
