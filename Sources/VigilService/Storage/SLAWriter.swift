import Foundation
import VigilCore
import VigilPostgres

/// Writes the SLA capability's rows; every insert is idempotent (deterministic ids, ON CONFLICT).
struct SLAWriter {
    /// `dispatch_events` for every update (duplicates included: the row records the outcome of its
    /// first delivery) and the latest `dispatches` row of each dispatch in the batch.
    func write(_ updates: [DispatchUpdate], on connection: PostgresConnection) throws {
        guard !updates.isEmpty else { return }
        try connection.insert(
            into: "dispatch_events",
            typedColumns: [("id", "uuid"), ("dispatch_id", "text"), ("event", "text"), ("severity", "text"), ("region", "text"),
                           ("unit_id", "text"), ("occurred_at", "timestamptz"), ("outcome", "text")],
            rows: updates.map { update in
                let event = update.event
                return [.uuid(event.eventID), .text(event.dispatchID), .text(event.kind.rawValue), .text(event.severity.rawValue),
                        .text(event.region), event.unitID.map(PostgresValue.text) ?? .null, .timestamp(event.timestamp),
                        .text(update.transition.outcome.rawValue)]
            },
            onConflict: "(id) DO NOTHING")
        var latest: [String: (DispatchRecord, Int64)] = [:]
        for update in updates {
            if let version = update.version, version > (latest[update.event.dispatchID]?.1 ?? 0) {
                latest[update.event.dispatchID] = (update.transition.record, version)
            }
        }
        guard !latest.isEmpty else { return }
        func time(_ record: DispatchRecord, _ kind: DispatchEventKind) -> PostgresValue { record.times[kind].map(PostgresValue.timestamp) ?? .null }
        try connection.insert(
            into: "dispatches",
            typedColumns: [("dispatch_id", "text"), ("severity", "text"), ("region", "text"), ("status", "text"), ("unit_id", "text"),
                           ("started_at", "timestamptz"), ("assigned_at", "timestamptz"), ("acknowledged_at", "timestamptz"),
                           ("resolved_at", "timestamptz"), ("cancelled_at", "timestamptz"), ("state_version", "int8"),
                           ("updated_at", "timestamptz")],
            rows: latest.keys.sorted().compactMap { id in
                guard let (record, version) = latest[id] else { return nil }
                return [.text(id), .text(record.severity.rawValue), .text(record.region), .text(record.status.rawValue),
                        record.unitID.map(PostgresValue.text) ?? .null, .timestamp(record.startedAt), time(record, .assigned),
                        time(record, .acknowledged), time(record, .resolved), time(record, .cancelled), .int(version), .timestamp(Date())]
            },
            // An older state written late (another instance) never overwrites a newer one.
            onConflict: "(dispatch_id) DO UPDATE SET severity = EXCLUDED.severity, region = EXCLUDED.region, status = EXCLUDED.status, "
                + "unit_id = EXCLUDED.unit_id, started_at = EXCLUDED.started_at, assigned_at = EXCLUDED.assigned_at, "
                + "acknowledged_at = EXCLUDED.acknowledged_at, resolved_at = EXCLUDED.resolved_at, cancelled_at = EXCLUDED.cancelled_at, "
                + "state_version = EXCLUDED.state_version, updated_at = EXCLUDED.updated_at "
                + "WHERE dispatches.state_version < EXCLUDED.state_version")
    }

    /// `sla_events` rows; a firing already recorded is skipped.
    func write(_ firings: [SLAFiring], on connection: PostgresConnection) throws {
        guard !firings.isEmpty else { return }
        try connection.insert(
            into: "sla_events",
            typedColumns: [("id", "uuid"), ("dispatch_id", "text"), ("stage", "text"), ("target", "text"), ("severity", "text"),
                           ("region", "text"), ("started_at", "timestamptz"), ("deadline", "timestamptz"), ("due_at", "timestamptz"),
                           ("fired_at", "timestamptz")],
            rows: firings.compactMap { firing in
                guard let id = UUID(uuidString: firing.id) else { return nil }
                return [.uuid(id), .text(firing.dispatchID), .text(firing.stage.rawValue), .text(firing.target.rawValue),
                        .text(firing.severity.rawValue), .text(firing.region), .timestamp(firing.startedAt), .timestamp(firing.deadline),
                        .timestamp(firing.dueAt), .timestamp(firing.firedAt)]
            },
            onConflict: "(id) DO NOTHING")
    }
}
