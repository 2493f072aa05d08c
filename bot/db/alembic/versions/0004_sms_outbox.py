"""sms outbox: replies kept until Twilio's API accepts them

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sms_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('batch', sa.String(length=32), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('segments', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('message_sid', sa.String(length=64), nullable=True),
        sa.Column('last_error', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sms_outbox_conversation_id', 'sms_outbox', ['conversation_id'])
    op.create_index('ix_sms_outbox_state', 'sms_outbox', ['state'])


def downgrade() -> None:
    op.drop_index('ix_sms_outbox_state', table_name='sms_outbox')
    op.drop_index('ix_sms_outbox_conversation_id', table_name='sms_outbox')
    op.drop_table('sms_outbox')
