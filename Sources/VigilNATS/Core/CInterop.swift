import CNATS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Duration {
    /// Whole milliseconds, rounded up so a tiny positive timeout never becomes "no wait", clamped to Int64.
    var natsMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1000 - 1 else { return Int64.max }
        return seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, clamped to Int64 (JetStream configuration units).
    var natsNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 - 1 else { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Builds a duration from a JetStream nanosecond count.
    static func natsNanoseconds(_ value: Int64) -> Duration { .nanoseconds(value) }
}

/// Owns C copies of strings that must stay valid across a C call (or an object's life).
///
/// Nested `withCString` closures do not scale to configuration structs with many optional strings and
/// arrays; this frees everything at once when the arena goes away.
final class CStringArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    /// A NUL-terminated copy of `string` that lives as long as the arena.
    func copy(_ string: String) -> UnsafePointer<CChar> {
        let pointer = strdup(string)!  // strdup only fails when out of memory, where Swift traps anyway.
        allocations.append(UnsafeMutableRawPointer(pointer))
        return UnsafePointer(pointer)
    }

    /// Like `copy(_:)` but keeps `nil` as a C `NULL`.
    func copy(_ string: String?) -> UnsafePointer<CChar>? {
        string.map { copy($0) }
    }

    /// A C array of C strings living as long as the arena.
    func copyArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(strings.count, 1))
        for (index, string) in strings.enumerated() { array[index] = copy(string) }
        allocations.append(UnsafeMutableRawPointer(array))
        return array
    }

    /// A C array of integers living as long as the arena.
    func copyArray(_ values: [Int64]) -> UnsafeMutablePointer<Int64> {
        let array = UnsafeMutablePointer<Int64>.allocate(capacity: max(values.count, 1))
        for (index, value) in values.enumerated() { array[index] = value }
        allocations.append(UnsafeMutableRawPointer(array))
        return array
    }

    deinit {
        for pointer in allocations { free(pointer) }
    }
}

/// Calls `body` with a contiguous view of `payload`, copying only when the collection is not contiguous.
func withPayloadBytes<Payload: Collection<UInt8>, R>(
    _ payload: Payload, _ body: (UnsafeRawPointer?, Int32) throws -> R
) throws -> R {
    let operation = "payload preparation"
    guard payload.count <= Int(Int32.max) else {
        throw NATSError(code: .invalidArgument, operation: operation, detail: "payload larger than 2 GiB")
    }
    let result: Result<R, any Error>? = payload.withContiguousStorageIfAvailable { buffer in
        Result { try body(UnsafeRawPointer(buffer.baseAddress), Int32(buffer.count)) }
    }
    if let result { return try result.get() }
    return try Array(payload).withUnsafeBytes { buffer in
        try body(buffer.baseAddress, Int32(buffer.count))
    }
}

/// Copies a C string owned by cnats into a Swift string (`nil` stays `nil`).
func swiftString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}
