import Foundation
import Logging
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

@Suite("Decision log group commit", .serialized)
struct ValidationLogTests {
    static func database() throws -> PostgresClient {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_DATABASE_URL"], !url.isEmpty else {
            throw ValidationLogError(message: "VIGIL_DATABASE_URL is not set: run scripts/test.sh or source .vigil/env")
        }
        let configuration = try PostgresConfiguration(url: url)
        let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../schemas/sql").standardized
        try Migrations.apply(configuration: configuration, directory: migrations, logger: Logger(label: "test"))
        return PostgresClient(configuration: configuration)
    }

    static func row(_ decision: String) throws -> ValidationLogRow {
        let registry = PolicyRegistry(PolicySet(definitions: [
            PolicyDefinition(policyName: "log_test_limit", policyType: .positionLimit, rules: .object(["max_position_quantity": .number(10)])),
        ]))
        let processor = DecisionProcessor(policies: registry, portfolios: InMemoryPortfolioStateStore(), windows: InMemoryDecisionWindowStore(),
                                          enforcement: InMemoryEnforcementState(), clock: ManualClock())
        let state = PortfolioState(portfolioID: "log-pf", nav: 1_000, cash: 1_000, positions: [], asOf: Date())
        let order = Order(symbol: "A", side: .buy, quantity: 20, price: 1)
        let result = try processor.validate(PolicyValidationRequest(
            decision: TradingDecision(decisionID: decision, portfolioID: "log-pf", timestamp: Date(), orders: [order]),
            portfolioState: state))
        return ValidationLogRow(result: result, source: .requestReply, id: UUID(), validatedAt: Date(), durationSeconds: 0.001)
    }

    @Test func concurrentRecordsAreAllCommittedBeforeTheyReturn() async throws {
        let database = try Self.database()
        let log = ValidationLog(database: database, logger: Logger(label: "test"))
        let stop = StopSignal()
        let writer = Thread { log.run(until: stop) }
        writer.start()
        let prefix = "log-" + UUID().uuidString.prefix(8)
        let rows = try (0..<64).map { try Self.row("\(prefix)-\($0)") }
        let failures = ManagedCount()
        DispatchQueue.concurrentPerform(iterations: rows.count) { index in
            do { try log.record(rows[index]) } catch { failures.increment() }
        }
        #expect(failures.value == 0)
        let stored = try await database.withConnection {
            try $0.query("SELECT count(*)::int8 AS n, bool_and(NOT is_compliant) AS all_violating, min(violated_policies[1]) AS policy FROM policy_validations WHERE decision_id LIKE $1",
                         [.text("\(prefix)-%")]).rows[0]
        }
        #expect(try stored.int("n") == 64)
        #expect(try stored.bool("all_violating"))
        #expect(try stored.string("policy") == "log_test_limit")
        stop.set()
        while writer.isExecuting { try await Task.sleep(for: .milliseconds(10)) }
        #expect(throws: ValidationLogError.self) { try log.record(rows[0]) }
    }

    @Test("a row PostgreSQL refuses fails its own validation only; the rows committed with it are recorded")
    func aRefusedRowFailsAlone() async throws {
        let database = try Self.database()
        let log = ValidationLog(database: database, logger: Logger(label: "test"))
        let stop = StopSignal()
        let writer = Thread { log.run(until: stop) }
        writer.start()
        defer { stop.set() }
        let prefix = "log-" + UUID().uuidString.prefix(8)
        var built = try (0..<32).map { try Self.row("\(prefix)-\($0)") }
        built[7].strategy = "a\u{0}b"
        let rows = built
        let refused = ManagedCount(), failed = ManagedCount()
        DispatchQueue.concurrentPerform(iterations: rows.count) { index in
            do {
                try log.record(rows[index])
            } catch let error as InputError where error.code == .rejectedByDatabase && index == 7 {
                refused.increment()
            } catch {
                failed.increment()
            }
        }
        #expect(refused.value == 1)
        #expect(failed.value == 0)
        let stored = try await database.withConnection {
            try $0.query("SELECT count(*)::int8 AS n FROM policy_validations WHERE decision_id LIKE $1", [.text("\(prefix)-%")]).rows[0]
        }
        #expect(try stored.int("n") == 31)
    }

    @Test func aFailedCommitFailsTheValidationInsteadOfDroppingTheRow() throws {
        var configuration = try PostgresConfiguration(url: "postgresql://nobody@127.0.0.1:1/none")
        configuration.connectTimeout = .seconds(1)
        let log = ValidationLog(database: PostgresClient(configuration: configuration), logger: Logger(label: "test"))
        let stop = StopSignal()
        let writer = Thread { log.run(until: stop) }
        writer.start()
        defer { stop.set() }
        #expect(throws: (any Error).self) { try log.record(try Self.row("log-unreachable")) }
    }
}

/// A thread-safe counter for tests.
final class ManagedCount: @unchecked Sendable {
    // Guarded by `lock`.
    private var count = 0
    private let lock = NSLock()
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
