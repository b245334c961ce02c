-- Issue 3: the decision log. Every validation, compliant or not, from the stream (one row per
-- decision id: redelivery conflicts), request-reply and REST (one row per request).
CREATE TABLE policy_validations (
    id                UUID PRIMARY KEY,
    decision_id       VARCHAR(100) NOT NULL,
    portfolio_id      VARCHAR(100) NOT NULL,
    source            VARCHAR(20)  NOT NULL CHECK (source IN ('stream', 'request_reply', 'rest')),
    is_compliant      BOOLEAN      NOT NULL,
    compliance_score  DOUBLE PRECISION NOT NULL,
    policies_checked  TEXT[]       NOT NULL,
    violated_policies TEXT[]       NOT NULL,
    violation_count   INTEGER      NOT NULL,
    strategy          VARCHAR(100),
    decided_at        TIMESTAMPTZ  NOT NULL,
    validated_at      TIMESTAMPTZ  NOT NULL,
    duration_us       INTEGER      NOT NULL,
    recorded_at       TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX policy_validations_decision ON policy_validations (decision_id);
CREATE INDEX policy_validations_portfolio ON policy_validations (portfolio_id, validated_at);
CREATE INDEX policy_validations_validated ON policy_validations (validated_at);
