import Foundation
import Testing
@testable import VigilCore

/// A write at 10:00:00Z known at 10:00:05Z, arriving at 10:00:10Z, unless changed.
func pitWrite(_ change: (inout FeatureWrite) -> Void = { _ in }) -> FeatureWrite {
    var write = FeatureWrite(featureName: "momentum_5m", entityID: "AAPL", value: .number(0.5),
                             eventTimestamp: stamp("2025-06-21T10:00:00Z"), asOfTimestamp: stamp("2025-06-21T10:00:05Z"),
                             arrivalTimestamp: stamp("2025-06-21T10:00:10Z"), serviceName: "feature-svc")
    change(&write)
    return write
}

func stamp(_ text: String) -> PITTimestamp {
    guard let value = PITTimestamp(text: text) else { Issue.record("bad test timestamp \(text)"); return PITTimestamp(Date()) }
    return value
}

@Suite("PIT timestamps")
struct PITTimestampTests {
    @Test func zonesAreRecorded() {
        #expect(stamp("2025-06-21T10:00:00Z").zone == .utc)
        #expect(stamp("2025-06-21T10:00:00+00:00").zone == .utc)
        #expect(stamp("2025-06-21T12:00:00+02:00").zone == .offset(7200))
        #expect(stamp("2025-06-21T05:30:00-04:30").zone == .offset(-16200))
        #expect(stamp("2025-06-21T12:00:00+02:00").date == stamp("2025-06-21T10:00:00Z").date)
    }

    @Test func noZoneIsReadAsUTCAndFlagged() {
        let value = stamp("2025-06-21T10:00:00.250")
        #expect(value.zone == .none)
        #expect(value.milliseconds == stamp("2025-06-21T10:00:00.250Z").milliseconds)
    }

    @Test func garbageIsNoTimestamp() {
        #expect(PITTimestamp(text: "yesterday") == nil)
        #expect(PITTimestamp(text: "2025-13-01T00:00:00Z") == nil)
    }
}

@Suite("PIT checks")
struct PITChecksTests {
    @Test func futureLeakageByEventTime() {
        #expect(PITChecks.futureLeakage(pitWrite(), arrival: stamp("2025-06-21T10:00:10Z")) == nil)
        let equal = pitWrite { $0.eventTimestamp = stamp("2025-06-21T10:00:05Z") }
        #expect(PITChecks.futureLeakage(equal, arrival: stamp("2025-06-21T10:00:10Z")) == nil)
        let late = pitWrite { $0.eventTimestamp = stamp("2025-06-21T10:00:05.001Z") }
        let finding = PITChecks.futureLeakage(late, arrival: stamp("2025-06-21T10:00:10Z"))
        #expect(finding?.type == .futureLeakage)
        #expect(finding?.description.contains("2025-06-21T10:00:05.001Z") == true)
    }

    @Test func futureLeakageBySourceAndByArrival() {
        let source = pitWrite { $0.sourceTimestamps = [stamp("2025-06-21T09:59:00Z"), stamp("2025-06-21T10:00:06Z")] }
        #expect(PITChecks.futureLeakage(source, arrival: stamp("2025-06-21T10:00:10Z"))?.description.contains("source_timestamps[1]") == true)
        let knowsFuture = PITChecks.futureLeakage(pitWrite(), arrival: stamp("2025-06-21T10:00:04.999Z"))
        #expect(knowsFuture?.description.contains("after the arrival") == true)
        #expect(PITViolationType.futureLeakage.severity == .critical)
    }

    @Test func arrivalDelayBoundary() {
        let contract = FeatureContract(featureName: "momentum_5m", expectedLatencySeconds: 10)
        #expect(PITChecks.arrivalDelay(pitWrite(), arrival: stamp("2025-06-21T10:00:10Z"), contract: contract) == nil)
        let late = PITChecks.arrivalDelay(pitWrite(), arrival: stamp("2025-06-21T10:00:10.001Z"), contract: contract)
        #expect(late?.type == .arrivalDelay)
        #expect(late?.details["delay_seconds"] == .number(10.001))
        #expect(PITChecks.arrivalDelay(pitWrite(), arrival: stamp("2025-06-21T11:00:00Z"), contract: FeatureContract(featureName: "x")) == nil)
    }

    @Test func contractTypeRangeAndNullability() {
        let numeric = FeatureContract(featureName: "m", valueType: .number, minimum: -1, maximum: 1)
        #expect(PITChecks.contractViolation(pitWrite(), contract: numeric) == nil)
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .number(1) }, contract: numeric) == nil)
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .number(1.0001) }, contract: numeric)?.details["rule"] == .string("maximum"))
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .number(-2) }, contract: numeric)?.details["rule"] == .string("minimum"))
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .string("high") }, contract: numeric)?.details["rule"] == .string("value_type"))
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .null }, contract: numeric)?.details["rule"] == .string("nullable"))
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .string("NaN") }, contract: numeric)?.details["rule"] == .string("nullable"))
        var nullable = numeric
        nullable.nullable = true
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .null }, contract: nullable) == nil)
        let text = FeatureContract(featureName: "m", valueType: .string)
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .string("NaN") }, contract: text) == nil)
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .bool(true) }, contract: text) != nil)
        #expect(PITChecks.contractViolation(pitWrite { $0.value = .object([:]) }, contract: FeatureContract(featureName: "m")) == nil)
    }

    @Test func driftByZoneAndGranularity() {
        #expect(PITChecks.timestampDrift(pitWrite(), contract: nil) == nil)
        let noZone = PITChecks.timestampDrift(pitWrite { $0.asOfTimestamp = stamp("2025-06-21T10:00:05") }, contract: nil)
        #expect(noZone?.description == "as_of_timestamp 2025-06-21T10:00:05 has no zone")
        let offset = PITChecks.timestampDrift(pitWrite { $0.eventTimestamp = stamp("2025-06-21T12:00:00+02:00") }, contract: nil)
        #expect(offset?.description.contains("is not in UTC") == true)
        let minute = FeatureContract(featureName: "m", timestampGranularitySeconds: 60)
        #expect(PITChecks.timestampDrift(pitWrite(), contract: minute) == nil)
        let off = PITChecks.timestampDrift(pitWrite { $0.eventTimestamp = stamp("2025-06-21T10:00:00.001Z") }, contract: minute)
        #expect(off?.description.contains("off the 60 s granularity by 0.001 s") == true)
    }

    @Test func contractsValidateThemselves() {
        #expect(throws: InputError.self) { try FeatureContract(featureName: "m", valueType: .number, minimum: 2, maximum: 1).validate() }
        #expect(throws: InputError.self) { try FeatureContract(featureName: "m", valueType: .string, minimum: 1).validate() }
        #expect(throws: InputError.self) { try FeatureContract(featureName: "m", timestampGranularitySeconds: 0).validate() }
        #expect(throws: Never.self) { try FeatureContract(featureName: "m", valueType: .number, minimum: 0, maximum: 1).validate() }
    }
}
