import CLibPQ

extension PostgresError {
    /// The one place that turns libpq's status conventions into a `PostgresError`.
    ///
    /// After connecting pass `.connect`; after a statement pass `.statement(result)` (nil when
    /// libpq returned no result). Returns nil when the status means success. `secret` (the
    /// password) is scrubbed from libpq's text, which is built from user-supplied settings.
    static func fromLibPQ(connection: OpaquePointer?, _ outcome: LibPQOutcome, secret: String?) -> PostgresError? {
        guard let connection else {
            return PostgresError(code: .connection, message: "libpq could not allocate a connection")
        }
        let connectionBad = PQstatus(connection) == CONNECTION_BAD
        let result: OpaquePointer
        switch outcome {
        case .connect:
            guard PQstatus(connection) != CONNECTION_OK else { return nil }
            let text = scrub(PQerrorMessage(connection), secret) ?? "connection failed"
            return PostgresError(code: .connection, message: text, status: "CONNECTION_BAD")
        case .statement(nil), .consumeInput:
            // libpq could not send, receive or allocate: the message is in the connection.
            let text = scrub(PQerrorMessage(connection), secret) ?? "no result from server"
            return PostgresError(code: .connection, message: text, status: connectionBad ? "CONNECTION_BAD" : nil)
        case .statement(let some?):
            result = some
        }
        let execStatus = PQresultStatus(result)
        switch execStatus {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_NONFATAL_ERROR:
            return nil
        case PGRES_FATAL_ERROR:
            let sqlState = field(result, "C")
            let primary = field(result, "M").map { scrub($0, secret) ?? $0 }
                ?? scrub(PQresultErrorMessage(result), secret) ?? "statement failed"
            let code: Code
            if sqlState == "57014" {
                code = .timeout  // query_canceled: statement_timeout (or a cancel request)
            } else if connectionBad || sqlState?.hasPrefix("08") == true || sqlState == "57P01" {
                code = .connection
            } else {
                code = .query
            }
            return PostgresError(
                code: code, message: primary, sqlState: sqlState,
                status: connectionBad ? "PGRES_FATAL_ERROR, CONNECTION_BAD" : "PGRES_FATAL_ERROR")
        default:
            let name = String(cString: PQresStatus(execStatus))
            return PostgresError(
                code: .protocol, message: "unexpected result status \(name)", status: name)
        }
    }

    private static func field(_ result: OpaquePointer, _ letter: Unicode.Scalar) -> String? {
        // PG_DIAG_* are char-literal macros, which Swift does not import.
        guard let raw = PQresultErrorField(result, Int32(letter.value)) else { return nil }
        return String(cString: raw)
    }

    private static func scrub(_ raw: UnsafePointer<CChar>?, _ secret: String?) -> String? {
        guard let raw else { return nil }
        return scrub(String(cString: raw), secret)
    }

    private static func scrub(_ text: String, _ secret: String?) -> String? {
        var cleaned = text.trimmingWhitespace()
        if let secret, !secret.isEmpty { cleaned = cleaned.replacing(secret, with: "***") }
        return cleaned.isEmpty ? nil : cleaned
    }
}

/// What just happened on a connection, for `PostgresError.fromLibPQ`.
enum LibPQOutcome {
    /// `PQconnectdbParams` or `PQreset` returned.
    case connect
    /// `PQexec`/`PQexecParams` returned this result (nil: no result at all).
    case statement(OpaquePointer?)
    /// `PQconsumeInput` returned 0.
    case consumeInput
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
