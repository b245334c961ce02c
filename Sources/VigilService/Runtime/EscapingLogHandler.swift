import Logging

/// Wraps the log handler so that logged text cannot forge log lines: control characters in the
/// message and in every metadata value (newlines, carriage returns, NUL, escape sequences, U+2028
/// and U+2029) are written as escapes (`\n`, `\u{0}`). Inputs reach the log in error messages and
/// metadata (a field path, a subject, a reported violation's detail key), and a newline there
/// could otherwise print a line that looks like Vigil's own.
public struct EscapingLogHandler: LogHandler {
    private var inner: any LogHandler

    /// Wraps `inner`.
    public init(_ inner: any LogHandler) {
        self.inner = inner
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue.mapValues(Self.escape) }
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map(Self.escape) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: Self.escape(event.message.description))
        event.metadata = event.metadata.map { metadata in
            Dictionary(uniqueKeysWithValues: metadata.map { (Self.escape($0.key), Self.escape($0.value)) })
        }
        inner.log(event: event)
    }

    /// `value` with every string in it escaped.
    static func escape(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(escape(text))
        case .stringConvertible(let convertible): .string(escape(convertible.description))
        case .array(let items): .array(items.map(escape))
        case .dictionary(let members): .dictionary(Dictionary(uniqueKeysWithValues: members.map { (escape($0.key), escape($0.value)) }))
        }
    }

    /// `text` with control characters written as escapes; unchanged (and not copied) when it has none.
    static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
