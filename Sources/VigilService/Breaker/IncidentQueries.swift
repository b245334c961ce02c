import Foundation
public import VigilPostgres

/// An incident as listed.
public struct IncidentSummary: Sendable, Codable, Equatable {
    /// `PIT-<year>-<seq>`.
    public var id: String
    /// Highest severity of its causes.
    public var severity: String
    /// `open` or `resolved`.
    public var status: String
    /// What opened it.
    public var title: String
    /// Detection time.
    public var detectedAt: Date
    /// Earliest violating fact's time.
    public var firstOccurredAt: Date?
    /// Resolution time.
    public var resolvedAt: Date?
    /// The note that resolved it.
    public var resolutionNote: String?
    /// Detection − occurrence, seconds.
    public var mttdSeconds: Double?
    /// Resolution − detection, seconds.
    public var mttrSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case id, severity, status, title
        case detectedAt = "detected_at"
        case firstOccurredAt = "first_occurred_at"
        case resolvedAt = "resolved_at"
        case resolutionNote = "resolution_note"
        case mttdSeconds = "mttd_seconds"
        case mttrSeconds = "mttr_seconds"
    }
}

/// An incident with its causes and timeline.
public struct IncidentDetail: Sendable, Codable, Equatable {
    /// A trip or quarantine attached to the incident.
    public struct Cause: Sendable, Codable, Equatable {
        /// `breaker` or `quarantine`.
        public var kind: String
        /// Scope or feature.
        public var target: String
        /// Breaker sequence or violation id.
        public var ref: String
        /// When it joined.
        public var openedAt: Date
        /// When it was reset or released.
        public var resolvedAt: Date?

        enum CodingKeys: String, CodingKey {
            case kind, target, ref
            case openedAt = "opened_at"
            case resolvedAt = "resolved_at"
        }
    }

    /// A timeline entry.
    public struct Entry: Sendable, Codable, Equatable {
        /// When.
        public var at: Date
        /// `automated` or `manual`.
        public var kind: String
        /// What was done.
        public var action: String
        /// Details.
        public var detail: String
    }

    /// The incident.
    public var incident: IncidentSummary
    /// Its causes.
    public var causes: [Cause]
    /// Its timeline, oldest first.
    public var timeline: [Entry]
}

/// Reads incidents.
public struct IncidentQueries: Sendable {
    /// Creates the queries.
    public init() {}

    private static let columns = """
        id, severity, status, title, detected_at, first_occurred_at, resolved_at, resolution_note, mttd_seconds, mttr_seconds
        """

    /// Incidents, newest first, optionally only `open` or `resolved` ones.
    public func list(status: String?, limit: Int, on connection: PostgresConnection) throws -> [IncidentSummary] {
        let result = try connection.query("""
            SELECT \(Self.columns) FROM incidents WHERE ($1::text IS NULL OR status = $1) ORDER BY detected_at DESC, id DESC LIMIT $2
            """, [status.map(PostgresValue.text) ?? .null, .int(Int64(limit))])
        return try result.rows.map(Self.summary)
    }

    /// One incident with causes and timeline; nil when unknown.
    public func detail(_ id: String, on connection: PostgresConnection) throws -> IncidentDetail? {
        guard let row = try connection.query("SELECT \(Self.columns) FROM incidents WHERE id = $1", [.text(id)]).rows.first else { return nil }
        let causes = try connection.query("""
            SELECT kind, target, ref, opened_at, resolved_at FROM incident_causes WHERE incident_id = $1 ORDER BY opened_at, kind, target
            """, [.text(id)]).rows.map { row in
            IncidentDetail.Cause(kind: try row.string("kind"), target: try row.string("target"), ref: try row.string("ref"),
                                 openedAt: try row.date("opened_at"),
                                 resolvedAt: try row.isNull("resolved_at") ? nil : try row.date("resolved_at"))
        }
        let timeline = try connection.query("""
            SELECT at, kind, action, detail FROM incident_timeline WHERE incident_id = $1 ORDER BY at, action
            """, [.text(id)]).rows.map { row in
            IncidentDetail.Entry(at: try row.date("at"), kind: try row.string("kind"), action: try row.string("action"),
                                 detail: try row.string("detail"))
        }
        return IncidentDetail(incident: try Self.summary(row), causes: causes, timeline: timeline)
    }

    private static func summary(_ row: PostgresRow) throws -> IncidentSummary {
        func date(_ column: String) throws -> Date? { try row.isNull(column) ? nil : try row.date(column) }
        func double(_ column: String) throws -> Double? { try row.isNull(column) ? nil : try row.double(column) }
        return IncidentSummary(id: try row.string("id"), severity: try row.string("severity"), status: try row.string("status"),
                               title: try row.string("title"), detectedAt: try row.date("detected_at"),
                               firstOccurredAt: try date("first_occurred_at"), resolvedAt: try date("resolved_at"),
                               resolutionNote: try row.isNull("resolution_note") ? nil : try row.string("resolution_note"),
                               mttdSeconds: try double("mttd_seconds"), mttrSeconds: try double("mttr_seconds"))
    }
}
