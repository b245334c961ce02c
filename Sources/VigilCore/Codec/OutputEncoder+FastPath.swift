import Foundation

// Hand-written encodings of the events published for every decision, of the violation events of the
// detectors (PIT, SLA, reported) and of violation details. They carry the same keys and values as
// the Codable encodings (a test parses both); anything else goes through JSONEncoder.
extension OutputEncoder {
    /// The JSON if `value` is one of the hot-path types with finite numbers, else nil.
    func fastEncode(_ value: some Encodable) -> Data? {
        if let event = value as? CloudEvent<PolicyValidationData> {
            return Self.write(event) { writer, data in
                writer.beginObject()
                writer.key("decision_id"); writer.string(data.decisionID)
                writer.key("portfolio_id"); writer.string(data.portfolioID)
                writer.key("is_compliant"); writer.bool(data.isCompliant)
                writer.key("compliance_score")
                guard writer.number(data.complianceScore) else { return false }
                writer.key("violations"); writer.strings(data.violations)
                writer.key("policies_checked"); writer.strings(data.policiesChecked)
                writer.endObject()
                return true
            }
        }
        if let event = value as? CloudEvent<PolicyViolationEventData> {
            return Self.write(event) { writer, data in
                writer.beginObject()
                writer.key("decision_id"); writer.string(data.decisionID)
                writer.key("portfolio_id"); writer.string(data.portfolioID)
                writer.key("violation")
                let violation = data.violation
                writer.beginObject()
                writer.key("policy_name"); writer.string(violation.policyName)
                writer.key("violation_type"); writer.string(violation.violationType)
                writer.key("severity"); writer.string(violation.severity.rawValue)
                writer.key("description"); writer.string(violation.description)
                if let adjustment = violation.suggestedAdjustment {
                    writer.key("suggested_adjustment")
                    guard writeJSON(adjustment, into: &writer) else { return false }
                }
                writer.key("advisory"); writer.bool(violation.advisory)
                writer.endObject()
                writer.endObject()
                return true
            }
        }
        if let event = value as? CloudEvent<DetectedViolation> {
            return Self.write(event) { writer, violation in Self.write(violation, into: &writer) }
        }
        // The `details` column of pit_violations and enforcement_actions rows.
        if let details = value as? [String: JSONValue] {
            var writer = JSONByteWriter(capacity: 256)
            guard writeJSON(.object(details), into: &writer) else { return nil }
            return Data(writer.bytes)
        }
        return nil
    }

    /// A PIT, SLA or reported violation, in ``DetectedViolation``'s Codable shape: absent optionals
    /// are left out, dates are RFC 3339 UTC text.
    private static func write(_ violation: DetectedViolation, into writer: inout JSONByteWriter) -> Bool {
        writer.beginObject()
        writer.key("id"); writer.string(violation.id)
        writer.key("domain"); writer.string(violation.domain.rawValue)
        writer.key("violation_type"); writer.string(violation.violationType)
        writer.key("severity"); writer.string(violation.severity.rawValue)
        writer.key("description"); writer.string(violation.description)
        if let service = violation.serviceName { writer.key("service_name"); writer.string(service) }
        if let feature = violation.featureName { writer.key("feature_name"); writer.string(feature) }
        if let entity = violation.entityID { writer.key("entity_id"); writer.string(entity) }
        if let portfolio = violation.portfolioID { writer.key("portfolio_id"); writer.string(portfolio) }
        if let strategy = violation.strategy { writer.key("strategy"); writer.string(strategy) }
        if let occurred = violation.occurredAt { writer.key("occurred_at"); writer.string(RFC3339.format(occurred)) }
        writer.key("detected_at"); writer.string(RFC3339.format(violation.detectedAt))
        writer.key("details")
        guard writeJSON(.object(violation.details), into: &writer) else { return false }
        writer.endObject()
        return true
    }

    private static func write<P>(_ event: CloudEvent<P>, data: (inout JSONByteWriter, P) -> Bool) -> Data? {
        var writer = JSONByteWriter()
        writer.beginObject()
        writer.key("specversion"); writer.string(event.specversion)
        writer.key("id"); writer.string(event.id)
        writer.key("source"); writer.string(event.source)
        writer.key("type"); writer.string(event.type)
        if let subject = event.subject { writer.key("subject"); writer.string(subject) }
        writer.key("time"); writer.string(RFC3339.format(event.time))
        writer.key("datacontenttype"); writer.string(event.datacontenttype)
        writer.key("data")
        guard data(&writer, event.data) else { return nil }
        writer.endObject()
        return Data(writer.bytes)
    }
}

private func writeJSON(_ value: JSONValue, into writer: inout JSONByteWriter) -> Bool {
    switch value {
    case .null: writer.null()
    case .bool(let flag): writer.bool(flag)
    case .number(let number): return writer.number(number)
    case .string(let text): writer.string(text)
    case .array(let items):
        writer.beginArray()
        for item in items { guard writeJSON(item, into: &writer) else { return false } }
        writer.endArray()
    case .object(let members):
        writer.beginObject()
        for (name, member) in members {
            writer.key(name)
            guard writeJSON(member, into: &writer) else { return false }
        }
        writer.endObject()
    }
    return true
}
