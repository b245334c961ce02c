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

/// A page of violations and the cursor for the next one (nil on the last page).
public struct ViolationPage: Sendable, Encodable, Equatable {
    /// Newest first.
    public var violations: [StoredViolation]
    /// Pass as `cursor` to read on; nil when there is nothing more.
    public var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case violations
        case nextCursor = "next_cursor"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(violations, forKey: .violations)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// Reads `policy_violations` with keyset paging on (created_at, id), so a page costs the same
/// however deep it is and rows inserted meanwhile never shift later pages.
public struct ViolationQueries: Sendable {
    /// Creates the query helper.
    public init() {}

    /// One page matching `filter`, newest first.
    public func page(_ filter: ViolationFilter, on connection: PostgresConnection) throws -> ViolationPage {
        var conditions: [String] = []
        var parameters: [PostgresValue] = []
        func add(_ condition: (String) -> String, _ value: PostgresValue) {
            parameters.append(value)
            conditions.append(condition("$\(parameters.count)"))
        }
        if let value = filter.decisionID { add({ "decision_id = \($0)" }, .text(value)) }
        if let value = filter.policyName { add({ "policy_name = \($0)" }, .text(value)) }
        if let value = filter.severity { add({ "severity = \($0)" }, .text(value.rawValue)) }
        if let value = filter.since { add({ "created_at >= \($0)" }, .timestamp(value)) }
        if let value = filter.until { add({ "created_at < \($0)" }, .timestamp(value)) }
        if let cursor = filter.cursor {
            parameters.append(.int(cursor.micros))
            parameters.append(.uuid(cursor.id))
            let n = parameters.count
            conditions.append("(created_at, id) < (timestamptz 'epoch' + $\(n - 1) * interval '1 microsecond', $\(n))")
        }
        let limit = max(1, min(filter.limit, 1000))
        // One extra row tells whether another page exists without a COUNT.
        let sql = """
            SELECT id, decision_id, portfolio_id, policy_name, violation_type, severity, description, enforcement_level,
                   suggested_adjustment::text AS suggested_adjustment, resolved, created_at,
                   ((extract(epoch FROM created_at) * 1000000)::numeric)::int8 AS created_micros
            FROM policy_violations \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """
        let rows = try connection.query(sql, parameters).rows
        var violations: [StoredViolation] = []
        var last: ViolationCursor?
        for row in rows.prefix(limit) {
            let adjustment = try row.isNull("suggested_adjustment") ? nil
                : try? JSONDecoder().decode(JSONValue.self, from: Data(try row.string("suggested_adjustment").utf8))
            let violation = StoredViolation(
                id: try row.uuid("id"), decisionID: try row.string("decision_id"),
                portfolioID: try row.isNull("portfolio_id") ? nil : try row.string("portfolio_id"),
                policyName: try row.string("policy_name"), violationType: try row.string("violation_type"),
                severity: try row.string("severity"), description: try row.isNull("description") ? nil : try row.string("description"),
                enforcementLevel: try row.string("enforcement_level"), suggestedAdjustment: adjustment,
                resolved: try row.bool("resolved"), createdAt: try row.date("created_at"))
            violations.append(violation)
            last = ViolationCursor(micros: Int64(try row.int("created_micros")), id: violation.id)
        }
        return ViolationPage(violations: violations, nextCursor: rows.count > limit ? last?.token : nil)
    }
}
