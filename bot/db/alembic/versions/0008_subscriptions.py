"""'Text me when it's back': subscriptions, status changes, broadcasts, notifications

Revision ID: 0008
Revises: 0007 (0007_scheduled_jobs, written concurrently by another session)
Create Date: 2026-11-27 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'service_status_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.Column('service_id', sa.String(length=40), nullable=False),
        sa.Column('old_state', sa.String(length=20), nullable=True),
        sa.Column('new_state', sa.String(length=20), nullable=False),
        sa.Column('changed_by', sa.String(length=80), nullable=False),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id']),
        sa.ForeignKeyConstraint(['service_id'], ['services.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_service_status_changes_council_id', 'service_status_changes',
                    ['council_id'])
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.Column('service_id', sa.String(length=40), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id']),
        sa.ForeignKeyConstraint(['service_id'], ['services.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('council_id', 'service_id', 'phone', name='uq_subscription'),
    )
    op.create_index('ix_subscriptions_phone', 'subscriptions', ['phone'])
    op.create_table(
        'sms_broadcasts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('council_id', sa.String(length=40), nullable=False),
        sa.Column('service_id', sa.String(length=40), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('segments', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by', sa.String(length=80), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('recipients', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['council_id'], ['councils.id']),
        sa.ForeignKeyConstraint(['service_id'], ['services.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sms_broadcasts_council_id', 'sms_broadcasts', ['council_id'])
    op.create_table(
        'sms_notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('event_key', sa.String(length=40), nullable=False),
        sa.Column('status_change_id', sa.Integer(), nullable=True),
        sa.Column('broadcast_id', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('not_before', sa.DateTime(), nullable=False),
        sa.Column('batch', sa.String(length=32), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('released_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['status_change_id'], ['service_status_changes.id']),
        sa.ForeignKeyConstraint(['broadcast_id'], ['sms_broadcasts.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subscription_id', 'event_key', name='uq_notification_event'),
    )
    op.create_index('ix_sms_notifications_broadcast_id', 'sms_notifications', ['broadcast_id'])
    op.create_index('ix_sms_notifications_state', 'sms_notifications', ['state'])
    op.create_index('ix_sms_notifications_not_before', 'sms_notifications', ['not_before'])
    op.create_index('ix_sms_notifications_batch', 'sms_notifications', ['batch'])


def downgrade() -> None:
    op.drop_table('sms_notifications')
    op.drop_table('sms_broadcasts')
    op.drop_index('ix_subscriptions_phone', table_name='subscriptions')
    op.drop_table('subscriptions')
    op.drop_index('ix_service_status_changes_council_id', table_name='service_status_changes')
    op.drop_table('service_status_changes')
