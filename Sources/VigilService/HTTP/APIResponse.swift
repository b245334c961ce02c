import Foundation
import Hummingbird
import Logging
import NIOCore
import VigilCore

/// JSON responses encoded like every other Vigil output (RFC 3339 timestamps, snake_case keys
/// from the models' coding keys).
enum APIResponse {
    private static let encoder = OutputEncoder()

    static func json(_ status: HTTPResponse.Status, _ body: some Encodable) -> Response {
        // Vigil's own response types always encode; the fallback keeps the reply JSON regardless.
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"response could not be encoded"}}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }
}

/// Turns every error a handler or the router throws into the JSON error body, so clients never
/// see an empty or HTML error: unknown routes (404), wrong methods, oversize bodies (413) and
/// anything unexpected (500, logged, with no internals in the body).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The body limit, named in 413 replies.
    var maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response
        } catch let error as any HTTPResponseError {
            return reply(for: error.status, request: request).response
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal", "the request could not be handled").response
        }
    }

    func reply(for status: HTTPResponse.Status, request: Request) -> APIError {
        switch status {
        case .notFound:
            return APIError(.notFound, code: "not_found", "no route \(request.method) \(request.uri.path.prefix(200))")
        case .contentTooLarge:
            return APIError(.contentTooLarge, code: "too_large", "the request body exceeds \(maxBodyBytes) bytes")
        case .methodNotAllowed:
            return APIError(.methodNotAllowed, code: "method_not_allowed", "\(request.method) is not allowed on \(request.uri.path.prefix(200))")
        default:
            return APIError(status, code: "http_\(status.code)", status.reasonPhrase)
        }
    }
}
