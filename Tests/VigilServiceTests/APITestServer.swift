import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import NIOCore
import Testing
import VigilCore
import VigilPostgres
@testable import VigilService

/// Starts the real HTTP application on a free loopback port against the PostgreSQL started by
/// `scripts/stack.sh up`, and speaks HTTP to it with URLSession.
struct APITestServer: Sendable {
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    let baseURL: URL
    let database: PostgresClient
    let registry: PolicyRegistry
    /// The breaker and quarantine state behind the breaker routes.
    var breakers = InMemoryBreakerStore()

    static let adminToken = "test-admin-token-4f1c2a"

    static func databaseConfiguration() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_DATABASE_URL"], !url.isEmpty else {
            throw SetupError(description: "VIGIL_DATABASE_URL is not set: run scripts/stack.sh up and source .vigil/env")
        }
        return try PostgresConfiguration(url: url)
    }

    /// Brings the stack's database to the current schema (safe when tests do it concurrently).
    static func migrate() throws {
        let migrations = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas/sql")
        _ = try Migrations.apply(configuration: try databaseConfiguration(), directory: migrations, logger: Logger(label: "api-test"))
    }

    /// Runs `body` with a server; the schema is migrated first. A `broken` server has its
    /// stores down (PostgreSQL on a closed port, a failing portfolio store, readiness failing).
    static func with<T: Sendable>(adminToken: String? = adminToken, policies: PolicySet = .empty, broken: Bool = false,
                                  maxBodyBytes: Int = 64 * 1024,
                                  _ body: @Sendable (APITestServer) async throws -> T) async throws -> T {
        var configuration = try databaseConfiguration()
        let portfolios: any PortfolioStateStore = broken ? FailingPortfolioStore() : InMemoryPortfolioStateStore()
        let checks = [ReadinessCheck(name: "postgres") { if broken { throw FailingPortfolioStore.Down() } }]
        try migrate()
        var logger = Logger(label: "api-test")
        // Stopping the server by cancellation makes Hummingbird log errors that are not failures.
        logger.logLevel = .critical
        if broken { configuration = try PostgresConfiguration(url: "postgresql://postgres@127.0.0.1:1/vigil") }
        let database = PostgresClient(configuration: configuration, logger: logger)
        defer { database.close() }
        let registry = PolicyRegistry(policies)
        var limits = InputLimits()
        limits.maxPayloadBytes = maxBodyBytes
        var processorConfiguration = DecisionProcessor.Configuration()
        processorConfiguration.limits = limits
        let processor = DecisionProcessor(policies: registry, portfolios: portfolios, windows: InMemoryDecisionWindowStore(),
                                          enforcement: InMemoryEnforcementState(), clock: SystemClock(),
                                          configuration: processorConfiguration)
        let log = ValidationLog(database: database, logger: logger)
        let logStop = StopSignal()
        Thread { log.run(until: logStop) }.start()
        defer { logStop.set() }
        var api = VigilAPI(processor: processor, log: log, database: database, adminToken: adminToken, maxBodyBytes: maxBodyBytes,
                           logger: logger)
        let breakers = InMemoryBreakerStore()
        api.breaker = BreakerAPI(admin: EnforcementAdmin(controller: BreakerController(machine: BreakerStateMachine(), store: breakers),
                                                         database: database, clock: SystemClock())) { _ in }
        if broken {
            api.dashboard = { @Sendable in throw FailingPortfolioStore.Down() }
        } else {
            // Counters with latencies and a region, so every part of the body is checked against the schema.
            api.dashboard = { @Sendable in
                let now = Date()
                let fields: [String: Int64] = ["e:created": 2, "e:acknowledged": 1, "ta:n": 1, "ta:ms": 1500, "ta:h:30": 1,
                                               "r:eu:e:created": 2, "r:eu:ta:n": 1, "r:eu:ta:ms": 1500]
                return DashboardBuilder.snapshot(buckets: [DispatchMetricFields.minute(of: now): fields], open: [.created: 1], at: now)
            }
        }
        api.alerts = alertRoutes()
        defer { api.shutdown() }
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = HTTPServer.application(
            address: try HTTPAddress("127.0.0.1:0", key: "http.addr"), metrics: VigilMetrics(), checks: checks, api: api,
            logger: logger, onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            })
        let serverTask = Task { try await app.runService() }
        defer { serverTask.cancel() }
        var port = 0
        for await value in ports { port = value }
        guard port > 0, let url = URL(string: "http://127.0.0.1:\(port)") else {
            throw SetupError(description: "the HTTP server did not start")
        }
        return try await body(APITestServer(baseURL: url, database: database, registry: registry, breakers: breakers))
    }

    struct Reply: Sendable {
        var status: Int
        var body: Data
        var contentType: String?

        var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var error: [String: Any] { object["error"] as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func send(_ method: String, _ path: String, body: Data? = nil, token: String? = nil,
              authorization: String? = nil) async throws -> Reply {
        guard let url = URL(string: baseURL.absoluteString + path) else { throw SetupError(description: "bad path \(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw SetupError(description: "not an HTTP response") }
        return Reply(status: http.statusCode, body: data, contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    func send(_ method: String, _ path: String, json: Any, token: String? = nil) async throws -> Reply {
        try await send(method, path, body: try JSONSerialization.data(withJSONObject: json), token: token)
    }

    /// Runs SQL directly, as an operator would.
    func sql(_ text: String, _ parameters: [PostgresValue] = []) throws {
        _ = try database.withConnection { try $0.execute(text, parameters) }
    }

    static func unique(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().prefix(8)
    }
}

/// Fixtures shared by the API tests.
enum APIFixtures {
    static func request(decisionID: String, portfolio: String = "p1", quantity: Double = 100, price: Double = 100,
                        withState: Bool = true) -> [String: Any] {
        var request: [String: Any] = [
            "decision": [
                "decision_id": decisionID, "portfolio_id": portfolio, "timestamp": "2025-06-21T10:00:00Z",
                "orders": [["symbol": "AAPL", "side": "BUY", "quantity": quantity, "price": price,
                            "sector": "Technology", "asset_class": "EQUITY", "country": "US"]],
            ] as [String: Any],
        ]
        if withState {
            request["portfolio_state"] = ["portfolio_id": portfolio, "nav": 1_000_000, "cash": 1_000_000, "positions": [] as [Any],
                                          "as_of": "2025-06-21T09:59:00Z"] as [String: Any]
        }
        return request
    }

    static func positionLimit(_ name: String, weight: Double = 0.1) -> PolicyDefinition {
        PolicyDefinition(policyName: name, policyType: .positionLimit, rules: .object(["max_position_weight": .number(weight)]))
    }
}

/// A portfolio store whose server is down.
struct FailingPortfolioStore: PortfolioStateStore {
    struct Down: Error {}
    func latestStates(for portfolioIDs: Set<String>) throws -> [String: PortfolioState] { throw Down() }
    func save(_ state: PortfolioState) throws -> Bool { throw Down() }
}
