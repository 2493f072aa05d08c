"""The schema: councils and their service statuses, cases, SMS bookkeeping, staff and audit.

Contact details live only in the case's own columns (never in transcripts or slots), so
purging or exporting a resident's data is a query on one table.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.privacy.sealed import SealedText

Base = declarative_base()

SERVICE_STATES = ("operating", "disrupted", "unavailable")
CASE_PRIORITIES = ("urgent", "high", "standard")
CASE_STATUSES = ("new", "in_progress", "waiting_for_resident", "resolved")
OPEN_CASE_STATUSES = ("new", "in_progress", "waiting_for_resident")
STAFF_ROLES = ("agent", "supervisor")


def utcnow() -> datetime:
    """Naive UTC: SQLite has no time zones, and one convention everywhere avoids mix-ups."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Council(Base):
    __tablename__ = "councils"

    id = Column(String(40), primary_key=True)
    name = Column(String(120), nullable=False)
    short_name = Column(String(40), nullable=False)
    case_prefix = Column(String(4), nullable=False, unique=True)
    postcode_districts = Column(JSON, nullable=False, default=list)
    customer_service_centre = Column(Text, nullable=False, default="")
    out_of_hours_phone = Column(String(40), nullable=False, default="")
    incident_helpline = Column(String(40), nullable=False, default="")
    contact_email = Column(String(120), nullable=False, default="")
    complaints_route = Column(Text, nullable=False, default="")
    website = Column(String(200), nullable=False, default="")
    retention_days = Column(Integer, nullable=False, default=90)


class Service(Base):
    __tablename__ = "services"

    id = Column(String(40), primary_key=True)
    name = Column(String(120), nullable=False)


class ServiceStatus(Base):
    __tablename__ = "service_statuses"
    __table_args__ = (
        UniqueConstraint("council_id", "service_id", name="uq_status_council_service"),
    )

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False, index=True)
    service_id = Column(String(40), ForeignKey("services.id"), nullable=False)
    state = Column(String(20), nullable=False, default="operating")
    affected = Column(Text, nullable=False, default="")
    workaround = Column(Text, nullable=False, default="")
    expected_restoration = Column(String(120), nullable=False, default="")
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    updated_by = Column(String(80), nullable=False, default="seed")

    council = relationship("Council")
    service = relationship("Service")


class IncidentUpdate(Base):
    __tablename__ = "incident_updates"

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False, index=True)
    kind = Column(String(20), nullable=False, default="general")  # general | data
    title = Column(String(200), nullable=False)
    body = Column(Text, nullable=False)
    approved = Column(Boolean, nullable=False, default=True)
    published_at = Column(DateTime, nullable=False, default=utcnow)
    published_by = Column(String(80), nullable=False, default="seed")


class Case(Base):
    """An escalation. `conversation_key` makes creation idempotent per conversation."""

    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, unique=True)
    conversation_key = Column(String(200), nullable=False, unique=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=True, index=True)
    category = Column(String(40), nullable=False)
    service_id = Column(String(40), ForeignKey("services.id"), nullable=True)
    priority = Column(String(20), nullable=False, default="standard")
    urgent_category = Column(String(40), nullable=True)
    sla_due_at = Column(DateTime, nullable=True)
    issues = Column(JSON, nullable=False, default=list)
    details = Column(JSON, nullable=False, default=dict)
    channel = Column(String(40), nullable=False, default="rest")
    conversation_id = Column(String(200), nullable=False, index=True)
    # contact details, each in its own column
    name = Column(String(120), nullable=True)
    phone = Column(String(40), nullable=True, index=True)
    email = Column(String(200), nullable=True)
    postcode = Column(String(10), nullable=True)
    preferred_contact = Column(String(20), nullable=True)
    contact_time = Column(String(120), nullable=True)
    safe_to_call = Column(Boolean, nullable=True)
    landline_only = Column(Boolean, nullable=True)
    interpreter_language = Column(String(60), nullable=True)
    language = Column(String(8), nullable=True, index=True)  # ISO 639-1 the resident writes in
    # workflow
    status = Column(String(30), nullable=False, default="new", index=True)
    submitted = Column(Boolean, nullable=False, default=False)
    assigned_to = Column(String(80), nullable=True)
    sms_opted_out = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    resolved_at = Column(DateTime, nullable=True)
    outcome = Column(String(40), nullable=True)  # why it was resolved (console: casework.OUTCOMES)

    notes = relationship("CaseNote", back_populates="case", order_by="CaseNote.id")
    events = relationship("CaseEvent", back_populates="case", order_by="CaseEvent.id")


class CaseNote(Base):
    __tablename__ = "case_notes"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, index=True)
    author = Column(String(80), nullable=False)
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    case = relationship("Case", back_populates="notes")


class CaseEvent(Base):
    """History of a case: created, escalated, taken, replied, handed back, resolved."""

    __tablename__ = "case_events"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("cases.id"), nullable=False, index=True)
    actor = Column(String(80), nullable=False)
    kind = Column(String(40), nullable=False)
    detail = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)

    case = relationship("Case", back_populates="events")


