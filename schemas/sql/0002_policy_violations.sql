-- Seed 001: violations found while validating decisions. The id is derived from the decision,
-- policy, violation type and symbol, so a redelivered decision inserts nothing twice.
CREATE TABLE policy_violations (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    decision_id          VARCHAR(100) NOT NULL,
    policy_name          VARCHAR(100) NOT NULL,
    violation_type       VARCHAR(50)  NOT NULL,
    severity             VARCHAR(20)  NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
    description          TEXT,
    resolved             BOOLEAN      NOT NULL DEFAULT false,
    created_at           TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- Extensions.
    portfolio_id         VARCHAR(100),
    enforcement_level    VARCHAR(20)  NOT NULL DEFAULT 'strict',
    suggested_adjustment JSONB,
    event_id             VARCHAR(64)
);

CREATE INDEX policy_violations_decision ON policy_violations (decision_id);
CREATE INDEX policy_violations_created ON policy_violations (created_at);
CREATE INDEX policy_violations_policy ON policy_violations (policy_name, created_at);
