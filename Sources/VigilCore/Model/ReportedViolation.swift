public import Foundation

/// A violation reported by another system on `vigil.report.violations` (seed 000's shape). It
/// enters the same windows, breakers and incidents as Vigil's own detections.
public struct ReportedViolation: Sendable, Codable, Equatable {
    /// Kind, e.g. `PARADIGM_VIOLATION`.
    public var type: String
    /// Finer kind, e.g. `BID_ASK_MISUSE`.
    public var subtype: String?
    /// `CRITICAL`/`HIGH`/`MEDIUM`/`LOW` (or `P0`…`P3`).
    public var severity: String
    /// What happened.
    public var description: String
    /// When it happened (RFC 3339 with a zone).
    public var timestamp: Date
    /// Currency pair concerned, when one.
    public var pair: String?
    /// Entity concerned, when one.
    public var entity: String?
    /// Source file concerned, when one.
    public var file: String?
    /// Free-form details; the strings `service`, `feature`, `portfolio_id` and `strategy` name scopes.
    public var details: [String: JSONValue]?

    /// Creates a report.
    public init(type: String, subtype: String? = nil, severity: String, description: String, timestamp: Date, pair: String? = nil,
                entity: String? = nil, file: String? = nil, details: [String: JSONValue]? = nil) {
        self.type = type
        self.subtype = subtype
        self.severity = severity
        self.description = description
        self.timestamp = timestamp
        self.pair = pair
        self.entity = entity
        self.file = file
        self.details = details
    }

    /// The detected violation it becomes. The id derives from every reported field, so the same
    /// report (redelivered or re-sent) counts once.
    public func detected(at detectedAt: Date) -> DetectedViolation {
        let millis = String(WindowArithmetic.milliseconds(timestamp))
        let id = DeterministicID.uuid("reported", type, subtype ?? "", severity.uppercased(), description, millis, pair ?? "",
                                      entity ?? "", file ?? "", detailsKey).uuidString.lowercased()
        var details = self.details ?? [:]
        if let pair { details["pair"] = .string(pair) }
        if let file { details["file"] = .string(file) }
        if let subtype { details["subtype"] = .string(subtype) }
        return DetectedViolation(id: id, domain: .reported, violationType: type, severity: Severity(text: severity) ?? .low,
                                 description: description, serviceName: text("service"), featureName: text("feature"),
                                 entityID: entity ?? pair, portfolioID: text("portfolio_id"), strategy: text("strategy"),
                                 occurredAt: timestamp, detectedAt: detectedAt, details: details)
    }

    private func text(_ key: String) -> String? {
        if case .string(let value)? = details?[key], !value.isEmpty { return value }
        return nil
    }

    private var detailsKey: String {
        (details ?? [:]).keys.sorted().map { key in "\(key)=\(text(key) ?? "")" }.joined(separator: "&")
    }
}

extension ReportedViolation: ValidatedInput {
    /// Checks the severity and that the text fields fit their columns.
    public func validate(limits: InputLimits) throws(InputError) {
        try checkID(type, field: "type", limits: limits)
        guard Severity(text: severity) != nil else {
            throw InputError(.invalidValue, field: "severity", "must be CRITICAL, HIGH, MEDIUM or LOW (or P0…P3), got '\(severity.prefix(20))'")
        }
        for key in ["service", "feature", "portfolio_id", "strategy"] {
            if let value = text(key) { try checkID(value, field: "details.\(key)", limits: limits) }
        }
        if let subtype { try checkID(subtype, field: "subtype", limits: limits) }
    }
}
