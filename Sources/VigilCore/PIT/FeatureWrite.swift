import Foundation
import VigilDigest

/// A feature-store write (`features.writes.<feature_name>`): a value of a feature for an entity,
/// valid at `event_timestamp`, computed with knowledge up to `as_of_timestamp`.
public struct FeatureWrite: Sendable, Equatable, Decodable {
    /// The feature.
    public var featureName: String
    /// The entity the value is for (a symbol, an account, …).
    public var entityID: String
    /// The value: any JSON, null allowed; the string `"NaN"` counts as NaN.
    public var value: JSONValue
    /// When the value is valid (event time).
    public var eventTimestamp: PITTimestamp
    /// The knowledge time: the value may use information up to this instant only.
    public var asOfTimestamp: PITTimestamp
    /// Times of the inputs the value was computed from, when the producer reports them.
    public var sourceTimestamps: [PITTimestamp]?
    /// When the write reached the feature store; absent means Vigil's receive time.
    public var arrivalTimestamp: PITTimestamp?
    /// Version of the value for this (feature, entity, event time).
    public var version: Int
    /// Whether this write deliberately revises an earlier value.
    public var isRevision: Bool
    /// The service that wrote it.
    public var serviceName: String

    enum CodingKeys: String, CodingKey {
        case value, version
        case featureName = "feature_name"
        case entityID = "entity_id"
        case eventTimestamp = "event_timestamp"
        case asOfTimestamp = "as_of_timestamp"
        case sourceTimestamps = "source_timestamps"
        case arrivalTimestamp = "arrival_timestamp"
        case isRevision = "is_revision"
        case serviceName = "service_name"
    }

    /// Creates a write (tests, the simulator).
    public init(featureName: String, entityID: String, value: JSONValue, eventTimestamp: PITTimestamp,
                asOfTimestamp: PITTimestamp, sourceTimestamps: [PITTimestamp]? = nil, arrivalTimestamp: PITTimestamp? = nil,
                version: Int = 1, isRevision: Bool = false, serviceName: String) {
        self.featureName = featureName
        self.entityID = entityID
        self.value = value
        self.eventTimestamp = eventTimestamp
        self.asOfTimestamp = asOfTimestamp
        self.sourceTimestamps = sourceTimestamps
        self.arrivalTimestamp = arrivalTimestamp
        self.version = version
        self.isRevision = isRevision
        self.serviceName = serviceName
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        featureName = try container.decode(String.self, forKey: .featureName)
        entityID = try container.decode(String.self, forKey: .entityID)
        // `value` must be present, but null is a legitimate (if perhaps contract-breaking) value.
        guard container.contains(.value) else {
            throw DecodingError.keyNotFound(CodingKeys.value, .init(codingPath: [], debugDescription: "is required"))
        }
        value = try container.decodeNil(forKey: .value) ? .null : container.decode(JSONValue.self, forKey: .value)
        eventTimestamp = try container.decode(PITTimestamp.self, forKey: .eventTimestamp)
        asOfTimestamp = try container.decode(PITTimestamp.self, forKey: .asOfTimestamp)
        sourceTimestamps = try container.decodeIfPresent([PITTimestamp].self, forKey: .sourceTimestamps)
        arrivalTimestamp = try container.decodeIfPresent(PITTimestamp.self, forKey: .arrivalTimestamp)
        version = try container.decode(Int.self, forKey: .version)
        isRevision = try container.decode(Bool.self, forKey: .isRevision)
        serviceName = try container.decode(String.self, forKey: .serviceName)
    }

    /// Whether the value is missing for quality purposes: null, a non-finite number or `"NaN"`.
    public var isMissingValue: Bool {
        switch value {
        case .null: true
        case .number(let number): !number.isFinite
        case .string(let text): text.caseInsensitiveCompare("NaN") == .orderedSame
        default: false
        }
    }

    /// The value as canonical JSON (sorted keys), so equal values compare equal across producers.
    public var canonicalValue: String {
        switch value {
        // Scalars need no encoder (the common case, and the hot path); the text matches what
        // the encoder below would produce for them.
        case .null: return "[null]"
        case .bool(let flag): return flag ? "[true]" : "[false]"
        case .number(let number) where number.isFinite: return "[\(number)]"
        default:
            return (try? Self.canonicalEncoder.encode([value])).map { String(decoding: $0, as: UTF8.self) } ?? "[null]"
        }
    }

    // Configured once and never mutated, so sharing it across threads is safe.
    private static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// SHA-1 of ``canonicalValue``: what the history store compares.
    public var valueDigest: String { SHA1.hex(Array(canonicalValue.utf8)) }

    /// The write's identity: the same write redelivered or republished has the same id; a write
    /// that differs in value, version or knowledge time has another.
    public var writeID: String { writeID(valueDigest: valueDigest) }

    /// ``writeID`` from an already computed ``valueDigest``.
    public func writeID(valueDigest: String) -> String {
        DeterministicID.uuid("feature_write", featureName, entityID, String(eventTimestamp.milliseconds),
                             String(asOfTimestamp.milliseconds), String(version), isRevision ? "r" : "w", valueDigest)
            .uuidString.lowercased()
    }
}

extension FeatureWrite: ValidatedInput {
    /// Checks ids and the version.
    public func validate(limits: InputLimits) throws(InputError) {
        try checkID(featureName, field: "feature_name", limits: limits)
        try checkID(entityID, field: "entity_id", limits: limits)
        try checkID(serviceName, field: "service_name", limits: limits)
        guard version >= 0 else { throw InputError(.invalidValue, field: "version", "must be 0 or more, got \(version)") }
        if let count = sourceTimestamps?.count, count > limits.maxOrdersPerDecision {
            throw InputError(.tooLarge, field: "source_timestamps", "has \(count) entries; the limit is \(limits.maxOrdersPerDecision)")
        }
    }
}
