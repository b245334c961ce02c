import Foundation
public import VigilCore
public import VigilPostgres

/// Reads and writes alerts, the audit trail, escalation policies and suppression windows in
/// PostgreSQL for the REST API, the NATS admin subjects and the CLI.
public struct AlertAdministration: Sendable {
    private let encoder = OutputEncoder()

    /// Creates it.
    public init() {}

    /// Filters for ``alerts(on:filter:)``.
    public struct AlertFilter: Sendable {
        /// Only this status.
        public var status: AlertStatus?
        /// Only this severity.
        public var severity: Severity?
        /// Only this source.
        public var source: String?
        /// At most this many (newest first).
        public var limit: Int

        /// Creates a filter.
        public init(status: AlertStatus? = nil, severity: Severity? = nil, source: String? = nil, limit: Int = 100) {
            self.status = status
            self.severity = severity
            self.source = source
            self.limit = limit
        }
    }

    /// Alerts matching `filter`, most recently seen first.
    public func alerts(on connection: PostgresConnection, filter: AlertFilter) throws -> [Alert] {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        func add(_ column: String, _ value: String?) {
            guard let value else { return }
            parameters.append(.text(value))
            conditions.append("\(column) = $\(parameters.count)")
        }
        add("status", filter.status?.rawValue)
        add("severity", filter.severity?.rawValue)
        add("source", filter.source)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        parameters.append(.int(Int64(min(max(filter.limit, 1), 1000))))
        return try connection.query("SELECT \(PostgresAlertStore.columns) FROM alerts \(whereClause) ORDER BY last_seen DESC, id LIMIT $\(parameters.count)",
                                    parameters).rows.map(PostgresAlertStore.alert)
    }

    /// The audit trail of alert `id`, oldest first.
    public func transitions(of id: String, on connection: PostgresConnection) throws -> [AlertTransition] {
        guard let uuid = UUID(uuidString: id) else { return [] }
        return try connection.query("""
            SELECT id, alert_id, from_status, to_status, actor, at, note, level FROM alert_transitions
            WHERE alert_id = $1 ORDER BY at, level, id
            """, [.uuid(uuid)]).rows.map { row in
            AlertTransition(id: try row.uuid("id").uuidString.lowercased(), alertID: try row.uuid("alert_id").uuidString.lowercased(),
                            from: try row.isNull("from_status") ? nil : AlertStatus(rawValue: try row.string("from_status")),
                            to: AlertStatus(rawValue: try row.string("to_status")) ?? .open, actor: try row.string("actor"),
                            at: try row.date("at"), note: try row.string("note"), level: try row.int("level"))
        }
    }

    // MARK: Escalation policies

    /// Every policy, by name. A row that does not decode is skipped (it was validated when written).
    public func policies(on connection: PostgresConnection) throws -> [EscalationPolicy] {
        try connection.query("SELECT definition::text AS definition FROM escalation_policies ORDER BY name").rows.compactMap { row in
            try? JSONDecoder().decode(EscalationPolicy.self, from: Data(try row.string("definition").utf8))
        }
    }

    /// Validates and inserts or replaces `policy`.
    public func put(_ policy: EscalationPolicy, on connection: PostgresConnection) throws {
        try policy.validate()
        let json = String(decoding: try encoder.encode(policy), as: UTF8.self)
        _ = try connection.execute("""
            INSERT INTO escalation_policies (name, definition, updated_at) VALUES ($1, $2, now())
            ON CONFLICT (name) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()
            """, [.text(policy.name), .json(json)])
    }

    /// Deletes policy `name`; false when there was none. Alerts under it fall back to the default.
    public func deletePolicy(named name: String, on connection: PostgresConnection) throws -> Bool {
        try connection.execute("DELETE FROM escalation_policies WHERE name = $1", [.text(name)]) > 0
    }

    // MARK: Suppressions

    /// Windows active at `activeAt`, or every window when nil (newest first).
    public func suppressions(on connection: PostgresConnection, activeAt: Date?) throws -> [Suppression] {
        let sql = "SELECT id, matchers::text AS matchers, starts_at, ends_at, created_by, comment, created_at FROM suppressions"
        let result = if let activeAt {
            try connection.query(sql + " WHERE starts_at <= $1 AND ends_at > $1 ORDER BY id", [.timestamp(activeAt)])
        } else {
            try connection.query(sql + " ORDER BY created_at DESC, id")
        }
        return try result.rows.compactMap { row in
            guard let matchers = try? JSONDecoder().decode([AlertMatcher].self, from: Data(try row.string("matchers").utf8)) else { return nil }
            return Suppression(id: try row.string("id"), matchers: matchers, startsAt: try row.date("starts_at"),
                               endsAt: try row.date("ends_at"), createdBy: try row.string("created_by"),
                               comment: try row.string("comment"), createdAt: try row.date("created_at"))
        }
    }

    /// Validates and inserts `suppression`.
    public func add(_ suppression: Suppression, on connection: PostgresConnection) throws {
        try suppression.validate()
        let json = String(decoding: try encoder.encode(suppression.matchers), as: UTF8.self)
        _ = try connection.execute("""
            INSERT INTO suppressions (id, matchers, starts_at, ends_at, created_by, comment, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [.text(suppression.id), .json(json), .timestamp(suppression.startsAt), .timestamp(suppression.endsAt),
                  .text(suppression.createdBy), .text(suppression.comment), .timestamp(suppression.createdAt)])
    }

    /// Ends window `id` at `now` (if it has not ended); returns the window, nil when unknown.
    /// Alerts it holds are re-checked at their next timer, which the caller brings forward.
    public func expire(suppression id: String, at now: Date, on connection: PostgresConnection) throws -> Suppression? {
        _ = try connection.execute("UPDATE suppressions SET ends_at = GREATEST(starts_at + interval '1 millisecond', $2) WHERE id = $1 AND ends_at > $2",
                                   [.text(id), .timestamp(now)])
        return try suppressions(on: connection, activeAt: nil).first { $0.id == id }
    }

    /// Ids of alerts held by window `id`.
    public func alertsSuppressed(by id: String, on connection: PostgresConnection) throws -> [String] {
        try connection.query("SELECT id FROM alerts WHERE status = 'suppressed' AND suppression_id = $1", [.text(id)])
            .rows.map { try $0.uuid("id").uuidString.lowercased() }
    }
}
