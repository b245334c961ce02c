import Foundation
import Hummingbird
import Logging
import NIOCore
import VigilCore
import VigilPostgres

/// The REST API under `/api/v1`: validation, policy administration and the violation log.
/// Everything that blocks (Redis in validation, libpq) runs off Swift's cooperative pool: the
/// validation on a small fixed pool of threads, PostgreSQL on the client's own queue.
struct VigilAPI: Sendable {
    let processor: DecisionProcessor
    /// The decision log every validation is written to before it is answered.
    let log: ValidationLog
    let database: PostgresClient
    let admin: AdminToken
    let executor: BlockingExecutor
    /// Largest request body accepted; larger ones get 413 (the same limit as NATS inputs).
    let maxBodyBytes: Int
    let logger: Logger
    /// Breaker, quarantine and incident routes, when the capability runs.
    var breaker: BreakerAPI?
    /// Computes the dispatch dashboard; nil when the SLA capability is off (the routes answer 503).
    var dashboard: (@Sendable () throws -> DashboardSnapshot)?
    /// The alert routes, when alerting is wired (issue 5).
    var alerts: AlertRoutes?

    init(processor: DecisionProcessor, log: ValidationLog, database: PostgresClient, adminToken: String?, maxBodyBytes: Int,
         validationThreads: Int = 2, logger: Logger) {
        self.processor = processor
        self.log = log
        self.database = database
        self.admin = AdminToken(adminToken)
        self.executor = BlockingExecutor(name: "vigil-http-validate", threads: validationThreads)
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    func register(on router: Router<BasicRequestContext>) {
        // Group middleware runs for matched routes only: an unknown route stays a 404 whatever its query.
        let api = router.group("api/v1").add(middleware: QueryParameterCheck())
        api.post("validate") { request, _ in try await validate(request) }
        api.get("policies") { _, _ in try await listPolicies() }
        api.get("policies/:name") { _, context in try await getPolicy(try Self.name(context)) }
        api.put("policies/:name") { request, context in try await putPolicy(try Self.name(context), request) }
        api.delete("policies/:name") { request, context in try await deletePolicy(try Self.name(context), request) }
        api.get("violations") { request, _ in try await listViolations(request) }
        registerPIT(on: api)
        breaker?.register(on: api, api: self)
        api.get("dashboard") { _, _ in try await getDashboard() }
        api.get("dashboard/regions") { _, _ in try await getDashboardRegions() }
        registerSLAPolicies(on: api)
        if let alerts { registerAlerts(alerts, on: api) }
    }

    /// Reads the body, answering 413 past the limit, and 400 for a JSON key given twice or a number
    /// beyond a Double (Foundation would silently keep one key, or call the number "not JSON").
    func body(_ request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        let data = Data(buffer.readableBytesView)
        if let problem = JSONStructureCheck.firstProblem(in: data) { throw APIError(.badRequest, problem) }
        return data
    }

    /// Runs a PostgreSQL call on the client's queue; a failing database is a 503, not a 500, and
    /// a value it refuses (out of range, a NUL character) is the client's 400.
    func withDatabase<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        do {
            return try await database.withConnection(body)
        } catch let error as PostgresError where error.isDataRejection {
            logger.notice("database refused a value of the request", metadata: ["error": "\(error)"])
            throw APIError.refusedValue(error)
        } catch let error as PostgresError {
            logger.warning("database call failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the policy database")
        }
    }

    private static func name(_ context: BasicRequestContext) throws(APIError) -> String {
        try PathParameter.value(context, "name", maxLength: 100)
    }

    /// Stops the validation threads.
    func shutdown() {
        executor.shutdown()
    }
}