class CaseLookupAttempt(Base):
    """Identity-check attempts on `case_status`, to rate-limit guessing per conversation."""

    __tablename__ = "case_lookup_attempts"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(200), nullable=False, index=True)
    succeeded = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # the case the identity check was against (migration 0010): failures count per case too
    reference = Column(String(20), nullable=True, index=True)
    # a pseudonym of the client address or phone the check came from, set by the channel
    # (migration 0012_guard): failures count per client across references and conversations
    client_key = Column(String(64), nullable=True, index=True)


class HeldPostcode(Base):
    """A full postcode the resident gave before their conversation had a case ("my bins weren't
    collected, W10 6EL", then "can I speak to someone"), so the contact form does not ask again.

    The tracker store keeps only "[POSTCODE]" of that message, so the postcode is held here when
    it is first read and moved onto the case when the case opens (bot.services.held_postcode);
    held postcodes are used for HELD_POSTCODE_HOURS only and purged with them by retention."""

    __tablename__ = "held_postcodes"

    conversation_id = Column(String(200), primary_key=True)
    postcode = Column(String(10), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class ConsoleSignInFailure(Base):
    """One failed console sign-in (password or code), shared by every console process (#15.6).

    Keys are HMACs under the console's secret: the typed username may be a password typed in
    the wrong box, and the address is only needed to group failures."""

    __tablename__ = "console_sign_in_failures"

    id = Column(Integer, primary_key=True)
    address_key = Column(String(64), nullable=False, index=True)
    account_key = Column(String(64), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class SmsMessage(Base):
    """One inbound or outbound SMS. The unique MessageSid makes webhook retries harmless."""

    __tablename__ = "sms_messages"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    direction = Column(String(10), nullable=False)  # inbound | outbound
    phone = Column(String(40), nullable=False, index=True)
    status = Column(String(30), nullable=False, default="received")
    segments = Column(Integer, nullable=True)
    error_code = Column(String(20), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SmsOutboxItem(Base):
    """One SMS part waiting to reach Twilio, kept until it lands so an API outage loses nothing.

    Parts of one conversation go out strictly in `id` order; `claimed_until` lets several Rasa
    instances share the table without sending a part twice. The body is blanked once the part
    is settled (sent, refused, cancelled): the transcript is the record, not this table. While
    pending it is sealed like the inbox body (a reply can quote the resident's own details), and
    opened only by the sender that claims the part.
    """

    __tablename__ = "sms_outbox"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(64), nullable=False, index=True)
    batch = Column(String(32), nullable=False)
    body = Column(SealedText, nullable=False)  # sealed while pending (bot/privacy/sealed.py)
    segments = Column(Integer, nullable=True)
    state = Column(String(20), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_until = Column(DateTime, nullable=True)
    message_sid = Column(String(64), nullable=True)
    last_error = Column(String(40), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SmsInboxItem(Base):
    """An accepted inbound SMS until its turn has run, so a server dying with texts queued in
    memory loses none: another server (or this one, restarted) runs them.

    Written in the same transaction as the MessageSid row that de-duplicates Twilio's retries,
    because after that row exists a retry is ignored. `owner` is the server process that
    queued or runs it; a process that stops sending heartbeats (sms_workers) is presumed dead.
    The body is blanked once the turn has run.
    """

    __tablename__ = "sms_inbox"

    id = Column(Integer, primary_key=True)
    message_sid = Column(String(64), nullable=False, unique=True)
    conversation_id = Column(String(80), nullable=False, index=True)
    phone = Column(String(40), nullable=False)
    body = Column(SealedText, nullable=False)  # encrypted at rest: bot/privacy/sealed.py
    num_media = Column(Integer, nullable=False, default=0)
    state = Column(String(20), nullable=False, default="queued", index=True)
    owner = Column(String(120), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class SmsWorker(Base):
    """Heartbeats of the server processes that run SMS turns (see SmsInboxItem)."""

    __tablename__ = "sms_workers"

    owner = Column(String(120), primary_key=True)
    heartbeat_at = Column(DateTime, nullable=False, default=utcnow)


class SmsOptOut(Base):
    __tablename__ = "sms_opt_outs"

    phone = Column(String(40), primary_key=True)
    opted_out = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False, default="")
    password_hash = Column(String(255), nullable=False)
    role = Column(String(20), nullable=False, default="agent")
    active = Column(Boolean, nullable=False, default=True)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Console sessions (#15.6, migration 0012): a session carries the epoch it was signed in
    # under; sign-out, a password change or a 2FA reset add one, ending every session at once.
    session_epoch = Column(Integer, nullable=False, default=0)
    totp_secret = Column(String(64), nullable=True)  # base32; set at enrolment
    totp_enabled = Column(Boolean, nullable=False, default=False)  # confirmed with a code
    totp_last_step = Column(Integer, nullable=True)  # the last code used: never accepted twice


class AuditLog(Base):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    actor = Column(String(80), nullable=False, index=True)
    action = Column(String(60), nullable=False)
    target = Column(String(200), nullable=False, default="")
    detail = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class SmsConversation(Base):
    """Maps the pseudonymous Rasa sender id of an SMS conversation to the resident's number.

    The tracker store only ever sees the pseudonym, so transcripts hold no phone numbers.
    """

    __tablename__ = "sms_conversations"

    conversation_id = Column(String(80), primary_key=True)
    phone = Column(String(40), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_inbound_at = Column(DateTime, nullable=True)
    # Numbered choices (title, payload) last offered by SMS, so a reply of "2" maps to a payload
    # across restarts and server processes; consumed by the next inbound message.
    offered_choices = Column(JSON, nullable=True)


class ScheduledJob(Base):
    """One row per scheduled background job (the retention purge): a lease, so that however
    many processes run the schedule, one runs the job at a time, and the last run's times.

    A process takes the lease with one guarded UPDATE (free or expired, and due); a process
    that dies holding it blocks the job only until `lease_until`.
    """

    __tablename__ = "scheduled_jobs"

    name = Column(String(60), primary_key=True)
    lease_owner = Column(String(120), nullable=True)
    lease_until = Column(DateTime, nullable=True)
    last_started_at = Column(DateTime, nullable=True)
    last_finished_at = Column(DateTime, nullable=True)
    last_outcome = Column(String(300), nullable=True)


class ServiceStatusChange(Base):
    """One change of a service's state (disrupted -> operating, ...), written by set_status.

    Its id keys the restoration texts, so a restoration is announced once however often staff
    press "save" afterwards.
    """

    __tablename__ = "service_status_changes"

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False, index=True)
    service_id = Column(String(40), ForeignKey("services.id"), nullable=False)
    old_state = Column(String(20), nullable=True)
    new_state = Column(String(20), nullable=False)
    changed_by = Column(String(80), nullable=False)
    changed_at = Column(DateTime, nullable=False, default=utcnow)


class Subscription(Base):
    """'Text me when it's back': one resident number for one council service, for 30 days.

    Holds only what sending needs: the E.164 number (no name, no conversation id) and the
    channel the resident subscribed on. Covered by the privacy export and purge.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("council_id", "service_id", "phone", name="uq_subscription"),
    )

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False)
    service_id = Column(String(40), ForeignKey("services.id"), nullable=False)
    phone = Column(String(20), nullable=False, index=True)
    channel = Column(String(20), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    unsubscribed_at = Column(DateTime, nullable=True)


class SmsBroadcast(Base):
    """An incident update texted to a council's (or one service's) subscribers: written by
    one supervisor, sent only once a different supervisor approves it (four eyes)."""

    __tablename__ = "sms_broadcasts"

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False, index=True)
    service_id = Column(String(40), ForeignKey("services.id"), nullable=True)
    body = Column(Text, nullable=False)
    segments = Column(Integer, nullable=False, default=1)
    state = Column(String(20), nullable=False, default="awaiting_approval")
    created_by = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    decided_by = Column(String(80), nullable=True)
    decided_at = Column(DateTime, nullable=True)
    recipients = Column(Integer, nullable=True)


class SmsNotification(Base):
    """One text owed to one subscription for one event (a restoration or a broadcast).

    The unique (subscription, event) pair is what makes "never twice" hold whoever queues it.
    `waiting` rows wait for `not_before` (quiet hours, pacing) and are then moved, in the same
    transaction that marks them `queued`, into the SMS outbox (its `batch` kept here).
    """

    __tablename__ = "sms_notifications"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_key", name="uq_notification_event"),
    )

    id = Column(Integer, primary_key=True)
    subscription_id = Column(
        Integer, ForeignKey("subscriptions.id", ondelete="CASCADE"), nullable=False
    )
    event_key = Column(String(40), nullable=False)  # change-<id> | broadcast-<id>
    status_change_id = Column(Integer, ForeignKey("service_status_changes.id"), nullable=True)
    broadcast_id = Column(Integer, ForeignKey("sms_broadcasts.id"), nullable=True, index=True)
    body = Column(Text, nullable=False)
    state = Column(String(20), nullable=False, default="waiting", index=True)
    not_before = Column(DateTime, nullable=False, default=utcnow, index=True)
    batch = Column(String(32), nullable=True, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    released_at = Column(DateTime, nullable=True)


class StaffCouncil(Base):
    """Which councils an agent works for: an agent sees and acts on only those councils' cases
    (supervisors see every council)."""

    __tablename__ = "staff_councils"

    username = Column(String(80), primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), primary_key=True)


class CannedReply(Base):
    """A ready-made staff reply for one council, kept by supervisors; placeholders such as
    {helpline} are filled from the council's row when an officer picks it."""

    __tablename__ = "canned_replies"

    id = Column(Integer, primary_key=True)
    council_id = Column(String(40), ForeignKey("councils.id"), nullable=False, index=True)
    title = Column(String(80), nullable=False)
    body = Column(Text, nullable=False)
    updated_by = Column(String(80), nullable=False)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
