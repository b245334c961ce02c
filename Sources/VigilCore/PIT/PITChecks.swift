import Foundation

/// The stateless PIT checks: pure functions of one write, its arrival and its contract.
public enum PITChecks {
    /// FUTURE_LEAKAGE: event time or any source time after the knowledge time, or a knowledge time
    /// after the arrival (knowledge claimed from the future).
    public static func futureLeakage(_ write: FeatureWrite, arrival: PITTimestamp) -> PITFinding? {
        let asOf = write.asOfTimestamp
        var reasons: [String] = []
        var late: [JSONValue] = []
        if write.eventTimestamp.date > asOf.date {
            reasons.append("event_timestamp \(write.eventTimestamp.raw) is after as_of_timestamp \(asOf.raw)")
        }
        for (index, source) in (write.sourceTimestamps ?? []).enumerated() where source.date > asOf.date {
            reasons.append("source_timestamps[\(index)] \(source.raw) is after as_of_timestamp \(asOf.raw)")
            late.append(.number(Double(index)))
        }
        if asOf.date > arrival.date {
            reasons.append("as_of_timestamp \(asOf.raw) is after the arrival \(arrival.raw)")
        }
        guard !reasons.isEmpty else { return nil }
        return PITFinding(.futureLeakage, reasons.joined(separator: "; "), details: [
            "event_timestamp": .string(write.eventTimestamp.raw), "as_of_timestamp": .string(asOf.raw),
            "arrival_timestamp": .string(arrival.raw), "late_sources": .array(late),
        ])
    }

    /// CONTRACT_VIOLATION: the value's type, range or nullability breaks the contract. Null and NaN
    /// are "missing": allowed only when the contract is nullable.
    public static func contractViolation(_ write: FeatureWrite, contract: FeatureContract) -> PITFinding? {
        let feature = write.featureName
        func finding(_ text: String, _ rule: String) -> PITFinding {
            PITFinding(.contractViolation, "feature \(feature) entity \(write.entityID): \(text)",
                       details: ["rule": .string(rule), "value": write.value, "value_type": .string(contract.valueType.rawValue)])
        }
        if write.isMissingValue && (contract.valueType == .number || write.value == .null) {
            return contract.nullable ? nil : finding("value is missing (null/NaN) but the contract is not nullable", "nullable")
        }
        switch (contract.valueType, write.value) {
        case (.any, _), (.string, .string), (.bool, .bool):
            return nil
        case (.number, .number(let number)):
            if let minimum = contract.minimum, number < minimum {
                return finding("value \(Format.number(number)) is below the minimum \(Format.number(minimum))", "minimum")
            }
            if let maximum = contract.maximum, number > maximum {
                return finding("value \(Format.number(number)) is above the maximum \(Format.number(maximum))", "maximum")
            }
            return nil
        default:
            return finding("value is not of type \(contract.valueType.rawValue)", "value_type")
        }
    }

    /// TIMESTAMP_DRIFT: a timestamp with a non-UTC offset or no zone, or an event time that is not a
    /// whole multiple of the contract's granularity.
    public static func timestampDrift(_ write: FeatureWrite, contract: FeatureContract?) -> PITFinding? {
        var named: [(String, PITTimestamp)] = [("event_timestamp", write.eventTimestamp), ("as_of_timestamp", write.asOfTimestamp)]
        for (index, source) in (write.sourceTimestamps ?? []).enumerated() { named.append(("source_timestamps[\(index)]", source)) }
        if let arrival = write.arrivalTimestamp { named.append(("arrival_timestamp", arrival)) }
        var reasons: [String] = []
        for (field, stamp) in named {
            switch stamp.zone {
            case .utc: break
            case .none: reasons.append("\(field) \(stamp.raw) has no zone")
            case .offset: reasons.append("\(field) \(stamp.raw) is not in UTC")
            }
        }
        var details: [String: JSONValue] = [:]
        if let granularity = contract?.timestampGranularitySeconds {
            let step = Int64((granularity * 1000).rounded())
            let remainder = write.eventTimestamp.milliseconds % step
            if step > 0, remainder != 0 {
                reasons.append("event_timestamp \(write.eventTimestamp.raw) is off the \(Format.number(granularity)) s granularity by \(Format.number(Double((remainder + step) % step) / 1000)) s")
                details["granularity_seconds"] = .number(granularity)
            }
        }
        guard !reasons.isEmpty else { return nil }
        details["reasons"] = .array(reasons.map(JSONValue.string))
        return PITFinding(.timestampDrift, reasons.joined(separator: "; "), details: details)
    }

    /// ARRIVAL_DELAY: arrival − event time above the contract's expected latency (exactly equal is on
    /// time), compared in whole milliseconds.
    public static func arrivalDelay(_ write: FeatureWrite, arrival: PITTimestamp, contract: FeatureContract) -> PITFinding? {
        guard let latency = contract.expectedLatencySeconds else { return nil }
        let delay = arrival.milliseconds - write.eventTimestamp.milliseconds
        let allowed = Int64((latency * 1000).rounded())
        guard delay > allowed else { return nil }
        return PITFinding(.arrivalDelay,
                          "arrived \(Format.number(Double(delay) / 1000)) s after event_timestamp \(write.eventTimestamp.raw) (arrival \(arrival.raw)); expected latency is \(Format.number(latency)) s",
                          details: ["delay_seconds": .number(Double(delay) / 1000), "expected_latency_seconds": .number(latency),
                                    "event_timestamp": .string(write.eventTimestamp.raw), "arrival_timestamp": .string(arrival.raw)])
    }
}
