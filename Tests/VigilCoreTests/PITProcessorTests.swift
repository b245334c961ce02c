import Foundation
import Testing
@testable import VigilCore

@Suite("PIT processor")
struct PITProcessorTests {
    let clock = ManualClock(Date(timeIntervalSince1970: 1_750_500_000))
    let contracts = FeatureContractRegistry([FeatureContract(featureName: "momentum_5m", valueType: .number, minimum: -1, maximum: 1,
                                                              expectedLatencySeconds: 30, timestampGranularitySeconds: 1)])

    func processor(_ stores: PITProcessor.Stores = .inMemory(), quality: QualityRule = QualityRule()) -> PITProcessor {
        var configuration = PITProcessor.Configuration()
        configuration.quality = quality
        return PITProcessor(contracts: contracts, stores: stores, clock: clock, configuration: configuration)
    }

    func message(_ fields: [String: Any], sequence: UInt64 = 1) throws -> InboundMessage {
        var body: [String: Any] = [
            "feature_name": "momentum_5m", "entity_id": "AAPL", "value": 0.5, "event_timestamp": "2025-06-21T10:00:00Z",
            "as_of_timestamp": "2025-06-21T10:00:05Z", "arrival_timestamp": "2025-06-21T10:00:10Z", "version": 1,
            "is_revision": false, "service_name": "feature-svc",
        ]
        for (key, value) in fields { body[key] = value }
        return InboundMessage(subject: "features.writes.momentum_5m", payload: try JSONSerialization.data(withJSONObject: body),
                              streamSequence: sequence)
    }

    func types(_ outcome: PITOutcome) -> [String] {
        if case .checked(let result) = outcome { return result.violations.map(\.violationType) }
        return ["DLQ"]
    }

    @Test func cleanWriteHasNoViolations() throws {
        let outcomes = try processor().process([try message([:])])
        #expect(outcomes.map(types) == [[]])
    }

    @Test func violationsCarryTheWriteAndDeterministicIDs() throws {
        let input = try message(["event_timestamp": "2025-06-21T10:00:06Z", "value": 2])
        let first = try processor().process([input])
        let second = try processor().process([input])
        guard case .checked(let a) = first[0], case .checked(let b) = second[0] else { Issue.record("not checked"); return }
        #expect(a.violations.map(\.violationType) == ["FUTURE_LEAKAGE", "CONTRACT_VIOLATION"])
        #expect(a.violations.map(\.id) == b.violations.map(\.id))
        let leak = a.violations[0]
        #expect(leak.severity == .critical && leak.domain == .pit)
        #expect(leak.serviceName == "feature-svc" && leak.featureName == "momentum_5m" && leak.entityID == "AAPL")
        #expect(leak.occurredAt == stamp("2025-06-21T10:00:10Z").date)
        #expect(leak.detectedAt == clock.now())
        #expect(a.events.map(\.subject) == ["vigil.events.violation.pit.critical", "vigil.events.violation.pit.high"])
        #expect(a.events[0].id == leak.id)
    }

    @Test func noZoneIsDriftButGarbageIsDeadLettered() throws {
        let outcomes = try processor().process([
            try message(["as_of_timestamp": "2025-06-21T10:00:05"]),
            try message(["as_of_timestamp": "soon"], sequence: 2),
            try message(["version": "one"], sequence: 3),
        ])
        #expect(types(outcomes[0]) == ["TIMESTAMP_DRIFT"])
        guard case .deadLettered(let event, let error) = outcomes[1], case .deadLettered(_, let wrongType) = outcomes[2] else {
            Issue.record("expected DLQ outcomes"); return
        }
        #expect(error.field == "as_of_timestamp")
        #expect(wrongType.field == "version")
        #expect(event.subject == "vigil.dlq.features.writes.momentum_5m")
    }

