import Foundation
import Synchronization

/// What a feature promises (`feature_contracts`): the type and range of its values, whether they
/// may be missing, how late writes may arrive and how fine their event times are.
public struct FeatureContract: Sendable, Equatable, Codable {
    /// The JSON type values must have.
    public enum ValueType: String, Sendable, Codable, CaseIterable {
        /// A JSON number (or `"NaN"`, which counts as a missing number).
        case number
        /// A JSON string.
        case string
        /// A JSON boolean.
        case bool
        /// Anything.
        case any
    }

    /// The feature.
    public var featureName: String
    /// The type of its values.
    public var valueType: ValueType
    /// Smallest allowed number (numbers only).
    public var minimum: Double?
    /// Largest allowed number (numbers only).
    public var maximum: Double?
    /// Whether null (and NaN) values are allowed.
    public var nullable: Bool
    /// Longest accepted delay from event time to arrival, in seconds; nil means no check.
    public var expectedLatencySeconds: Double?
    /// Event timestamps must be whole multiples of this many seconds; nil means no check.
    public var timestampGranularitySeconds: Double?
    /// Free text for operators.
    public var description: String?

    /// Creates a contract.
    public init(featureName: String, valueType: ValueType = .any, minimum: Double? = nil, maximum: Double? = nil,
                nullable: Bool = false, expectedLatencySeconds: Double? = nil, timestampGranularitySeconds: Double? = nil,
                description: String? = nil) {
        self.featureName = featureName
        self.valueType = valueType
        self.minimum = minimum
        self.maximum = maximum
        self.nullable = nullable
        self.expectedLatencySeconds = expectedLatencySeconds
        self.timestampGranularitySeconds = timestampGranularitySeconds
        self.description = description
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minimum, maximum, nullable, description
        case featureName = "feature_name"
        case valueType = "value_type"
        case expectedLatencySeconds = "expected_latency_seconds"
        case timestampGranularitySeconds = "timestamp_granularity_seconds"
    }

    private static let fieldNames = CodingKeys.allCases.map(\.stringValue).sorted()

    /// Any key, to find the ones a contract does not have.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes strictly: an unknown key (a typo such as `maximun`) is an error naming it, as in
    /// policy rules, instead of a contract silently missing its bound.
    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { CodingKeys(stringValue: $0) == nil }) {
            throw InputError(.invalidValue, field: unknown,
                             "is not a contract field (\(Self.fieldNames.joined(separator: ", ")))")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        featureName = try container.decode(String.self, forKey: .featureName)
        if let text = try container.decodeIfPresent(String.self, forKey: .valueType) {
            guard let type = ValueType(rawValue: text) else {
                throw InputError(.invalidValue, field: "value_type",
                                 "must be one of \(ValueType.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text.prefix(40))'")
            }
            valueType = type
        } else {
            valueType = .any
        }
        minimum = try container.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try container.decodeIfPresent(Double.self, forKey: .maximum)
        nullable = try container.decodeIfPresent(Bool.self, forKey: .nullable) ?? false
        expectedLatencySeconds = try container.decodeIfPresent(Double.self, forKey: .expectedLatencySeconds)
        timestampGranularitySeconds = try container.decodeIfPresent(Double.self, forKey: .timestampGranularitySeconds)
        description = try container.decodeIfPresent(String.self, forKey: .description)
    }

    /// Encodes every field, absent ones as null, so clients see the whole contract.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(featureName, forKey: .featureName)
        try container.encode(valueType, forKey: .valueType)
        try container.encode(minimum, forKey: .minimum)
        try container.encode(maximum, forKey: .maximum)
        try container.encode(nullable, forKey: .nullable)
        try container.encode(expectedLatencySeconds, forKey: .expectedLatencySeconds)
        try container.encode(timestampGranularitySeconds, forKey: .timestampGranularitySeconds)
        try container.encode(description, forKey: .description)
    }

    /// Checks the contract's own consistency; the message names the field.
    public func validate() throws(InputError) {
        try checkID(featureName, field: "feature_name", limits: InputLimits())
        if let minimum { try checkFinite(minimum, field: "minimum") }
        if let maximum { try checkFinite(maximum, field: "maximum") }
        if let minimum, let maximum, minimum > maximum {
            throw InputError(.invalidValue, field: "minimum", "is greater than maximum (\(minimum) > \(maximum))")
        }
        if (minimum != nil || maximum != nil), valueType != .number {
            throw InputError(.invalidValue, field: "value_type", "must be number when minimum or maximum is set")
        }
        if let expectedLatencySeconds, !(expectedLatencySeconds.isFinite && expectedLatencySeconds >= 0) {
            throw InputError(.invalidValue, field: "expected_latency_seconds", "must be a finite number of seconds ≥ 0")
        }
        if let granularity = timestampGranularitySeconds {
            try checkPositive(granularity, field: "timestamp_granularity_seconds")
            guard (granularity * 1000).rounded() == granularity * 1000 else {
                throw InputError(.invalidValue, field: "timestamp_granularity_seconds", "must be a whole number of milliseconds")
            }
        }
    }
}

/// The contracts in force, swapped whole on reload so a batch sees one consistent set.
public final class FeatureContractRegistry: Sendable {
    private let contracts: Mutex<[String: FeatureContract]>

    /// Starts with `initial`.
    public init(_ initial: [FeatureContract] = []) {
        contracts = Mutex(Dictionary(initial.map { ($0.featureName, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// The contracts in force, by feature.
    public var current: [String: FeatureContract] { contracts.withLock { $0 } }

    /// Puts `all` in force.
    public func replace(with all: [FeatureContract]) {
        let next = Dictionary(all.map { ($0.featureName, $0) }, uniquingKeysWith: { _, last in last })
        contracts.withLock { $0 = next }
    }
}

extension FeatureContract: ValidatedInput {
    /// Checks the contract's consistency (``validate()``); `limits` bound the name's length.
    public func validate(limits: InputLimits) throws(InputError) {
        try validate()
    }
}
