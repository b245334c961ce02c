import Foundation
import VigilCore
import VigilPostgres

/// The ``ViolationSink`` of seed 002: runs ``EnforcementEngine`` (windows, breakers, quarantine in
/// Redis), records what it did in PostgreSQL (actions, transitions, quarantines, incidents) inside
/// the batch's transaction, hands alert signals to the ``AlertSink`` and returns the events.
/// Idempotent by violation id (see ``EnforcementEngine``): ids and rows are deterministic.
struct EnforcementResponder: ViolationSink {
    let engine: EnforcementEngine
    let alerts: any AlertSink
    let clock: any WallClock
    let events: EnforcementEvents
    let ledger = IncidentLedger()
    private let encoder = OutputEncoder()

    init(engine: EnforcementEngine, alerts: any AlertSink, clock: any WallClock, events: EnforcementEvents = EnforcementEvents()) {
        self.engine = engine
        self.alerts = alerts
        self.clock = clock
        self.events = events
    }

    func handle(_ violations: [DetectedViolation], on connection: PostgresConnection) throws -> [OutboundEvent] {
        guard !violations.isEmpty else { return [] }
        let now = clock.now()
        var outcome = try engine.respond(violations, at: now)
        if !outcome.repeated.isEmpty {
            // A redelivery: the windows counted these before, but the attempt that did may have
            // been rolled back (the database failed, or refused another row of its batch). Its
            // action row is written in the same transaction as its alerts, so inserting the row
            // claims the response: the insert succeeds only where no attempt committed one, and
            // waits on the unique index while another attempt that wrote one is still open.
            let claimed = try claimActions(outcome.repeated.map { ViolationAction(violation: $0, action: EnforcementEngine.action(for: $0)) },
                                           on: connection)
            let lost = outcome.repeated.filter { claimed.contains($0.id) }
            if !lost.isEmpty { outcome.signals += try engine.respondAgain(lost, at: now).signals }
        }
        try writeActions(outcome.actions, on: connection)
        let byID = Dictionary(violations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var published: [OutboundEvent] = []
        for transition in outcome.transitions {
            let cause = transition.cause.flatMap { byID[$0] }
            let incident = try ledger.open(IncidentLedger.Cause(
                kind: "breaker", target: transition.scope, ref: String(transition.sequence), severity: transition.severity ?? .critical,
                detail: "circuit breaker \(transition.scope) tripped: \(transition.reason)", detectedAt: transition.at,
                occurredAt: cause?.occurredAt ?? cause?.detectedAt, violationID: transition.cause), on: connection)
            try BreakerTransitionWriter.write(transition, on: connection)
            published += try events.breaker(transition, incident: incident)
        }
        for action in outcome.quarantines {
            let cause = byID[action.cause]
            let incident = try ledger.open(IncidentLedger.Cause(
                kind: "quarantine", target: action.feature, ref: action.cause, severity: .high,
                detail: "feature \(action.feature) quarantined: \(action.reason)", detectedAt: action.at,
                occurredAt: cause?.occurredAt ?? cause?.detectedAt, violationID: action.cause), on: connection)
            try connection.execute("""
                INSERT INTO feature_quarantines (feature, cause_violation_id, reason, quarantined_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT DO NOTHING
                """, [.text(action.feature), .text(action.cause), .text(action.reason), .timestamp(action.at)])
            published.append(try events.feature(action, released: false, incident: incident))
        }
        if !outcome.signals.isEmpty { published += try alerts.raise(outcome.signals, on: connection) }
        return published
    }

    /// Inserts the action rows of `actions`; the violation ids this call inserted (none that a
    /// committed attempt already recorded).
    private func claimActions(_ actions: [ViolationAction], on connection: PostgresConnection) throws -> Set<String> {
        var claimed = Set<String>()
        // 13 parameters a row: 1,000 rows stay well inside PostgreSQL's 65,535 parameters.
        for start in stride(from: 0, to: actions.count, by: 1000) {
            let inserted = try connection.insert(into: "enforcement_actions", columns: Self.actionColumns.map(\.name),
                                                 rows: try actionRows(Array(actions[start..<min(start + 1000, actions.count)])),
                                                 onConflict: "(violation_id) DO NOTHING", returning: "violation_id")
            claimed.formUnion(try inserted.rows.map { try $0.string("violation_id") })
        }
        return claimed
    }

    private func writeActions(_ actions: [ViolationAction], on connection: PostgresConnection) throws {
        guard !actions.isEmpty else { return }
        _ = try connection.insert(into: "enforcement_actions", typedColumns: Self.actionColumns, rows: try actionRows(actions),
                                  onConflict: "(violation_id) DO NOTHING")
    }

    private func actionRows(_ actions: [ViolationAction]) throws -> [[PostgresValue]] {
        try actions.map { item in
            let v = item.violation
            let details = String(decoding: try encoder.encode(v.details), as: UTF8.self)
            return [.text(v.id), .text(v.domain.rawValue), .text(v.violationType), .text(v.severity.rawValue), .text(item.action),
                    .text(v.description), v.serviceName.map(PostgresValue.text) ?? .null, v.featureName.map(PostgresValue.text) ?? .null,
                    v.portfolioID.map(PostgresValue.text) ?? .null, v.strategy.map(PostgresValue.text) ?? .null,
                    v.occurredAt.map(PostgresValue.timestamp) ?? .null, .timestamp(v.detectedAt), .json(details)]
        }
    }

    private static let actionColumns: [(name: String, type: String)] = [
        ("violation_id", "text"), ("domain", "text"), ("violation_type", "text"), ("severity", "text"), ("action", "text"),
        ("description", "text"), ("service_name", "text"), ("feature_name", "text"), ("portfolio_id", "text"), ("strategy", "text"),
        ("occurred_at", "timestamptz"), ("detected_at", "timestamptz"), ("details", "jsonb"),
    ]
}

/// Writes `breaker_transitions` rows (idempotent by scope and sequence).
enum BreakerTransitionWriter {
    static func write(_ transition: BreakerTransition, on connection: PostgresConnection) throws {
        try connection.execute("""
            INSERT INTO breaker_transitions (scope, sequence, from_state, to_state, percent, reason, severity, violation_count,
              window_seconds, cause_violation_id, manual, at, event_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING
            """, [.text(transition.scope), .int(Int64(transition.sequence)), .text(transition.from.rawValue), .text(transition.to.rawValue),
                  .int(Int64(transition.percent)), .text(transition.reason), transition.severity.map { .text($0.rawValue) } ?? .null,
                  transition.count.map { .int(Int64($0)) } ?? .null, transition.window.map(PostgresValue.double) ?? .null,
                  transition.cause.map(PostgresValue.text) ?? .null, .bool(transition.manual), .timestamp(transition.at),
                  .text(DeterministicID.uuid("breaker", transition.scope, String(transition.sequence)).uuidString.lowercased())])
    }
}
