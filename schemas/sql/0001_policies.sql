-- Seed 001: portfolio policies, with the seed's columns, extended for scoping and hot reload.
CREATE TABLE portfolio_policies (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    policy_name       VARCHAR(100) NOT NULL UNIQUE,
    policy_type       VARCHAR(50)  NOT NULL
        CHECK (policy_type IN ('POSITION_LIMIT', 'SECTOR_LIMIT', 'RISK_LIMIT', 'REGULATORY', 'INVESTMENT_MANDATE')),
    policy_rules      JSONB        NOT NULL CHECK (jsonb_typeof(policy_rules) = 'object'),
    enforcement_level VARCHAR(20)  NOT NULL DEFAULT 'strict' CHECK (enforcement_level IN ('strict', 'advisory')),
    enabled           BOOLEAN      NOT NULL DEFAULT true,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    -- Extensions: NULL or empty means every portfolio.
    portfolio_ids     TEXT[],
    description       TEXT,
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Every change to the table, from Vigil or from plain SQL, tells running instances to reload.
CREATE FUNCTION vigil_policies_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vigil_policies_changed', TG_OP);
    RETURN NULL;
END;
$$;

CREATE TRIGGER portfolio_policies_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON portfolio_policies
    FOR EACH STATEMENT EXECUTE FUNCTION vigil_policies_changed();
