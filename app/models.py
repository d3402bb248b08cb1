"""The atlas's data: sources split into passages, places, journeys with legs,
hazards, citations (W3C Web Annotation selectors) and discrepancies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def exactly_one(*columns: str) -> str:
    """SQL that holds when exactly one of the columns is set (portable: no boolean arithmetic)."""
    terms = " + ".join(f"(CASE WHEN {c} IS NOT NULL THEN 1 ELSE 0 END)" for c in columns)
    return f"{terms} = 1"


# How precisely the sources locate a place; anything but "point" is drawn as an area.
PRECISIONS = ("point", "city", "region", "country", "river", "unknown")
PROVENANCES = ("stated", "editorial")
AREA_KINDS = ("natural_earth", "circle", "line", "none")
ROUTES = ("known", "untold")
# How a told leg is drawn when the sources tell its route only in part (migration 0008):
# None, a schematic line; see app/maps/leg_paths.py.
LEG_DRAWINGS = ("overland", "relocated")


class DatasetRevision(Base):
    """One row: the revision of the content. Every cached page is keyed by it, so
    every worker process sees a change as soon as it is committed."""

    __tablename__ = "dataset_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int]
    # SHA-256 of the seed data last loaded; an unchanged seed leaves the revision alone.
    content_hash: Mapped[str] = mapped_column(String(64))


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    file: Mapped[str] = mapped_column(String(200), unique=True)
    label: Mapped[str] = mapped_column(String(300))
    title: Mapped[str | None] = mapped_column(String(300))
    author: Mapped[str | None] = mapped_column(String(200))
    outlet: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": lock_version}

    passages: Mapped[list[Passage]] = relationship(
        back_populates="source", order_by="Passage.number", cascade="all, delete-orphan"
    )


class Passage(Base):
    """One published paragraph (a non-blank line) of a source, anchored as #p-N."""

    __tablename__ = "passage"
    __table_args__ = (UniqueConstraint("source_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    number: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(Text)

    source: Mapped[Source] = relationship(back_populates="passages")


class Place(Base):
    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint(f"precision IN {PRECISIONS}", name="place_precision"),
        CheckConstraint(f"provenance IN {PROVENANCES}", name="place_provenance"),
        CheckConstraint(f"area_kind IN {AREA_KINDS}", name="place_area_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    precision: Mapped[str] = mapped_column(String(20))
    provenance: Mapped[str] = mapped_column(String(20))
    provenance_note: Mapped[str | None] = mapped_column(Text)
    # The anchor is always an editorial representative point, used to draw lines and labels.
    anchor_lat: Mapped[float | None] = mapped_column(Float)
    anchor_lon: Mapped[float | None] = mapped_column(Float)
    anchor_note: Mapped[str | None] = mapped_column(Text)
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    name_ko: Mapped[str | None] = mapped_column(String(200))
    anchor_note_ko: Mapped[str | None] = mapped_column(Text)
    area_kind: Mapped[str] = mapped_column(String(20))
    # GeoJSON geometry (RFC 7946 order: lon, lat) for natural_earth and line areas.
    area_geojson: Mapped[str | None] = mapped_column(Text)
    circle_km: Mapped[float | None] = mapped_column(Float)
    # For places inside one country (a city, a region): that country's place.
    country_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": lock_version}

    country: Mapped[Place | None] = relationship(remote_side=[id])
    citations: Mapped[list[Citation]] = relationship(
        back_populates="place", order_by="Citation.position", cascade="all, delete-orphan"
    )


hazard_journey = Table(
    "hazard_journey",
    Base.metadata,
    Column("hazard_id", ForeignKey("hazard.id", ondelete="CASCADE"), primary_key=True),
    Column("journey_id", ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True),
)

hazard_leg = Table(
    "hazard_leg",
    Base.metadata,
    Column("hazard_id", ForeignKey("hazard.id", ondelete="CASCADE"), primary_key=True),
    Column("leg_id", ForeignKey("leg.id", ondelete="CASCADE"), primary_key=True),
)


class Journey(Base):
    __tablename__ = "journey"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    who: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(40))
    outcome_label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    title_ko: Mapped[str | None] = mapped_column(String(300))
    who_ko: Mapped[str | None] = mapped_column(String(300))
    outcome_label_ko: Mapped[str | None] = mapped_column(String(300))
    summary_ko: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": lock_version}

    legs: Mapped[list[Leg]] = relationship(
        back_populates="journey", order_by="Leg.position", cascade="all, delete-orphan"
    )
    hazards: Mapped[list[Hazard]] = relationship(
        secondary=hazard_journey, back_populates="journeys", order_by="Hazard.position"
    )
    citations: Mapped[list[Citation]] = relationship(
        back_populates="journey", order_by="Citation.position", cascade="all, delete-orphan"
    )


class Leg(Base):
    __tablename__ = "leg"
    __table_args__ = (
        UniqueConstraint("journey_id", "position"),
        CheckConstraint(f"route IN {ROUTES}", name="leg_route"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    position: Mapped[int]
    from_place_id: Mapped[int] = mapped_column(ForeignKey("place.id"))
    to_place_id: Mapped[int] = mapped_column(ForeignKey("place.id"))
    route: Mapped[str] = mapped_column(String(20))
    # An editorial drawing choice (LEG_DRAWINGS, migration 0008); None: a schematic line.
    drawing: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    summary_ko: Mapped[str | None] = mapped_column(Text)
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": lock_version}

    journey: Mapped[Journey] = relationship(back_populates="legs")
    from_place: Mapped[Place] = relationship(foreign_keys=[from_place_id])
    to_place: Mapped[Place] = relationship(foreign_keys=[to_place_id])
    hazards: Mapped[list[Hazard]] = relationship(
        secondary=hazard_leg, back_populates="legs", order_by="Hazard.position"
    )
    citations: Mapped[list[Citation]] = relationship(
        back_populates="leg", order_by="Citation.position", cascade="all, delete-orphan"
    )


class Hazard(Base):
    __tablename__ = "hazard"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    name_ko: Mapped[str | None] = mapped_column(String(300))
    summary_ko: Mapped[str | None] = mapped_column(Text)
    # Content-note tags (app/vocabulary.py SENSITIVITY_TAGS), comma-separated.
    sensitivity: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # None when the sources do not say where it happens.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id"))
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": lock_version}

    place: Mapped[Place | None] = relationship()
    journeys: Mapped[list[Journey]] = relationship(
        secondary=hazard_journey, back_populates="hazards", order_by="Journey.position"
    )
    legs: Mapped[list[Leg]] = relationship(secondary=hazard_leg, back_populates="hazards")
    citations: Mapped[list[Citation]] = relationship(
        back_populates="hazard", order_by="Citation.position", cascade="all, delete-orphan"
    )

    @property
    def sensitivity_tags(self) -> list[str]:
        return split_tags(self.sensitivity)


def split_tags(value: str | None) -> list[str]:
    return [tag for tag in (value or "").split(",") if tag]


def join_tags(tags: list[str]) -> str:
    return ",".join(tags)


class Discrepancy(Base):
    """Where sources disagree: each side carries its own quotes, shown side by side."""

    __tablename__ = "discrepancy"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int]
    topic: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    topic_ko: Mapped[str | None] = mapped_column(String(300))
    summary_ko: Mapped[str | None] = mapped_column(Text)

    sides: Mapped[list[DiscrepancySide]] = relationship(
        back_populates="discrepancy",
        order_by="DiscrepancySide.position",
        cascade="all, delete-orphan",
    )
    subjects: Mapped[list[DiscrepancySubject]] = relationship(
        back_populates="discrepancy", cascade="all, delete-orphan"
    )


class DiscrepancySide(Base):
    __tablename__ = "discrepancy_side"
    __table_args__ = (UniqueConstraint("discrepancy_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(ForeignKey("discrepancy.id", ondelete="CASCADE"))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(300))
    # Korean text (migration 0006); None = not translated yet, pages fall back to English.
    label_ko: Mapped[str | None] = mapped_column(String(300))

    discrepancy: Mapped[Discrepancy] = relationship(back_populates="sides")
    citations: Mapped[list[Citation]] = relationship(
        back_populates="discrepancy_side",
        order_by="Citation.position",
        cascade="all, delete-orphan",
    )


class DiscrepancySubject(Base):
    """What a discrepancy is about: exactly one of a journey, a hazard or a place."""

    __tablename__ = "discrepancy_subject"
    __table_args__ = (
        CheckConstraint(
            exactly_one("journey_id", "hazard_id", "place_id"),
            name="discrepancy_subject_one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    discrepancy_id: Mapped[int] = mapped_column(ForeignKey("discrepancy.id", ondelete="CASCADE"))
    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id", ondelete="CASCADE"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"))

    discrepancy: Mapped[Discrepancy] = relationship(back_populates="subjects")
    journey: Mapped[Journey | None] = relationship()
    hazard: Mapped[Hazard | None] = relationship()
    place: Mapped[Place | None] = relationship()


class Citation(Base):
    """A verbatim quote that supports one record, stored as a W3C Web Annotation target:
    a TextQuoteSelector (exact, prefix, suffix) and a TextPositionSelector (start, end),
    resolved to the passage that contains it."""

    __tablename__ = "citation"
    __table_args__ = (
        CheckConstraint(
            exactly_one("journey_id", "leg_id", "hazard_id", "place_id", "discrepancy_side_id"),
            name="citation_one_target",
        ),
        CheckConstraint("start_pos < end_pos", name="citation_span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across re-seeds: used in links (?cite=KEY) so they survive a reload of the data.
    key: Mapped[str] = mapped_column(String(24), unique=True)
    position: Mapped[int]
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    passage_id: Mapped[int] = mapped_column(ForeignKey("passage.id", ondelete="CASCADE"))
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    start_pos: Mapped[int] = mapped_column(Integer)
    end_pos: Mapped[int] = mapped_column(Integer)
    # Content-note tags of the quote (app/vocabulary.py SENSITIVITY_TAGS), comma-separated.
    sensitivity: Mapped[str] = mapped_column(String(200), default="", server_default="")

    journey_id: Mapped[int | None] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    leg_id: Mapped[int | None] = mapped_column(ForeignKey("leg.id", ondelete="CASCADE"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazard.id", ondelete="CASCADE"))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"))
    discrepancy_side_id: Mapped[int | None] = mapped_column(
        ForeignKey("discrepancy_side.id", ondelete="CASCADE")
    )

    source: Mapped[Source] = relationship()
    passage: Mapped[Passage] = relationship()
    journey: Mapped[Journey | None] = relationship(back_populates="citations")
    leg: Mapped[Leg | None] = relationship(back_populates="citations")
    hazard: Mapped[Hazard | None] = relationship(back_populates="citations")
    place: Mapped[Place | None] = relationship(back_populates="citations")
    discrepancy_side: Mapped[DiscrepancySide | None] = relationship(back_populates="citations")

    @property
    def sensitivity_tags(self) -> list[str]:
        return split_tags(self.sensitivity)


# --- Editors and history (issue 4) -------------------------------------------------

ROLES = ("editor", "admin")
HISTORY_ACTIONS = ("create", "update", "delete", "restore")


class User(Base):
    """An editor or admin. There are no default accounts: `flask users create`."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('editor', 'admin')", name="users_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # argon2id, PHC string format (app/auth/passwords.py).
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    # Stored in every session cookie; bumping it (logout) ends every session of the user.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class LoginAttempt(Base):
    """One login attempt; throttling counts recent failures here, in the database, so the
    limit holds across every worker process."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("login_attempt_account_at", "account", "at"),
        Index("login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name as typed (normalised), whether or not such an account exists.
    account: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class ContentVersion(Base):
    """One recorded change to a content record: who, when, what, before and after
    (JSON snapshots). Nothing is ever lost: a deleted record is restored from here."""

    __tablename__ = "content_version"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id", "version", name="content_version_number"),
        Index("content_version_entity", "entity", "entity_id"),
        CheckConstraint(
            "action IN ('create', 'update', 'delete', 'restore')", name="content_version_action"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Table name of the record ("journey", "leg", "citation", ...) and its primary key.
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who, as shown (a user's name, or "seed" / "import" for commands).
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    dataset_revision: Mapped[int | None]

    user: Mapped[User | None] = relationship()


# --- Geocoding (issue 5) ------------------------------------------------------------


class GeocodeCache(Base):
    """What a geocoder answered for a query in a language (JSON list of results), so
    each place is looked up online at most once and later answers work offline."""

    __tablename__ = "geocode_cache"
    __table_args__ = (
        UniqueConstraint("provider", "query", "language", name="geocode_cache_lookup"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    results: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
