-- Issue 5 / seed 004 task 3: alert lifecycle, audit trail, escalation policies, suppressions.
-- Alert ids and transition ids are deterministic (UUIDv5), so a retried batch changes nothing twice.
CREATE TABLE alerts (
    id                 UUID PRIMARY KEY,
    dedup_key          VARCHAR(300) NOT NULL,
    severity           VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    source             VARCHAR(50)  NOT NULL,
    title              TEXT         NOT NULL,
    description        TEXT         NOT NULL,
    labels             JSONB        NOT NULL DEFAULT '{}',
    status             VARCHAR(20)  NOT NULL
                       CHECK (status IN ('open', 'escalated', 'acknowledged', 'resolved', 'suppressed')),
    policy_name        VARCHAR(128) NOT NULL,
    level              INTEGER      NOT NULL,
    repeats_sent       INTEGER      NOT NULL DEFAULT 0,
    count              INTEGER      NOT NULL,
    first_seen         TIMESTAMPTZ  NOT NULL,
    last_seen          TIMESTAMPTZ  NOT NULL,
    next_escalation_at TIMESTAMPTZ,
    suppression_id     VARCHAR(64),
    acknowledged_by    VARCHAR(200),
    acknowledged_at    TIMESTAMPTZ,
    resolved_by        VARCHAR(200),
    resolved_at        TIMESTAMPTZ,
    version            INTEGER      NOT NULL
);
-- One unresolved alert per condition: concurrent instances opening the same key collide here.
CREATE UNIQUE INDEX alerts_active_dedup ON alerts (dedup_key) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts (status, last_seen);

-- The audit trail: who moved which alert from what to what, when, and why.
CREATE TABLE alert_transitions (
    id          UUID PRIMARY KEY,
    alert_id    UUID         NOT NULL REFERENCES alerts (id),
    from_status VARCHAR(20),
    to_status   VARCHAR(20)  NOT NULL,
    actor       VARCHAR(200) NOT NULL,
    at          TIMESTAMPTZ  NOT NULL,
    note        TEXT         NOT NULL DEFAULT '',
    level       INTEGER      NOT NULL
);
CREATE INDEX alert_transitions_alert ON alert_transitions (alert_id, at);

CREATE TABLE escalation_policies (
    name       VARCHAR(128) PRIMARY KEY,
    definition JSONB        NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE TABLE suppressions (
    id         VARCHAR(64)  PRIMARY KEY,
    matchers   JSONB        NOT NULL,
    starts_at  TIMESTAMPTZ  NOT NULL,
    ends_at    TIMESTAMPTZ  NOT NULL,
    created_by VARCHAR(200) NOT NULL,
    comment    TEXT         NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX suppressions_ends ON suppressions (ends_at);
