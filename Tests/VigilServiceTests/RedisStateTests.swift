import Dispatch
import Foundation
import Synchronization
import Testing
@testable import VigilCore
import VigilRedis
import VigilService

/// The redis-server of `scripts/stack.sh up` (VIGIL_REDIS_URL); a missing setting fails the test.
private enum SharedRedis {
    static func client() throws -> RedisClient {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_REDIS_URL"], !url.isEmpty else {
            throw RedisStateTestError("VIGIL_REDIS_URL is not set: run scripts/test.sh, or scripts/stack.sh up and source .vigil/env")
        }
        return try RedisClient(configuration: RedisConfiguration(url: url), poolSize: 2)
    }

    /// A key prefix no other test or earlier run uses.
    static func prefix() -> String { "vigil-test:\(UInt64.random(in: 0...UInt64.max)):" }
}

private struct RedisStateTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("Redis decision windows and enforcement state", .serialized)
struct RedisStateTests {
    @Test("conformance with Redis", arguments: WindowStoreConformance.all)
    func conformance(_ scenario: WindowStoreConformance) throws {
        let client = try SharedRedis.client()
        defer { client.close() }
        let store = RedisDecisionWindowStore(client: client, keyPrefix: SharedRedis.prefix())
        let problems = try scenario.run(store, portfolioID: "pf-1")
        #expect(problems.isEmpty, "\(scenario.name): \(problems.joined(separator: "; "))")
    }

    @Test func keysLiveUnderThePrefixAndExpire() throws {
        let client = try SharedRedis.client()
        defer { client.close() }
        let prefix = SharedRedis.prefix()
        let store = RedisDecisionWindowStore(client: client, keyPrefix: prefix)
        let limit = WindowLimit.turnover(policy: "risk", maximum: 1e9, window: 30)
        _ = try store.checkAndRecord([WindowCheck(decisionID: "d", portfolioID: "pf", at: Date(),
                                                  orders: [Order(symbol: "AAPL", side: .buy, quantity: 1, price: 10)], limits: [limit])])
        for suffix in ["orders", "notional", "sides", "horizon", "turnover"] {
            let ttl = try client.withConnection { try $0.command("PTTL", RedisArgument("\(prefix)window:pf:\(suffix)")) }.int ?? -3
            #expect((29_000...31_000).contains(ttl), "\(suffix) expires after the 30 s window plus a second, PTTL \(ttl)")
        }
    }

