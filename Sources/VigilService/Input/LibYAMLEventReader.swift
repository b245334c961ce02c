import CYaml

/// Owns one libyaml parser and a private copy of its input, and hands out its events one by one.
/// libyaml's parser is a state machine with explicit stacks, so reading events never recurses,
/// however deep the document. CYaml is the libyaml that Yams bundles; it is imported directly
/// because Yams 5 keeps its own event API internal.
final class LibYAMLEventReader {
    /// One event, reduced to what ``YAMLInput/check(_:limits:)`` needs.
    enum Event {
        case documentStart
        case collectionStart(anchor: String?, isMapping: Bool)
        case collectionEnd
        case scalar(anchor: String?, length: Int, value: String)
        case alias(anchor: String)
        case other
    }

    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// 1-based line and column of the last event returned.
    private(set) var line = 1
    private(set) var column = 1

    init(_ text: String) {
        input = .allocate(capacity: max(text.utf8.count, 1))
        _ = input.initialize(from: text.utf8)
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, text.utf8.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; nil at the end of the stream or at a syntax error (which Yams reports
    /// when it parses the same text).
    func next() -> Event? {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { return nil }
        defer { yaml_event_delete(&event) }
        line = Int(event.start_mark.line) + 1
        column = Int(event.start_mark.column) + 1
        switch event.type {
        case YAML_STREAM_END_EVENT: return nil
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_SEQUENCE_START_EVENT: return .collectionStart(anchor: Self.string(event.data.sequence_start.anchor), isMapping: false)
        case YAML_MAPPING_START_EVENT: return .collectionStart(anchor: Self.string(event.data.mapping_start.anchor), isMapping: true)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT: return .collectionEnd
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self) } ?? ""
            return .scalar(anchor: Self.string(scalar.anchor), length: Int(scalar.length), value: value)
        case YAML_ALIAS_EVENT: return .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        default: return .other
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }
}
