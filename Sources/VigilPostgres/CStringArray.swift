/// Lends C a `const char *const *` array built from Swift strings without a malloc per string:
/// all strings live NUL-terminated in one buffer for the duration of `body`.
enum CStringArray {
    /// Calls `body` with one pointer per string (nil for nil entries). Throws an
    /// `invalidArgument` error naming the position if a string contains a NUL byte, because C
    /// would silently cut it there; its SQLSTATE is 22021 (character not in repertoire), what
    /// PostgreSQL reports for U+0000 in text, so callers treat it as the data error it is.
    static func with<R>(
        _ strings: [String?], what: String, _ body: ([UnsafePointer<CChar>?]) throws -> R
    ) throws -> R {
        var storage: [CChar] = []
        var offsets: [Int?] = []
        offsets.reserveCapacity(strings.count)
        for (position, string) in strings.enumerated() {
            guard let string else { offsets.append(nil); continue }
            let encoded = string.utf8CString
            guard !encoded.dropLast().contains(0) else {
                throw PostgresError(code: .invalidArgument, message: "\(what) \(position + 1) contains a NUL character", sqlState: "22021")
            }
            offsets.append(storage.count)
            storage.append(contentsOf: encoded)
        }
        return try storage.withUnsafeBufferPointer { buffer in
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard let offset, let base = buffer.baseAddress else { return nil }
                return base + offset
            }
            return try body(pointers)
        }
    }
}
