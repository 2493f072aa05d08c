"""sms inbox: accepted texts kept until their turn has run; worker heartbeats

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 20:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sms_inbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_sid', sa.String(length=64), nullable=False),
        sa.Column('conversation_id', sa.String(length=80), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('num_media', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('owner', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('message_sid'),
    )
    op.create_index('ix_sms_inbox_conversation_id', 'sms_inbox', ['conversation_id'])
    op.create_index('ix_sms_inbox_state', 'sms_inbox', ['state'])
    op.create_table(
        'sms_workers',
        sa.Column('owner', sa.String(length=120), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('owner'),
    )


def downgrade() -> None:
    op.drop_table('sms_workers')
    op.drop_index('ix_sms_inbox_state', table_name='sms_inbox')
    op.drop_index('ix_sms_inbox_conversation_id', table_name='sms_inbox')
    op.drop_table('sms_inbox')
