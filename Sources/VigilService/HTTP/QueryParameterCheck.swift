import Hummingbird

/// Refuses query parameters a route does not read, and a parameter given twice: `?limt=5` or
/// `?limit=1&limit=2` would otherwise be ignored or half-read, and a client would take the
/// unfiltered answer for a filtered one. The listing routes name what they take (the same lists
/// as `schemas/openapi.yaml`); every other `/api/v1` route takes none. Added to the `/api/v1`
/// route group, so it runs for matched routes only (an unknown route stays a 404), and `/metrics`,
/// `/healthz` and `/readyz`, where scrapers and probes may add parameters of their own, are left alone.
struct QueryParameterCheck<Context: RequestContext>: RouterMiddleware {
    /// Path → the query parameters it reads.
    static var allowed: [String: Set<String>] {
        [
            "/api/v1/violations": VigilAPI.violationParameters,
            "/api/v1/pit/violations": VigilAPI.pitParameters,
            "/api/v1/incidents": ["status", "limit"],
            "/api/v1/alerts": ["status", "severity", "source", "limit"],
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let query = request.uri.queryParameters
        guard !query.isEmpty else { return try await next(request, context) }
        let path = request.uri.path.count > 1 && request.uri.path.hasSuffix("/") ? String(request.uri.path.dropLast()) : request.uri.path
        let names = Self.allowed[path] ?? []
        var seen = Set<String>()
        for (key, _) in query {
            let name = String(key)
            guard names.contains(name) else {
                throw APIError.badParameter(String(name.prefix(100)), names.isEmpty
                    ? "is not a parameter: \(path.prefix(200)) takes no query parameters"
                    : "is not a parameter of \(path); it takes \(names.sorted().joined(separator: ", "))")
            }
            guard seen.insert(name).inserted else { throw APIError.badParameter(name, "is given more than once") }
        }
        return try await next(request, context)
    }
}
