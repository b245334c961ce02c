import Foundation

/// Behaviour every implementation of the PIT stores must show, run against the in-memory stores in
/// unit tests and against Redis in integration tests. Each scenario returns the problems found
/// (empty when the stores conform). Names are made unique by `prefix`, so scenarios can share a
/// Redis database.
public enum PITStoreConformance {
    /// Runs every scenario.
    public static func run(_ stores: PITProcessor.Stores, prefix: String) throws -> [String] {
        try history(stores.history, prefix: prefix) + quality(stores.quality, prefix: prefix)
            + throttle(stores.warnings, prefix: prefix)
    }

    static func entry(_ feature: String, value: String, version: Int = 1, revision: Bool = false, event: Int64 = 1000) -> HistoryEntry {
        let write = FeatureWrite(featureName: feature, entityID: "AAPL", value: .string(value),
                                 eventTimestamp: PITTimestamp(Date(timeIntervalSince1970: Double(event) / 1000)),
                                 asOfTimestamp: PITTimestamp(Date(timeIntervalSince1970: 2)), version: version,
                                 isRevision: revision, serviceName: "svc")
        return HistoryEntry(write)
    }

    /// New, same value, revision with a higher version and redelivery are accepted; same version
    /// with another value and a higher version not marked as revision conflict; answers repeat.
    public static func history(_ store: any FeatureHistoryStore, prefix: String) throws -> [String] {
        let f = "\(prefix)h"
        let entries = [
            entry(f, value: "a"), entry(f, value: "a"), entry(f, value: "b"), entry(f, value: "c", version: 2),
            entry(f, value: "d", version: 2, revision: true), entry(f, value: "e", version: 2, revision: true),
            entry(f, value: "a", event: 2000),
        ]
        let expected: [HistoryAnswer] = [.accepted, .accepted, .conflict(recordedVersion: 1), .conflict(recordedVersion: 1),
                                          .accepted, .conflict(recordedVersion: 2), .accepted]
        var problems: [String] = []
        let answers = try store.record(entries)
        if answers != expected { problems.append("history: got \(answers), expected \(expected)") }
        // Redelivery: the conflicting write keeps its conflict although the value changed since.
        let again = try store.record([entries[2], entries[4]])
        if again != [.conflict(recordedVersion: 1), .accepted] { problems.append("history redelivery: got \(again)") }
        return problems
    }

    /// Below the minimum nothing fires; the sample crossing the threshold fires once; it re-arms
    /// after the rate falls back; late samples are ignored; a redelivered sample repeats its answer.
    public static func quality(_ store: any QualityWindowStore, prefix: String) throws -> [String] {
        let f = "\(prefix)q"
        let rule = QualityRule(windowSeconds: 10, minimumSamples: 4, threshold: 0.5)
        func s(_ id: String, _ ms: Int64, _ missing: Bool) -> QualitySample {
            QualitySample(writeID: "\(prefix)\(id)", feature: f, atMilliseconds: ms, missing: missing)
        }
        var problems: [String] = []
        let first = try store.observe([s("1", 1000, true), s("2", 2000, true), s("3", 3000, true),
                                       s("4", 4000, false), s("5", 5000, true)], rule: rule)
        let expected: [QualityCrossing?] = [nil, nil, nil, QualityCrossing(missing: 3, total: 4), nil]
        if first != expected { problems.append("quality: got \(first), expected \(expected)") }
        if try store.observe([s("4", 4000, false)], rule: rule) != [QualityCrossing(missing: 3, total: 4)] {
            problems.append("quality: a redelivered sample did not repeat its crossing")
        }
        // Six good samples from 12 000 drop samples 1 and 2 and the rate to at most one half: recovered.
        let good = (0..<6).map { s("g\($0)", 12_000 + Int64($0) * 100, false) }
        if try store.observe(good, rule: rule).contains(where: { $0 != nil }) { problems.append("quality: good samples fired") }
        if try store.observe([s("late", 2500, true)], rule: rule) != [nil] { problems.append("quality: a late sample fired") }
        let bad = (0..<8).map { s("b\($0)", 13_000 + Int64($0) * 100, true) }
        let refire = try store.observe(bad, rule: rule)
        if refire.compactMap({ $0 }).count != 1 { problems.append("quality: re-crossing fired \(refire.compactMap { $0 }.count) times, expected 1") }
        return problems
    }

    /// One claim per feature per interval; the claiming write may claim again; after the interval
    /// another write claims.
    public static func throttle(_ throttle: any ContractWarningThrottle, prefix: String) throws -> [String] {
        let f = "\(prefix)w"
        let t0 = Date(timeIntervalSince1970: 1_750_500_000)
        var problems: [String] = []
        let first = try throttle.claim([(f, "w1"), (f, "w2"), ("\(f)2", "w3")], at: t0, interval: 3600)
        if first != [true, false, true] { problems.append("throttle: got \(first)") }
        if try throttle.claim([(f, "w1")], at: t0.addingTimeInterval(10), interval: 3600) != [true] {
            problems.append("throttle: the claiming write lost its claim on redelivery")
        }
        if try throttle.claim([(f, "w4")], at: t0.addingTimeInterval(3599.999), interval: 3600) != [false] {
            problems.append("throttle: claimed before the interval ended")
        }
        if try throttle.claim([(f, "w5")], at: t0.addingTimeInterval(3600), interval: 3600) != [true] {
            problems.append("throttle: no claim after the interval")
        }
        return problems
    }
}
