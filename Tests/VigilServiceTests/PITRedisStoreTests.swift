import Dispatch
import Foundation
import Synchronization
import Testing
@testable import VigilCore
import VigilRedis
import VigilService

/// The PIT stores against the redis-server of `scripts/stack.sh up`; a missing setting fails.
@Suite("PIT stores in Redis", .serialized)
struct PITRedisStoreTests {
    static func client() throws -> RedisClient {
        try RedisClient(configuration: RedisConfiguration(url: try TestStack.value("VIGIL_REDIS_URL")), poolSize: 2)
    }

    static func stores(_ client: RedisClient, prefix: String) -> PITProcessor.Stores {
        PITProcessor.Stores(history: RedisFeatureHistoryStore(client: client, keyPrefix: prefix, retention: 3600),
                            quality: RedisQualityWindowStore(client: client, keyPrefix: prefix),
                            warnings: RedisContractWarningThrottle(client: client, keyPrefix: prefix))
    }

    @Test func conformance() throws {
        let client = try Self.client()
        defer { client.close() }
        let problems = try PITStoreConformance.run(Self.stores(client, prefix: "vigil-test:\(TestStack.uniqueToken()):"), prefix: "c")
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Routes each store's calls through the batch, so the conformance scenarios exercise the
    /// one-round-trip path too.
    struct ThroughBatch: FeatureHistoryStore, QualityWindowStore, ContractWarningThrottle {
        let batch: any PITStateBatch

        func record(_ entries: [HistoryEntry]) throws -> [HistoryAnswer] {
            try batch.answer(PITStateQuery(history: entries, samples: [], rule: QualityRule(), claims: [], now: Date(), interval: 1)).history
        }

        func observe(_ samples: [QualitySample], rule: QualityRule) throws -> [QualityCrossing?] {
            try batch.answer(PITStateQuery(history: [], samples: samples, rule: rule, claims: [], now: Date(), interval: 1)).quality
        }

        func claim(_ requests: [(feature: String, writeID: String)], at now: Date, interval: TimeInterval) throws -> [Bool] {
            try batch.answer(PITStateQuery(history: [], samples: [], rule: QualityRule(), claims: requests, now: now, interval: interval)).claims
        }
    }

    @Test("the stores asked in one round trip conform too, and answer a mixed batch as the stores asked in turn")
    func batchConformsAndMatchesTheStoresInTurn() throws {
        let client = try Self.client()
        defer { client.close() }
        let batched = PITProcessor.Stores.redis(client: client, keyPrefix: "vigil-test:\(TestStack.uniqueToken()):", historyRetention: 3600)
        let batch = try #require(batched.batch)
        let through = ThroughBatch(batch: batch)
        let problems = try PITStoreConformance.run(PITProcessor.Stores(history: through, quality: through, warnings: through), prefix: "b")
        #expect(problems.isEmpty, "\(problems)")

        // One query touching all three, twice (the second is a redelivery), against the same query
        // asked store by store under another prefix.
        let rule = QualityRule(windowSeconds: 60, minimumSamples: 2, threshold: 0.4)
        let query = PITStateQuery(
            history: [PITStoreConformance.entry("m", value: "a"), PITStoreConformance.entry("m", value: "b"),
                      PITStoreConformance.entry("m", value: "c", version: 2, revision: true)],
            samples: (0..<4).map { QualitySample(writeID: "s\($0)", feature: "m", atMilliseconds: 1000 + Int64($0), missing: $0 % 2 == 0) },
            rule: rule, claims: [("m", "w1"), ("m", "w2"), ("n", "w3")], now: Date(timeIntervalSince1970: 1_750_500_000), interval: 3600)
        let inTurn = Self.stores(client, prefix: "vigil-test:\(TestStack.uniqueToken()):")
        let expected = try inTurn.answer(query)
        #expect(expected.history == [.accepted, .conflict(recordedVersion: 1), .accepted])
        #expect(expected.claims == [true, false, true])
        #expect(expected.quality.compactMap { $0 }.count == 1)
        #expect(try batched.answer(query) == expected)
        #expect(try batched.answer(query) == expected)
    }

    /// Two instances offer 200 different values for one fact, and claim one feature's warning, at
    /// once: exactly one value is accepted and exactly one claim is granted.
    @Test func twoInstancesRacingAgreeOnOneWinner() throws {
        let prefix = "vigil-test:\(TestStack.uniqueToken()):"
        let clients = try (0..<2).map { _ in try Self.client() }
        defer { clients.forEach { $0.close() } }
        let accepted = Atomic<Int>(0), claimed = Atomic<Int>(0), crossings = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        let rule = QualityRule(windowSeconds: 60, minimumSamples: 10, threshold: 0.5)
        DispatchQueue.concurrentPerform(iterations: 2) { instance in
            let stores = Self.stores(clients[instance], prefix: prefix)
            do {
                for batch in 0..<10 {
                    let entries = (0..<10).map { i in
                        PITStoreConformance.entry("race", value: "v\(instance)-\(batch)-\(i)")
                    }
                    let answers = try stores.history.record(entries)
                    accepted.add(answers.filter { $0 == .accepted }.count, ordering: .relaxed)
                    let claims = try stores.warnings.claim((0..<10).map { ("race", "w\(instance)-\(batch)-\($0)") },
                                                           at: Date(timeIntervalSince1970: 1_750_500_000), interval: 3600)
                    claimed.add(claims.filter { $0 }.count, ordering: .relaxed)
                    let samples = (0..<10).map { i in
                        QualitySample(writeID: "q\(instance)-\(batch)-\(i)", feature: "race", atMilliseconds: 1_750_500_000_000 + Int64(batch),
                                      missing: true)
                    }
                    crossings.add(try stores.quality.observe(samples, rule: rule).compactMap { $0 }.count, ordering: .relaxed)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(accepted.load(ordering: .relaxed) == 1)
        #expect(claimed.load(ordering: .relaxed) == 1)
        #expect(crossings.load(ordering: .relaxed) == 1)
    }

    @Test func keysLiveUnderThePrefixAndExpire() throws {
        let client = try Self.client()
        defer { client.close() }
        let prefix = "vigil-test:\(TestStack.uniqueToken()):"
        let stores = Self.stores(client, prefix: prefix)
        _ = try stores.history.record([PITStoreConformance.entry("ttl", value: "a")])
        _ = try stores.quality.observe([QualitySample(writeID: "w", feature: "ttl", atMilliseconds: 1000, missing: true)],
                                       rule: QualityRule(windowSeconds: 30))
        let keys = try client.withConnection { try $0.command("KEYS", RedisArgument(prefix + "*")) }.array?.compactMap(\.string) ?? []
        #expect(keys.count == 4, "\(keys)")
        for key in keys {
            let ttl = try client.withConnection { try $0.command("PTTL", RedisArgument(key)) }.int ?? -3
            #expect(ttl > 0, "\(key) has no expiry")
        }
    }
}
