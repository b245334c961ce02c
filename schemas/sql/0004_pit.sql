-- Seed 002: point-in-time violations of feature writes, with the seed's columns (service_name,
-- feature_name, violation_type, severity, description, timestamp, as_of_timestamp, detected_at),
-- extended. `timestamp` is the write's event time. The id is derived from the write and the
-- check, so a redelivered write inserts nothing twice.
CREATE TABLE pit_violations (
    id                UUID PRIMARY KEY,
    service_name      VARCHAR(100) NOT NULL,
    feature_name      VARCHAR(100) NOT NULL,
    violation_type    VARCHAR(50)  NOT NULL,
    severity          VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    description       TEXT         NOT NULL,
    timestamp         TIMESTAMPTZ  NOT NULL,
    as_of_timestamp   TIMESTAMPTZ  NOT NULL,
    detected_at       TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- Extensions.
    entity_id         VARCHAR(100),
    arrival_timestamp TIMESTAMPTZ,
    details           JSONB        NOT NULL DEFAULT '{}'::jsonb,
    event_id          VARCHAR(64)
);

CREATE INDEX pit_violations_detected ON pit_violations (detected_at);
CREATE INDEX pit_violations_feature ON pit_violations (feature_name, detected_at);
CREATE INDEX pit_violations_service ON pit_violations (service_name, detected_at);

-- What each feature promises. A feature without a row gets CONFIG_WARNING (once per hour).
CREATE TABLE feature_contracts (
    feature_name                  VARCHAR(100) PRIMARY KEY,
    value_type                    VARCHAR(10)  NOT NULL DEFAULT 'any' CHECK (value_type IN ('number', 'string', 'bool', 'any')),
    minimum                       DOUBLE PRECISION,
    maximum                       DOUBLE PRECISION,
    nullable                      BOOLEAN      NOT NULL DEFAULT false,
    expected_latency_seconds      DOUBLE PRECISION CHECK (expected_latency_seconds >= 0),
    timestamp_granularity_seconds DOUBLE PRECISION CHECK (timestamp_granularity_seconds > 0),
    description                   TEXT,
    created_at                    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CHECK (minimum IS NULL OR maximum IS NULL OR minimum <= maximum)
);

-- Every change, from Vigil or plain SQL, tells running instances to reload the contracts.
CREATE FUNCTION vigil_feature_contracts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vigil_feature_contracts_changed', TG_OP);
    RETURN NULL;
END;
$$;

CREATE TRIGGER feature_contracts_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feature_contracts
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_feature_contracts_changed();
