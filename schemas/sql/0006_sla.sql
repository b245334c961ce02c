-- Seed 004 / issue 5: dispatch lifecycle, SLA policies and SLA warnings/breaches.

-- Current state of each dispatch (the Redis record is authoritative while it runs; this row is
-- written after each batch for queries and history).
CREATE TABLE dispatches (
    dispatch_id      VARCHAR(100) PRIMARY KEY,
    severity         VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    region           VARCHAR(100) NOT NULL,
    status           VARCHAR(20)  NOT NULL CHECK (status IN ('created', 'assigned', 'acknowledged', 'resolved', 'cancelled')),
    unit_id          VARCHAR(100),
    started_at       TIMESTAMPTZ  NOT NULL,
    assigned_at      TIMESTAMPTZ,
    acknowledged_at  TIMESTAMPTZ,
    resolved_at      TIMESTAMPTZ,
    cancelled_at     TIMESTAMPTZ,
    -- Version of the Redis record this row shows; an older state never overwrites a newer one.
    state_version    BIGINT       NOT NULL DEFAULT 0,
    updated_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX dispatches_open ON dispatches (status) WHERE status NOT IN ('resolved', 'cancelled');
CREATE INDEX dispatches_region ON dispatches (region, started_at);

-- Every dispatch event received, once: the id is derived from (dispatch, event, timestamp).
CREATE TABLE dispatch_events (
    id           UUID PRIMARY KEY,
    dispatch_id  VARCHAR(100) NOT NULL,
    event        VARCHAR(20)  NOT NULL CHECK (event IN ('created', 'assigned', 'acknowledged', 'resolved', 'cancelled')),
    severity     VARCHAR(20)  NOT NULL,
    region       VARCHAR(100) NOT NULL,
    unit_id      VARCHAR(100),
    occurred_at  TIMESTAMPTZ  NOT NULL,
    outcome      VARCHAR(30)  NOT NULL,
    received_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX dispatch_events_dispatch ON dispatch_events (dispatch_id, occurred_at);

-- SLA per severity; edited through REST/CLI, reloaded by every instance on NOTIFY.
CREATE TABLE sla_policies (
    severity                    VARCHAR(20) PRIMARY KEY CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    acknowledge_within_seconds  DOUBLE PRECISION NOT NULL CHECK (acknowledge_within_seconds > 0),
    resolve_within_seconds      DOUBLE PRECISION NOT NULL CHECK (resolve_within_seconds > 0),
    warning_fraction            DOUBLE PRECISION NOT NULL DEFAULT 0.8 CHECK (warning_fraction > 0 AND warning_fraction < 1),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO sla_policies (severity, acknowledge_within_seconds, resolve_within_seconds) VALUES
    ('CRITICAL', 300, 3600), ('HIGH', 900, 14400), ('MEDIUM', 3600, 86400), ('LOW', 14400, 259200);

CREATE FUNCTION vigil_sla_policies_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vigil_sla_policies_changed', TG_OP);
    RETURN NULL;
END $$;

CREATE TRIGGER sla_policies_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sla_policies
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_sla_policies_changed();

-- SLA warnings and breaches; the id depends only on (dispatch, target, stage), so a timer fired
-- twice (lease expiry after a crash) or a late event reporting the same breach is one row.
CREATE TABLE sla_events (
    id           UUID PRIMARY KEY,
    dispatch_id  VARCHAR(100) NOT NULL,
    stage        VARCHAR(10)  NOT NULL CHECK (stage IN ('warning', 'breach')),
    target       VARCHAR(12)  NOT NULL CHECK (target IN ('acknowledge', 'resolve')),
    severity     VARCHAR(20)  NOT NULL,
    region       VARCHAR(100) NOT NULL,
    started_at   TIMESTAMPTZ  NOT NULL,
    deadline     TIMESTAMPTZ  NOT NULL,
    due_at       TIMESTAMPTZ  NOT NULL,
    fired_at     TIMESTAMPTZ  NOT NULL
);

CREATE INDEX sla_events_fired ON sla_events (fired_at);
CREATE INDEX sla_events_dispatch ON sla_events (dispatch_id);
