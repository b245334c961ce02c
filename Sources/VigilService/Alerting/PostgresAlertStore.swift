import Foundation
public import VigilCore
public import VigilPostgres

/// ``AlertStore`` on one PostgreSQL connection, meant to be used inside a transaction: reads lock
/// the alert row (`FOR UPDATE`), so two instances never change one alert at once. Looking up the
/// active alert of a dedup key first takes a transaction-scoped advisory lock on the key, so two
/// instances opening the same alert at once are serialized: the second waits and then finds the
/// first's row (the partial unique index on unresolved `dedup_key` stays as the last guard).
public struct PostgresAlertStore: AlertStore {
    private let connection: PostgresConnection
    private let encoder = OutputEncoder()

    /// Creates a store over `connection`.
    public init(connection: PostgresConnection) { self.connection = connection }

    static let columns = """
        id, dedup_key, severity, source, title, description, labels::text AS labels, status, policy_name, level,
        repeats_sent, count, first_seen, last_seen, next_escalation_at, suppression_id, acknowledged_by,
        acknowledged_at, resolved_by, resolved_at, version
        """

    public func activeAlert(dedupKey: String) throws -> Alert? {
        _ = try connection.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7411))", [.text(dedupKey)])
        return try connection.query("SELECT \(Self.columns) FROM alerts WHERE dedup_key = $1 AND status <> 'resolved' FOR UPDATE",
                             [.text(dedupKey)]).rows.first.map(Self.alert)
    }

    public func alert(id: String) throws -> Alert? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return try connection.query("SELECT \(Self.columns) FROM alerts WHERE id = $1 FOR UPDATE", [.uuid(uuid)]).rows.first.map(Self.alert)
    }

    public func save(_ alert: Alert, transitions: [AlertTransition]) throws {
        guard let id = UUID(uuidString: alert.id) else { throw AlertingError(field: "id", "'\(alert.id)' is not a UUID") }
        let labels = String(decoding: try encoder.encode(alert.labels), as: UTF8.self)
        let optionalDate = { (date: Date?) in date.map(PostgresValue.timestamp) ?? .null }
        let optionalText = { (text: String?) in text.map(PostgresValue.text) ?? .null }
        let row: [PostgresValue] = [
            .uuid(id), .text(alert.dedupKey), .text(alert.severity.rawValue), .text(alert.source), .text(alert.title),
            .text(alert.description), .json(labels), .text(alert.status.rawValue), .text(alert.policyName),
            .int(Int64(alert.level)), .int(Int64(alert.repeatsSent)), .int(Int64(alert.count)), .timestamp(alert.firstSeen),
            .timestamp(alert.lastSeen), optionalDate(alert.nextEscalationAt), optionalText(alert.suppressionID),
            optionalText(alert.acknowledgedBy), optionalDate(alert.acknowledgedAt), optionalText(alert.resolvedBy),
            optionalDate(alert.resolvedAt), .int(Int64(alert.version)),
        ]
        let names = ["id", "dedup_key", "severity", "source", "title", "description", "labels", "status", "policy_name",
                     "level", "repeats_sent", "count", "first_seen", "last_seen", "next_escalation_at", "suppression_id",
                     "acknowledged_by", "acknowledged_at", "resolved_by", "resolved_at", "version"]
        let updates = names.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        _ = try connection.insert(into: "alerts", columns: names, rows: [row], onConflict: "(id) DO UPDATE SET \(updates)")
        guard !transitions.isEmpty else { return }
        let rows: [[PostgresValue]] = try transitions.map { transition in
            guard let tid = UUID(uuidString: transition.id) else { throw AlertingError(field: "transition.id", "not a UUID") }
            return [.uuid(tid), .uuid(id), optionalText(transition.from?.rawValue), .text(transition.to.rawValue),
                    .text(transition.actor), .timestamp(transition.at), .text(transition.note), .int(Int64(transition.level))]
        }
        _ = try connection.insert(into: "alert_transitions",
                                  columns: ["id", "alert_id", "from_status", "to_status", "actor", "at", "note", "level"],
                                  rows: rows, onConflict: "(id) DO NOTHING")
    }

    public func escalationPolicies() throws -> [EscalationPolicy] {
        try AlertAdministration().policies(on: connection)
    }

    public func activeSuppressions(at now: Date) throws -> [Suppression] {
        try AlertAdministration().suppressions(on: connection, activeAt: now)
    }

    static func alert(_ row: PostgresRow) throws -> Alert {
        let optionalDate = { (column: String) throws -> Date? in try row.isNull(column) ? nil : try row.date(column) }
        let optionalText = { (column: String) throws -> String? in try row.isNull(column) ? nil : try row.string(column) }
        let status = try row.string("status")
        let severity = try row.string("severity")
        return Alert(
            id: try row.uuid("id").uuidString.lowercased(), dedupKey: try row.string("dedup_key"),
            severity: Severity(text: severity) ?? .critical, source: try row.string("source"), title: try row.string("title"),
            description: try row.string("description"),
            labels: (try? JSONDecoder().decode([String: String].self, from: Data(try row.string("labels").utf8))) ?? [:],
            status: AlertStatus(rawValue: status) ?? .open, policyName: try row.string("policy_name"), level: try row.int("level"),
            repeatsSent: try row.int("repeats_sent"), count: try row.int("count"), firstSeen: try row.date("first_seen"),
            lastSeen: try row.date("last_seen"), nextEscalationAt: try optionalDate("next_escalation_at"),
            suppressionID: try optionalText("suppression_id"), acknowledgedBy: try optionalText("acknowledged_by"),
            acknowledgedAt: try optionalDate("acknowledged_at"), resolvedBy: try optionalText("resolved_by"),
            resolvedAt: try optionalDate("resolved_at"), version: try row.int("version"))
    }
}