    @Test func nullValueIsAcceptedButMissingValueIsNot() throws {
        var body: [String: Any] = ["value": NSNull()]
        let outcomes = try processor().process([try message(body)])
        #expect(types(outcomes[0]) == ["CONTRACT_VIOLATION"])
        body = [:]
        var missing = try message(body)
        var json = try JSONSerialization.jsonObject(with: missing.payload) as? [String: Any] ?? [:]
        json["value"] = nil
        missing.payload = try JSONSerialization.data(withJSONObject: json)
        guard case .deadLettered(_, let error) = try processor().process([missing])[0] else { Issue.record("not DLQ"); return }
        #expect(error.code == .missingField && error.field == "value")
    }

    @Test func arrivalDefaultsToReceiveTime() throws {
        var input = try message([:])
        var json = try JSONSerialization.jsonObject(with: input.payload) as? [String: Any] ?? [:]
        json["arrival_timestamp"] = nil
        input.payload = try JSONSerialization.data(withJSONObject: json)
        // Received a minute after the event: delayed (30 s expected), not leaked.
        clock.set(stamp("2025-06-21T10:01:00Z").date)
        #expect(try processor().process([input]).map(types) == [["ARRIVAL_DELAY"]])
    }

    @Test func revisionsNeedAHigherVersion() throws {
        let pit = processor()
        let outcomes = try pit.process([
            try message([:], sequence: 1),
            try message(["value": 0.6], sequence: 2),
            try message(["value": 0.7, "version": 2, "is_revision": true], sequence: 3),
            try message(["value": 0.8, "version": 2, "is_revision": true], sequence: 4),
        ])
        #expect(outcomes.map(types) == [[], ["HISTORICAL_REVISION"], [], ["HISTORICAL_REVISION"]])
        // Redelivery gets the same answers, though the recorded value has moved on.
        #expect(try pit.process([try message(["value": 0.6], sequence: 2)]).map(types) == [["HISTORICAL_REVISION"]])
        #expect(try pit.process([try message([:], sequence: 1)]).map(types) == [[]])
    }

    @Test func qualityFiresOncePerCrossing() throws {
        let pit = processor(quality: QualityRule(windowSeconds: 60, minimumSamples: 4, threshold: 0.25))
        let inputs = try (0..<8).map { i in
            try message(["entity_id": "E\(i)", "value": i % 2 == 0 ? NSNull() : 0.1 as Any,
                         "arrival_timestamp": "2025-06-21T10:00:1\(i)Z"], sequence: UInt64(i))
        }
        let fired = try pit.process(inputs).map { types($0).filter { $0 == "QUALITY_DEGRADATION" }.count }
        #expect(fired == [0, 0, 0, 1, 0, 0, 0, 0])
    }

    @Test func configWarningOncePerFeaturePerHour() throws {
        let pit = processor()
        func write(_ i: Int) throws -> InboundMessage {
            try message(["feature_name": "uncontracted", "entity_id": "E\(i)"], sequence: UInt64(i))
        }
        #expect(try pit.process([try write(1), try write(2)]).map(types) == [["CONFIG_WARNING"], []])
        clock.advance(by: 3599)
        #expect(try pit.process([try write(3)]).map(types) == [[]])
        #expect(try pit.process([try write(1)]).map(types) == [["CONFIG_WARNING"]], "redelivery keeps its warning")
        clock.advance(by: 1)
        #expect(try pit.process([try write(4)]).map(types) == [["CONFIG_WARNING"]])
    }

    @Test func cloudEventEnvelopeIsAccepted() throws {
        let inner = try JSONSerialization.jsonObject(with: try message([:]).payload)
        let envelope: [String: Any] = ["specversion": "1.0", "id": "x", "source": "/t", "type": "t", "data": inner]
        let input = InboundMessage(subject: "features.writes.m", payload: try JSONSerialization.data(withJSONObject: envelope))
        #expect(try processor().process([input]).map(types) == [[]])
    }

    @Test("stores conform", arguments: ["a", "b"])
    func inMemoryStoresConform(_ prefix: String) throws {
        let problems = try PITStoreConformance.run(.inMemory(), prefix: prefix)
        #expect(problems.isEmpty, "\(problems)")
    }
}
