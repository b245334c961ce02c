extension YAMLInput {
    /// Refuses `text` when it breaks `limits`: too many bytes, collections nested too deep, an
    /// alias where none are allowed, or more nodes than allowed once aliases are expanded; and
    /// when a mapping gives the same key twice, which the YAML parser would silently resolve to
    /// the last value (a repeated `max_position_weight` would change a limit without a word). Walks
    /// libyaml's events without building a tree, so it is safe on any input, and stops at the
    /// first problem. Syntax errors are left to Yams, which reports them with its usual message.
    public static func check(_ text: String, limits: YAMLLimits) throws(YAMLInputError) {
        let bytes = text.utf8.count
        guard bytes <= limits.maxBytes else {
            throw YAMLInputError(.tooLarge, "is \(bytes) bytes, more than the limit of \(limits.maxBytes) bytes")
        }
        let reader = LibYAMLEventReader(text)
        var shape = ShapeCount()
        while let event = reader.next() {
            if let problem = shape.count(event, limits: limits) {
                throw YAMLInputError(problem.code, "\(problem.message) (at line \(reader.line), column \(reader.column))")
            }
        }
    }
}

/// The running totals of ``YAMLInput/check(_:limits:)``. An anchor remembers how many nodes its
/// subtree holds and how many levels it spans, both with aliases expanded, so each alias adds
/// what it would add to the composed tree without being expanded here.
private struct ShapeCount {
    private struct Open {
        var anchor: String?
        var nodesBefore: Int
        var bytesBefore: Int
        var level: Int
        var deepestBelow: Int
        var isMapping: Bool
        /// In a mapping: the scalar keys seen, and whether the next child node is a key.
        var keys: Set<String> = []
        var expectingKey = true
    }

    private var nodes = 0
    private var bytes = 0
    private var deepest = 0
    private var open: [Open] = []
    private var anchors: [String: (nodes: Int, levels: Int, bytes: Int)] = [:]
    /// The text of anchored scalars, so an alias used as a key (`*k : 0.5`) is checked as that key.
    private var anchoredText: [String: String] = [:]

    mutating func count(_ event: LibYAMLEventReader.Event, limits: YAMLLimits) -> YAMLInputError? {
        let level = open.count + 1
        if let problem = takeSlot(event) { return problem }
        switch event {
        case .documentStart:
            anchors = [:]
            anchoredText = [:]
        case .scalar(let anchor, let length, let value):
            // PostgreSQL text cannot hold U+0000 (YAML writes it "\0"): refuse it here, naming the
            // line, rather than as a database error after everything else was checked.
            if value.utf8.contains(0) {
                return YAMLInputError(.nulCharacter, "holds a NUL character (\\0), which cannot be stored")
            }
            nodes += 1
            bytes += length
            if let anchor {
                anchors[anchor] = (1, 0, length)
                anchoredText[anchor] = value
            }
        case .alias(let anchor):
            guard limits.allowsAliases else {
                return YAMLInputError(.aliasRefused, "uses the alias *\(anchor.prefix(40)), and this file may not use aliases")
            }
            let target = anchors[anchor] ?? (1, 0, 0)
            nodes += target.nodes
            bytes += target.bytes
            if target.levels > 0 { reach(level - 1 + target.levels) }
        case .collectionStart(let anchor, let isMapping):
            nodes += 1
            open.append(Open(anchor: anchor, nodesBefore: nodes - 1, bytesBefore: bytes, level: level, deepestBelow: level,
                             isMapping: isMapping))
            reach(level)
        case .collectionEnd:
            guard let closed = open.popLast() else { return nil }
            if let anchor = closed.anchor {
                anchors[anchor] = (nodes - closed.nodesBefore, closed.deepestBelow - closed.level + 1, bytes - closed.bytesBefore)
            }
            reach(closed.deepestBelow)
        case .other:
            return nil
        }
        if deepest > limits.maxDepth {
            return YAMLInputError(.tooDeep, "nests sequences and mappings more than \(limits.maxDepth) levels deep")
        }
        if nodes > limits.maxNodes {
            return YAMLInputError(.tooManyNodes, "holds more than \(limits.maxNodes) nodes counting what its aliases repeat")
        }
        if bytes > limits.maxExpandedBytes {
            return YAMLInputError(.tooManyNodes, "holds more than \(limits.maxExpandedBytes) bytes of text counting what its aliases repeat")
        }
        return nil
    }

    /// A child node of the innermost open mapping alternates between key and value; a scalar key
    /// given twice is refused (`<<`, YAML's merge key, is left alone).
    private mutating func takeSlot(_ event: LibYAMLEventReader.Event) -> YAMLInputError? {
        guard let last = open.indices.last, open[last].isMapping else { return nil }
        switch event {
        case .scalar, .alias, .collectionStart: break
        default: return nil
        }
        defer { open[last].expectingKey.toggle() }
        guard open[last].expectingKey else { return nil }
        let key: String
        switch event {
        case .scalar(_, _, let value): key = value
        case .alias(let anchor):
            guard let value = anchoredText[anchor] else { return nil }
            key = value
        default: return nil
        }
        guard key != "<<" else { return nil }
        guard open[last].keys.insert(key).inserted else {
            return YAMLInputError(.duplicateKey, "gives the key '\(key.prefix(60))' twice in one mapping; YAML would keep only the last")
        }
        return nil
    }

    /// Records that the tree reaches `level`, in the innermost open collection and overall.
    private mutating func reach(_ level: Int) {
        deepest = max(deepest, level)
        if !open.isEmpty { open[open.count - 1].deepestBelow = max(open[open.count - 1].deepestBelow, level) }
    }
}