    @Test func twoInstancesRacingAcceptExactlyTheMaximum() throws {
        let prefix = SharedRedis.prefix()
        let instances = try (0..<2).map { _ in RedisDecisionWindowStore(client: try SharedRedis.client(), keyPrefix: prefix) }
        let maximum = 137
        let limit = WindowLimit.orderCount(policy: "risk", maximum: maximum, window: 3600)
        let accepted = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { instance in
            do {
                for batch in 0..<20 {
                    let checks = (0..<10).map { index in
                        WindowCheck(decisionID: "i\(instance)-b\(batch)-\(index)", portfolioID: "race", at: Date(),
                                    orders: [Order(symbol: "AAPL", side: .buy, quantity: 1, price: 1)], limits: [limit])
                    }
                    let results = try instances[instance].checkAndRecord(checks)
                    accepted.add(results.filter(\.isEmpty).count, ordering: .relaxed)
                }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        #expect(accepted.load(ordering: .relaxed) == maximum, "400 decisions from two instances, at most \(maximum) recorded")
    }

    @Test func twoProcessorsShareTheWindows() throws {
        let prefix = SharedRedis.prefix()
        let registry = PolicyRegistry(PolicySet(definitions: [
            PolicyDefinition(policyName: "limits", policyType: .positionLimit, rules: .object(["max_position_weight": .number(1)])),
        ]))
        let limit = WindowLimit.orderCount(policy: "limits", maximum: 1, window: 60)
        let processors = try (0..<2).map { _ in
            let client = try SharedRedis.client()
            return DecisionProcessor(policies: registry, portfolios: RedisPortfolioStateStore(client: client, keyPrefix: prefix),
                                     windows: RedisDecisionWindowStore(client: client, keyPrefix: prefix),
                                     enforcement: RedisEnforcementState(client: client, keyPrefix: prefix), clock: SystemClock(),
                                     windowLimits: { _ in [limit] })
        }
        let message = { (id: String) in
            InboundMessage(subject: "trading.decisions.pf", payload: Data(("""
                {"decision":{"decision_id":"\(id)","portfolio_id":"pf","timestamp":"2025-06-21T10:00:00Z",
                  "orders":[{"symbol":"AAPL","side":"BUY","quantity":1,"price":10}]},
                 "portfolio_state":{"portfolio_id":"pf","nav":1000000,"cash":500000,"positions":[],"as_of":"2025-06-21T09:59:00Z"}}
                """).utf8))
        }
        let compliant = { (outcomes: [DecisionOutcome]) in
            outcomes.map { if case .validated(let result) = $0 { result.verdict.response.isCompliant } else { false } }
        }
        #expect(compliant(try processors[0].process([message("a")])) == [true])
        let second = try processors[1].process([message("b")])
        #expect(compliant(second) == [false], "instance 2 sees the order instance 1 recorded")
        guard case .validated(let result) = second.first else { return }
        #expect(result.verdict.response.violations.map(\.violationType) == ["MAX_ORDERS_PER_WINDOW"])
    }

    @Test func enforcementStateIsReadAsThePITCapabilityWritesIt() throws {
        let client = try SharedRedis.client()
        defer { client.close() }
        let prefix = SharedRedis.prefix()
        try client.withConnection { connection in
            _ = try connection.pipeline([
                ["HSET", RedisArgument("\(prefix)breaker:global"), "state", "closed"],
                ["HSET", RedisArgument("\(prefix)breaker:portfolio:pf"), "state", "open", "reason", "CRITICAL PIT violation", "percent", "0"],
                ["HSET", RedisArgument("\(prefix)breaker:strategy:a"), "state", "half_open", "percent", "25"],
                ["HSET", RedisArgument("\(prefix)breaker:strategy:b"), "state", "half_open"],
                ["HSET", RedisArgument("\(prefix)breaker:strategy:c"), "state", "ajar"],
                ["SET", RedisArgument("\(prefix)breaker:strategy:d"), "not a hash"],
                ["HSET", RedisArgument("\(prefix)quarantine"), "momentum_5d", "lookahead", "vol", "stale"],
            ])
        }
        defer {
            _ = try? client.withConnection { connection in
                try connection.command(["DEL"] + ["breaker:global", "breaker:portfolio:pf", "breaker:strategy:a", "breaker:strategy:b",
                                                  "breaker:strategy:c", "breaker:strategy:d", "quarantine"].map { RedisArgument(prefix + $0) })
            }
        }
        let reader = RedisEnforcementState(client: client, keyPrefix: prefix)
        let snapshot = try reader.snapshot(
            scopes: ["global", "portfolio:pf", "strategy:a", "strategy:b", "strategy:c", "strategy:d", "strategy:none"],
            features: ["momentum_5d", "price", "vol"])
        #expect(snapshot.breakers["global"] == nil)
        #expect(snapshot.breakers["strategy:none"] == nil)
        #expect(snapshot.breakers["portfolio:pf"] == .open(reason: "CRITICAL PIT violation"))
        #expect(snapshot.breakers["strategy:a"] == .halfOpen(percent: 25))
        #expect(snapshot.breakers["strategy:b"] == .halfOpen(percent: 0), "a half-open breaker without a percentage admits nothing")
        guard case .open(let reason)? = snapshot.breakers["strategy:c"] else { Issue.record("unknown state must read as open"); return }
        #expect(reason.contains("ajar"))
        guard case .open(let wrongType)? = snapshot.breakers["strategy:d"] else { Issue.record("wrong type must read as open"); return }
        #expect(wrongType.contains("WRONGTYPE"))
        #expect(snapshot.quarantined == ["momentum_5d": "lookahead", "vol": "stale"])
        #expect(try reader.quarantined(features: ["price"]).isEmpty)
        #expect(try reader.breakers(for: ["portfolio:pf"]) == ["portfolio:pf": .open(reason: "CRITICAL PIT violation")])
    }

    @Test("snapshots and enforcement state read in one round trip answer as the two stores asked in turn")
    func combinedStateReadMatchesTheStoresInTurn() throws {
        let client = try SharedRedis.client()
        defer { client.close() }
        let prefix = SharedRedis.prefix()
        let portfolios = RedisPortfolioStateStore(client: client, keyPrefix: prefix)
        let asOf = Date(timeIntervalSince1970: 1_750_500_000)
        try portfolios.save(PortfolioState(portfolioID: "pf-a", nav: 1_000_000, cash: 10_000,
                                           positions: [Position(symbol: "AAPL", quantity: 10, price: 200)], asOf: asOf))
        try portfolios.save(PortfolioState(portfolioID: "pf-b", nav: 2_000_000, cash: 0, positions: [], asOf: asOf))
        try client.withConnection { connection in
            _ = try connection.pipeline([
                ["HSET", RedisArgument("\(prefix)breaker:portfolio:pf-a"), "state", "open", "reason", "tripped"],
                ["SET", RedisArgument("\(prefix)portfolio:pf-bad"), "not a hash"],
                ["HSET", RedisArgument("\(prefix)quarantine"), "momentum_5d", "lookahead"],
            ])
        }
        defer {
            _ = try? client.withConnection { connection in
                try connection.command(["DEL"] + ["portfolio:pf-a", "portfolio:pf-b", "portfolio:pf-bad", "breaker:portfolio:pf-a", "quarantine"]
                    .map { RedisArgument(prefix + $0) })
            }
        }
        let enforcement = RedisEnforcementState(client: client, keyPrefix: prefix)
        let combined = RedisDecisionStateReader(client: client, portfolios: portfolios, enforcement: enforcement)
        let inTurn = SeparateDecisionStateReads(portfolios: portfolios, enforcement: enforcement)
        let queries: [(Set<String>, Set<String>, Set<String>)] = [
            (["pf-a", "pf-b", "pf-none"], ["global", "portfolio:pf-a", "portfolio:pf-b"], ["momentum_5d", "price"]),
            ([], ["global", "portfolio:pf-a"], ["momentum_5d"]),
            (["pf-a"], [], ["momentum_5d"]),
            ([], [], []),
        ]
        for (ids, scopes, features) in queries {
            let expected = try inTurn.read(statesOf: ids, scopes: scopes, features: features)
            #expect(try combined.read(statesOf: ids, scopes: scopes, features: features) == expected, "\(ids) \(scopes) \(features)")
        }
        let both = try combined.read(statesOf: ["pf-a", "pf-b", "pf-none"], scopes: ["portfolio:pf-a"], features: ["momentum_5d"])
        #expect(both.states.keys.sorted() == ["pf-a", "pf-b"])
        #expect(both.states["pf-a"]?.positions.first?.symbol == "AAPL")
        #expect(both.enforcement.breakers == ["portfolio:pf-a": .open(reason: "tripped")])
        #expect(both.enforcement.quarantined == ["momentum_5d": "lookahead"])
        // A snapshot key Redis cannot read fails the batch, as the portfolio store alone does.
        #expect(throws: RedisError.self) { try combined.read(statesOf: ["pf-bad"], scopes: ["global"], features: []) }
        #expect(throws: RedisError.self) { try inTurn.read(statesOf: ["pf-bad"], scopes: ["global"], features: []) }
    }
}
