/// NATS message headers: names map to one or more values, values kept in the order they were added.
///
/// Names are case-sensitive (as in cnats 3). cnats does not preserve the order of *different* names on
/// received messages, so equality compares each name's value list, not the order of names.
public struct NATSHeaders: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    /// One header line.
    public struct Entry: Sendable, Hashable {
        /// The header name.
        public var name: String
        /// The header value.
        public var value: String
    }

    /// All header lines in insertion order.
    public private(set) var entries: [Entry] = []

    /// Empty headers.
    public init() {}

    /// Headers from `name: value` pairs, in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Whether there are no headers.
    public var isEmpty: Bool { entries.isEmpty }

    /// The distinct names, in first-seen order.
    public var names: [String] {
        var seen = Set<String>()
        return entries.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    /// The first value for `name`; setting replaces all values for `name` (nil removes them).
    public subscript(name: String) -> String? {
        get { entries.first { $0.name == name }?.value }
        set {
            remove(name)
            if let newValue { add(name, newValue) }
        }
    }

    /// All values for `name`, in order.
    public func values(for name: String) -> [String] {
        entries.filter { $0.name == name }.map(\.value)
    }

    /// Appends a value for `name`, keeping existing values.
    public mutating func add(_ name: String, _ value: String) {
        entries.append(Entry(name: name, value: value))
    }

    /// Removes every value for `name`.
    public mutating func remove(_ name: String) {
        entries.removeAll { $0.name == name }
    }

    /// Iterates over the header lines in order.
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }

    /// Equal when every name has the same values in the same order.
    public static func == (lhs: NATSHeaders, rhs: NATSHeaders) -> Bool {
        lhs.grouped == rhs.grouped
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(grouped) }

    private var grouped: [String: [String]] {
        Dictionary(grouping: entries, by: \.name).mapValues { $0.map(\.value) }
    }
}
