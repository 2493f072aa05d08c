"""A postcode given before the conversation had a case, held for the case (issue: asked twice)

Revision ID: 0013
Revises: 0012_guard
Create Date: 2026-11-27 03:00:00

"my bins weren't collected, W10 6EL", then "can I speak to someone": the contact form asked for
the postcode again, because the tracker store keeps only "[POSTCODE]" of the first message.
The postcode is now held per conversation when first read and moved onto the case when it
opens (bot.services.held_postcode); retention purges what was never used.
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012_guard'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'held_postcodes',
        sa.Column('conversation_id', sa.String(length=200), primary_key=True),
        sa.Column('postcode', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_held_postcodes_created_at', 'held_postcodes', ['created_at'])


def downgrade() -> None:
    op.drop_table('held_postcodes')
