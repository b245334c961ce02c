-- Seed 002: the automated response to violations. Every id is deterministic, so a redelivered
-- batch inserts nothing twice.

-- One row per violation taken through the automated response (LOW ones are "logged for review" here).
CREATE TABLE enforcement_actions (
    violation_id    VARCHAR(100) PRIMARY KEY,
    domain          VARCHAR(20)  NOT NULL,
    violation_type  VARCHAR(100) NOT NULL,
    severity        VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    action          VARCHAR(30)  NOT NULL,
    description     TEXT,
    service_name    VARCHAR(200),
    feature_name    VARCHAR(200),
    portfolio_id    VARCHAR(100),
    strategy        VARCHAR(200),
    occurred_at     TIMESTAMPTZ,
    detected_at     TIMESTAMPTZ  NOT NULL,
    details         JSONB        NOT NULL DEFAULT '{}',
    reviewed        BOOLEAN      NOT NULL DEFAULT false
);
CREATE INDEX enforcement_actions_detected ON enforcement_actions (detected_at);

-- Every breaker transition; (scope, sequence) is unique because Redis compare-and-set hands out sequences.
CREATE TABLE breaker_transitions (
    scope              VARCHAR(300) NOT NULL,
    sequence           INTEGER      NOT NULL,
    from_state         VARCHAR(10)  NOT NULL,
    to_state           VARCHAR(10)  NOT NULL,
    percent            INTEGER      NOT NULL,
    reason             TEXT         NOT NULL,
    severity           VARCHAR(20),
    violation_count    INTEGER,
    window_seconds     DOUBLE PRECISION,
    cause_violation_id VARCHAR(100),
    manual             BOOLEAN      NOT NULL,
    at                 TIMESTAMPTZ  NOT NULL,
    event_id           VARCHAR(64)  NOT NULL,
    PRIMARY KEY (scope, sequence)
);

CREATE TABLE feature_quarantines (
    feature            VARCHAR(200) NOT NULL,
    cause_violation_id VARCHAR(100) NOT NULL,
    reason             TEXT         NOT NULL,
    quarantined_at     TIMESTAMPTZ  NOT NULL,
    released_at        TIMESTAMPTZ,
    release_note       TEXT,
    PRIMARY KEY (feature, cause_violation_id)
);

-- PIT-<year>-<seq>: one counter row per year, incremented under its row lock.
CREATE TABLE incident_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE incidents (
    id                VARCHAR(20)  PRIMARY KEY,
    severity          VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    status            VARCHAR(10)  NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    title             TEXT         NOT NULL,
    detected_at       TIMESTAMPTZ  NOT NULL,
    first_occurred_at TIMESTAMPTZ,
    resolved_at       TIMESTAMPTZ,
    resolution_note   TEXT,
    -- MTTD: detection − the violating write's time; MTTR: resolution − detection.
    mttd_seconds      DOUBLE PRECISION GENERATED ALWAYS AS (EXTRACT(EPOCH FROM detected_at - first_occurred_at)) STORED,
    mttr_seconds      DOUBLE PRECISION GENERATED ALWAYS AS (EXTRACT(EPOCH FROM resolved_at - detected_at)) STORED
);
CREATE INDEX incidents_open ON incidents (detected_at) WHERE status = 'open';

-- What keeps an incident open: a breaker trip (kind 'breaker', target scope, ref sequence) or a
-- quarantine (kind 'quarantine', target feature, ref violation id).
CREATE TABLE incident_causes (
    incident_id VARCHAR(20)  NOT NULL REFERENCES incidents (id),
    kind        VARCHAR(20)  NOT NULL,
    target      VARCHAR(300) NOT NULL,
    ref         VARCHAR(100) NOT NULL,
    opened_at   TIMESTAMPTZ  NOT NULL,
    resolved_at TIMESTAMPTZ,
    violation_id VARCHAR(100),
    PRIMARY KEY (kind, target, ref)
);
CREATE INDEX incident_causes_open ON incident_causes (violation_id) WHERE resolved_at IS NULL;
CREATE INDEX incident_causes_incident ON incident_causes (incident_id);

CREATE TABLE incident_timeline (
    id          UUID         PRIMARY KEY,
    incident_id VARCHAR(20)  NOT NULL REFERENCES incidents (id),
    at          TIMESTAMPTZ  NOT NULL,
    kind        VARCHAR(10)  NOT NULL CHECK (kind IN ('automated', 'manual')),
    action      VARCHAR(50)  NOT NULL,
    detail      TEXT         NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at);
