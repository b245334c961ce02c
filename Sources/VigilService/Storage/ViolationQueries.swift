public import Foundation
public import VigilCore
public import VigilPostgres

/// Filters for reading `policy_violations`, newest first, one page at a time.
public struct ViolationFilter: Sendable, Equatable {
    /// Only this decision.
    public var decisionID: String?
    /// Only this policy.
    public var policyName: String?
    /// Only this severity.
    public var severity: Severity?
    /// Created at or after.
    public var since: Date?
    /// Created strictly before.
    public var until: Date?
    /// Page size, 1...1000.
    public var limit = 100
    /// Where the previous page ended (``ViolationPage/nextCursor``).
    public var cursor: ViolationCursor?

    /// An unfiltered first page of 100.
    public init() {}
}

/// A position in the (created_at, id) order. Opaque to clients: `<microseconds>.<uuid>`, base64url.
public struct ViolationCursor: Sendable, Equatable {
    /// `created_at` in microseconds since 1970, exactly as PostgreSQL stores it.
    public var micros: Int64
    /// The row id, which breaks ties between rows created in the same microsecond.
    public var id: UUID

    /// Creates a cursor.
    public init(micros: Int64, id: UUID) {
        self.micros = micros
        self.id = id
    }

    /// Reads a cursor given by a client; nil when it is not one Vigil made.
    public init?(token: String) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
        self.init(micros: micros, id: id)
    }

    /// The client-facing form.
    public var token: String {
        Data("\(micros).\(id.uuidString.lowercased())".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// One stored violation as the API returns it.
public struct StoredViolation: Sendable, Encodable, Equatable {
    /// Row id (deterministic from decision, policy, type and symbol).
    public var id: UUID
    /// The decision.
    public var decisionID: String
    /// The decision's portfolio, when known.
    public var portfolioID: String?
    /// Seed 001 fields.
    public var policyName: String
    /// The rule that was broken.
    public var violationType: String
    /// CRITICAL, HIGH, MEDIUM or LOW.
    public var severity: String
    /// The explanation, with the numbers.
    public var description: String?
    /// strict or advisory.
    public var enforcementLevel: String
    /// The largest compliant quantity / scale factor, when computed.
    public var suggestedAdjustment: JSONValue?
    /// Whether an operator marked it resolved.
    public var resolved: Bool
    /// When it was found.
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, severity, description, resolved
        case decisionID = "decision_id", portfolioID = "portfolio_id", policyName = "policy_name"
        case violationType = "violation_type", enforcementLevel = "enforcement_level"
        case suggestedAdjustment = "suggested_adjustment", createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id.uuidString.lowercased(), forKey: .id)
        try container.encode(decisionID, forKey: .decisionID)
        try container.encode(portfolioID, forKey: .portfolioID)
        try container.encode(policyName, forKey: .policyName)
        try container.encode(violationType, forKey: .violationType)
        try container.encode(severity, forKey: .severity)
        try container.encode(description, forKey: .description)
        try container.encode(enforcementLevel, forKey: .enforcementLevel)
        try container.encode(suggestedAdjustment, forKey: .suggestedAdjustment)
        try container.encode(resolved, forKey: .resolved)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// A page of policy violations.
public typealias ViolationPage = KeysetPage<StoredViolation>

/// Reads `policy_violations` with keyset paging on (created_at, id), so a page costs the same
/// however deep it is and rows inserted meanwhile never shift later pages.
public struct ViolationQueries: Sendable {
    /// Creates the query helper.
    public init() {}

    /// One page matching `filter`, newest first.
    public func page(_ filter: ViolationFilter, on connection: PostgresConnection) throws -> ViolationPage {
        var query = KeysetQuery(timeColumn: "created_at")
        if let value = filter.decisionID { query.add("decision_id", "=", .text(value)) }
        if let value = filter.policyName { query.add("policy_name", "=", .text(value)) }
        if let value = filter.severity { query.add("severity", "=", .text(value.rawValue)) }
        if let value = filter.since { query.add("created_at", ">=", .timestamp(value)) }
        if let value = filter.until { query.add("created_at", "<", .timestamp(value)) }
        return try query.page(columns: """
            id, decision_id, portfolio_id, policy_name, violation_type, severity, description, enforcement_level,
            suggested_adjustment::text AS suggested_adjustment, resolved, created_at
            """, from: "policy_violations", after: filter.cursor, limit: filter.limit, on: connection) { row in
            let adjustment = try row.isNull("suggested_adjustment") ? nil
                : try? JSONDecoder().decode(JSONValue.self, from: Data(try row.string("suggested_adjustment").utf8))
            let violation = StoredViolation(
                id: try row.uuid("id"), decisionID: try row.string("decision_id"),
                portfolioID: try row.isNull("portfolio_id") ? nil : try row.string("portfolio_id"),
                policyName: try row.string("policy_name"), violationType: try row.string("violation_type"),
                severity: try row.string("severity"), description: try row.isNull("description") ? nil : try row.string("description"),
                enforcementLevel: try row.string("enforcement_level"), suggestedAdjustment: adjustment,
                resolved: try row.bool("resolved"), createdAt: try row.date("created_at"))
            return (violation, violation.id)
        }
    }
}
