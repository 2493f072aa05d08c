"""Case-status failures counted per client; console sign-in failures shared by every process (#15)

Revision ID: 0012_guard
Revises: 0011
Create Date: 2026-11-26 15:45:00

A guesser with one address and a new conversation (and a new case reference) per guess got
round both the per-conversation and the per-reference limits: each failed check now keeps a
pseudonym of the client it came from (set by the channel, never by the resident). Failed
console sign-ins were counted in each console process's memory: they now live in one table
every console process reads, keyed by HMACs (the typed username may be a password).
"""

import sqlalchemy as sa
from alembic import op

revision = '0012_guard'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_lookup_attempts') as batch:
        batch.add_column(sa.Column('client_key', sa.String(length=64), nullable=True))
        batch.create_index('ix_case_lookup_attempts_client_key', ['client_key'])
    op.create_table(
        'console_sign_in_failures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('address_key', sa.String(length=64), nullable=False),
        sa.Column('account_key', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_console_sign_in_failures_address_key', 'console_sign_in_failures',
                    ['address_key'])
    op.create_index('ix_console_sign_in_failures_account_key', 'console_sign_in_failures',
                    ['account_key'])
    op.create_index('ix_console_sign_in_failures_created_at', 'console_sign_in_failures',
                    ['created_at'])


def downgrade() -> None:
    op.drop_table('console_sign_in_failures')
    with op.batch_alter_table('case_lookup_attempts') as batch:
        batch.drop_index('ix_case_lookup_attempts_client_key')
        batch.drop_column('client_key')
