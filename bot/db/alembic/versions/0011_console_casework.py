"""Staff console: agents' councils, canned replies per council, a resolved case's outcome

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 12:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_councils',
        sa.Column('username', sa.String(length=80), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id']),
        sa.PrimaryKeyConstraint('username', 'council_id'),
    )
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_by', sa.String(length=80), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_canned_replies_council_id', 'canned_replies', ['council_id'])
    op.add_column('cases', sa.Column('outcome', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('outcome')
    op.drop_index('ix_canned_replies_council_id', table_name='canned_replies')
    op.drop_table('canned_replies')
    op.drop_table('staff_councils')
