import Foundation

/// Number formatting for violation descriptions and recommendations: plain, locale-independent.
public enum Format {
    /// A number with at most 4 decimals and no trailing zeros, e.g. `1500`, `0.125`.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A fraction as a percentage, e.g. `0.1` → `10%`.
    public static func percent(_ fraction: Double) -> String {
        number(fraction * 100) + "%"
    }

    /// Floors a compliant quantity: to whole units when the requested quantity is whole, else to
    /// 1e-8, so that the suggestion itself is always compliant.
    public static func floorQuantity(_ value: Double, like requested: Double) -> Double {
        guard value.isFinite, value > 0 else { return 0 }
        if requested == requested.rounded() { return (value + 1e-9).rounded(.down) }
        return ((value * 1e8) + 1e-6).rounded(.down) / 1e8
    }
}
