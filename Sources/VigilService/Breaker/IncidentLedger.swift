import Foundation
public import VigilCore
public import VigilPostgres

/// Incidents in PostgreSQL (`incidents`, `incident_causes`, `incident_timeline`).
///
/// Join rule: a trip or quarantine joins an open incident that already has an unresolved cause
/// from the same violation (one violation tripping several scopes is one incident) or on the same
/// target (a re-trip of a half-open breaker); otherwise it opens `PIT-<year>-<seq>` (year of
/// detection, UTC; the per-year counter row is incremented under its row lock, so numbers are unique
/// and gapless across instances). Opening runs under a transaction-scoped advisory lock, so two
/// instances cannot open two incidents for one cause. Each trip or quarantine is a *cause*;
/// reset/release with a note resolves the cause, and the incident when its last cause is resolved.
/// Reopening the same cause (a redelivery) returns the incident it joined.
public struct IncidentLedger: Sendable {
    /// Creates a ledger.
    public init() {}

    /// What opens or joins an incident.
    public struct Cause: Sendable {
        /// `breaker` or `quarantine`.
        public var kind: String
        /// Scope or feature.
        public var target: String
        /// Breaker sequence or violation id.
        public var ref: String
        /// How serious.
        public var severity: Severity
        /// One line for the incident title and timeline.
        public var detail: String
        /// Detection time.
        public var detectedAt: Date
        /// The violating fact's time, for MTTD.
        public var occurredAt: Date?
        /// The violation that caused it.
        public var violationID: String?

        /// Creates a cause.
        public init(kind: String, target: String, ref: String, severity: Severity, detail: String, detectedAt: Date, occurredAt: Date?,
                    violationID: String? = nil) {
            self.violationID = violationID
            self.kind = kind
            self.target = target
            self.ref = ref
            self.severity = severity
            self.detail = detail
            self.detectedAt = detectedAt
            self.occurredAt = occurredAt
        }
    }

    /// Opens or joins an incident for `cause`; returns its id.
    @discardableResult
    public func open(_ cause: Cause, on connection: PostgresConnection) throws -> String {
        _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext('vigil.incidents'))")
        if let known = try connection.query("SELECT incident_id FROM incident_causes WHERE kind = $1 AND target = $2 AND ref = $3",
                                            [.text(cause.kind), .text(cause.target), .text(cause.ref)]).rows.first {
            return try known.string("incident_id")
        }
        let incident: String
        let related = try connection.query("""
            SELECT i.id FROM incidents i JOIN incident_causes c ON c.incident_id = i.id
            WHERE i.status = 'open' AND c.resolved_at IS NULL
              AND (c.violation_id = $1 OR (c.kind = $2 AND c.target = $3))
            ORDER BY i.detected_at DESC, i.id DESC LIMIT 1
            """, [cause.violationID.map(PostgresValue.text) ?? .null, .text(cause.kind), .text(cause.target)])
        if let open = related.rows.first {
            incident = try open.string("id")
            try connection.execute("""
                UPDATE incidents SET
                  severity = CASE WHEN array_position(ARRAY['LOW','MEDIUM','HIGH','CRITICAL'], $2::text)
                                     > array_position(ARRAY['LOW','MEDIUM','HIGH','CRITICAL'], severity::text) THEN $2 ELSE severity END,
                  first_occurred_at = LEAST(first_occurred_at, $3)
                WHERE id = $1
                """, [.text(incident), .text(cause.severity.rawValue), cause.occurredAt.map(PostgresValue.timestamp) ?? .null])
        } else {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let year = calendar.component(.year, from: cause.detectedAt)
            let next = try connection.query("""
                INSERT INTO incident_sequences (year, last) VALUES ($1, 1)
                ON CONFLICT (year) DO UPDATE SET last = incident_sequences.last + 1 RETURNING last
                """, [.int(Int64(year))])
            guard let row = next.rows.first else { throw BreakerStoreError("incident sequence for \(year) returned no row") }
            incident = String(format: "PIT-%d-%03d", year, try row.int("last"))
            try connection.execute("""
                INSERT INTO incidents (id, severity, title, detected_at, first_occurred_at) VALUES ($1, $2, $3, $4, $5)
                """, [.text(incident), .text(cause.severity.rawValue), .text(cause.detail), .timestamp(cause.detectedAt),
                      cause.occurredAt.map(PostgresValue.timestamp) ?? .null])
        }
        try connection.execute("""
            INSERT INTO incident_causes (incident_id, kind, target, ref, opened_at, violation_id) VALUES ($1, $2, $3, $4, $5, $6)
            """, [.text(incident), .text(cause.kind), .text(cause.target), .text(cause.ref), .timestamp(cause.detectedAt),
                  cause.violationID.map(PostgresValue.text) ?? .null])
        try note(incident, kind: "automated", action: cause.kind == "breaker" ? "circuit_breaker" : "feature_quarantine",
                 detail: cause.detail, at: cause.detectedAt, key: "\(cause.kind):\(cause.target):\(cause.ref)", on: connection)
        return incident
    }

    /// Resolves the open causes of `kind` on `target` with an operator's note; resolves their
    /// incidents when no cause remains open. Returns the incidents touched.
    @discardableResult
    public func resolve(kind: String, target: String, note: String, action: String, at: Date,
                        on connection: PostgresConnection) throws -> [String] {
        _ = try connection.query("SELECT pg_advisory_xact_lock(hashtext('vigil.incidents'))")
        let touched = try connection.query("""
            UPDATE incident_causes SET resolved_at = $3 WHERE kind = $1 AND target = $2 AND resolved_at IS NULL RETURNING incident_id
            """, [.text(kind), .text(target), .timestamp(at)]).rows.map { try $0.string("incident_id") }
        let incidents = Array(Set(touched)).sorted()
        for incident in incidents {
            try self.note(incident, kind: "manual", action: action, detail: "\(target): \(note)", at: at,
                          key: "\(action):\(target):\(at.timeIntervalSince1970)", on: connection)
            try connection.execute("""
                UPDATE incidents SET status = 'resolved', resolved_at = $2, resolution_note = $3
                WHERE id = $1 AND status = 'open'
                  AND NOT EXISTS (SELECT 1 FROM incident_causes WHERE incident_id = $1 AND resolved_at IS NULL)
                """, [.text(incident), .timestamp(at), .text(note)])
        }
        return incidents
    }

    /// Adds a timeline entry (idempotent by `key`).
    public func note(_ incident: String, kind: String, action: String, detail: String, at: Date, key: String,
                     on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO incident_timeline (id, incident_id, at, kind, action, detail) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO NOTHING
            """, [.uuid(DeterministicID.uuid("incident-timeline", incident, key)), .text(incident), .timestamp(at), .text(kind),
                  .text(action), .text(detail)])
    }
}
