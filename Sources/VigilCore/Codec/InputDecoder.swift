public import Foundation

/// An input that can check its own values after decoding.
public protocol ValidatedInput: Decodable {
    /// Throws an ``InputError`` naming the first offending field.
    func validate(limits: InputLimits) throws(InputError)
}

/// Bounds on inputs, from configuration.
public struct InputLimits: Sendable, Equatable {
    /// Largest accepted payload in bytes.
    public var maxPayloadBytes: Int
    /// Largest number of orders in one decision.
    public var maxOrdersPerDecision: Int
    /// Largest number of positions in one portfolio state.
    public var maxPositions: Int
    /// Longest accepted id (decision_id, portfolio_id), matching the 100-character columns.
    public var maxIDLength: Int
    /// Largest quantity (order or position, in magnitude) and price. The default, 1e15, keeps sums
    /// of whole quantities exact in a Double (every integer up to 2^53 ≈ 9e15 is) and every value
    /// finite; without a bound, 1e300 units plus a buy of 10 round back to 1e300 and the increase
    /// is not seen.
    public var maxQuantity: Double
    /// Largest NAV and cash balance (in magnitude).
    public var maxAmount: Double
    /// Smallest positive quantity, price or NAV: a NAV of 1e-320 would make every weight infinite.
    public var minPositive: Double

    /// Creates limits; the defaults suit decisions of up to a thousand orders.
    public init(maxPayloadBytes: Int = 256 * 1024, maxOrdersPerDecision: Int = 1000,
                maxPositions: Int = 10_000, maxIDLength: Int = 100,
                maxQuantity: Double = 1e15, maxAmount: Double = 1e18, minPositive: Double = 1e-12) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxOrdersPerDecision = maxOrdersPerDecision
        self.maxPositions = maxPositions
        self.maxIDLength = maxIDLength
        self.maxQuantity = maxQuantity
        self.maxAmount = maxAmount
        self.minPositive = minPositive
    }
}

/// Decodes inputs given as bare JSON or as CloudEvents 1.0 structured JSON, turning every failure
/// into an ``InputError`` that names the field.
public struct InputDecoder: Sendable {
    private let decoder: JSONDecoder
    /// The limits applied to every input.
    public let limits: InputLimits

    /// Creates a decoder.
    public init(limits: InputLimits = InputLimits()) {
        self.limits = limits
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "expected \(RFC3339.expectation), got '\(text.prefix(40))'")
            }
            return date
        }
        self.decoder = decoder
    }

    /// Decodes and validates one input.
    public func decode<T: ValidatedInput>(_ type: T.Type, from payload: Data) throws(InputError) -> T {
        try decode(type, from: payload, fastPath: true)
    }

    /// Decodes with the fast reader first when `fastPath` (the reference, Foundation alone, otherwise).
    func decode<T: ValidatedInput>(_ type: T.Type, from payload: Data, fastPath: Bool) throws(InputError) -> T {
        guard payload.count <= limits.maxPayloadBytes else {
            throw InputError(.tooLarge, "payload is \(payload.count) bytes; the limit is \(limits.maxPayloadBytes)")
        }
        let value: T
        do {
            if fastPath, let fast = fastDecode(T.self, from: payload) {
                value = fast
            } else if NULCharacter.isEscaped(in: payload) {
                // The fast reader bails on every escape, so only this path can meet one.
                throw NULCharacter.inputError(for: payload)
            } else if let problem = JSONStructureCheck.firstProblem(in: payload) {
                // A duplicate key, a number beyond a Double or a string breaking RFC 8259, which
                // Foundation would keep silently or call "not valid JSON" (the fast reader bails on
                // all of them, so they are judged here).
                throw problem
            } else if Self.mayBeCloudEvent(payload) {
                value = try decodeEnvelope(type, from: payload)
            } else {
                value = try decoder.decode(T.self, from: payload)
            }
        } catch let error as InputError {
            throw error
        } catch let error as DecodingError {
            throw Self.inputError(from: error)
        } catch {
            throw InputError(.malformedJSON, "not valid JSON")
        }
        try value.validate(limits: limits)
        return value
    }

    private func decodeEnvelope<T: Decodable>(_ type: T.Type, from payload: Data) throws -> T {
        let envelope: CloudEventEnvelope<T>
        do {
            envelope = try decoder.decode(CloudEventEnvelope<T>.self, from: payload)
        } catch DecodingError.keyNotFound(let key, let context) where key.stringValue == "specversion" && context.codingPath.isEmpty {
            // "specversion" appeared only inside a value: this is a bare payload.
            return try decoder.decode(T.self, from: payload)
        }
        guard let data = envelope.data else {
            throw InputError(.missingField, field: "data", "a CloudEvent must carry its payload in `data` as JSON")
        }
        return data
    }

    // A cheap byte scan decides whether to try the envelope first, so bare JSON is decoded once.
    private static let marker = Array("\"specversion\"".utf8)

    static func mayBeCloudEvent(_ payload: Data) -> Bool {
        payload.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= marker.count else { return false }
            var i = 0
            while i <= bytes.count - marker.count {
                if bytes[i] == 34, bytes[i + 1] == 115 {
                    var j = 2
                    while j < marker.count, bytes[i + j] == marker[j] { j += 1 }
                    if j == marker.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    /// A decoding failure as an input error naming the field (`decision.orders[0].quantity`).
    public static func inputError(from error: DecodingError) -> InputError {
        switch error {
        case .keyNotFound(let key, let context):
            return InputError(.missingField, field: path(context.codingPath + [key]), "is required")
        case .typeMismatch(let type, let context):
            return InputError(.wrongType, field: path(context.codingPath), "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return InputError(.wrongType, field: path(context.codingPath), "expected \(typeName(type)), got null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return InputError(.malformedJSON, "not valid JSON")
            }
            return InputError(.invalidValue, field: path(context.codingPath), context.debugDescription)
        @unknown default:
            return InputError(.malformedJSON, "could not be decoded")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// The parts of a CloudEvents 1.0 structured-mode envelope that Vigil reads. The version and
/// content type are checked before `data` is decoded, so their errors win over the payload's.
struct CloudEventEnvelope<T: Decodable>: Decodable {
    var data: T?

    enum CodingKeys: String, CodingKey { case specversion, datacontenttype, data }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decode(String.self, forKey: .specversion)
        guard version == "1.0" else {
            throw InputError(.unsupportedEnvelope, field: "specversion", "only CloudEvents 1.0 is supported, got '\(version.prefix(20))'")
        }
        if let contentType = try container.decodeIfPresent(String.self, forKey: .datacontenttype),
           !contentType.lowercased().contains("json") {
            throw InputError(.unsupportedEnvelope, field: "datacontenttype", "expected a JSON content type, got '\(contentType.prefix(60))'")
        }
        data = try container.decodeIfPresent(T.self, forKey: .data)
    }
}
