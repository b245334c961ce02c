public import Foundation
public import VigilCore
public import VigilPostgres

/// Filters for reading `pit_violations`, newest detection first, one page at a time.
public struct PITViolationFilter: Sendable, Equatable {
    /// Only this service / feature / entity / type / severity.
    public var serviceName: String?, featureName: String?, entityID: String?, violationType: String?
    /// Only this severity.
    public var severity: Severity?
    /// Detected at or after / strictly before.
    public var since: Date?, until: Date?
    /// Page size, 1...1000.
    public var limit = 100
    /// Where the previous page ended (on `detected_at`, id).
    public var cursor: ViolationCursor?

    /// An unfiltered first page of 100.
    public init() {}
}

/// One stored PIT violation as the API returns it (the `pit_violations` row).
public struct StoredPITViolation: Sendable, Encodable, Equatable {
    /// Row id (deterministic from the write and the check); also the event id.
    public var id: String
    /// Seed 002 columns.
    public var serviceName: String, featureName: String, violationType: String, severity: String, description: String
    /// The write's event time (`timestamp`) and knowledge time.
    public var timestamp: Date, asOfTimestamp: Date
    /// When Vigil detected it.
    public var detectedAt: Date
    /// The write's entity and arrival.
    public var entityID: String?, arrivalTimestamp: Date?
    /// The values compared.
    public var details: JSONValue

    enum CodingKeys: String, CodingKey {
        case id, severity, description, timestamp, details
        case serviceName = "service_name", featureName = "feature_name", violationType = "violation_type"
        case asOfTimestamp = "as_of_timestamp", detectedAt = "detected_at", entityID = "entity_id"
        case arrivalTimestamp = "arrival_timestamp"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(serviceName, forKey: .serviceName)
        try c.encode(featureName, forKey: .featureName)
        try c.encode(entityID, forKey: .entityID)
        try c.encode(violationType, forKey: .violationType)
        try c.encode(severity, forKey: .severity)
        try c.encode(description, forKey: .description)
        try c.encode(timestamp, forKey: .timestamp)
        try c.encode(asOfTimestamp, forKey: .asOfTimestamp)
        try c.encode(arrivalTimestamp, forKey: .arrivalTimestamp)
        try c.encode(detectedAt, forKey: .detectedAt)
        try c.encode(details, forKey: .details)
    }
}

/// A page of PIT violations.
public typealias PITViolationPage = KeysetPage<StoredPITViolation>

/// Reads `pit_violations` with keyset paging on (detected_at, id), like ``ViolationQueries``.
public struct PITViolationQueries: Sendable {
    /// Creates the query helper.
    public init() {}

    /// One page matching `filter`, newest first.
    public func page(_ filter: PITViolationFilter, on connection: PostgresConnection) throws -> PITViolationPage {
        var query = KeysetQuery(timeColumn: "detected_at")
        if let value = filter.serviceName { query.add("service_name", "=", .text(value)) }
        if let value = filter.featureName { query.add("feature_name", "=", .text(value)) }
        if let value = filter.entityID { query.add("entity_id", "=", .text(value)) }
        if let value = filter.violationType { query.add("violation_type", "=", .text(value)) }
        if let value = filter.severity { query.add("severity", "=", .text(value.rawValue)) }
        if let value = filter.since { query.add("detected_at", ">=", .timestamp(value)) }
        if let value = filter.until { query.add("detected_at", "<", .timestamp(value)) }
        return try query.page(columns: """
            id, service_name, feature_name, entity_id, violation_type, severity, description, timestamp, as_of_timestamp,
            arrival_timestamp, detected_at, details::text AS details
            """, from: "pit_violations", after: filter.cursor, limit: filter.limit, on: connection) { row in
            let id = try row.uuid("id")
            let details = (try? JSONDecoder().decode(JSONValue.self, from: Data(try row.string("details").utf8))) ?? .object([:])
            let violation = StoredPITViolation(
                id: id.uuidString.lowercased(), serviceName: try row.string("service_name"), featureName: try row.string("feature_name"),
                violationType: try row.string("violation_type"), severity: try row.string("severity"),
                description: try row.string("description"), timestamp: try row.date("timestamp"),
                asOfTimestamp: try row.date("as_of_timestamp"), detectedAt: try row.date("detected_at"),
                entityID: try row.isNull("entity_id") ? nil : try row.string("entity_id"),
                arrivalTimestamp: try row.isNull("arrival_timestamp") ? nil : try row.date("arrival_timestamp"), details: details)
            return (violation, id)
        }
    }
}
